"""The 22 TPC-H queries in SQL that DuckDB, Spark SQL and Ember all run, with the specification's
validation parameters: QUERIES maps each number to the text of Benchmarks/TPCH/sql/qNN.sql, the
one place the text lives. Where a file's text deviates from the specification, its opening
comment says how and why.
"""
import os

SQL_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "TPCH", "sql")


def _read(number):
    with open(os.path.join(SQL_DIR, f"q{number:02d}.sql"), encoding="utf-8") as f:
        return f.read()


QUERIES = {number: _read(number) for number in range(1, 23)}
