#!/usr/bin/env python3
"""DuckDB's answers to the 22 TPC-H queries, and its time for each: the reference Ember is checked
and timed against.

    Benchmarks/peers/tpch/duckdb_answers.py --data /tmp/tpch/sf1 --out /tmp/tpch/sf1-duckdb [--queries 1,5] [--runs 3]
    Benchmarks/peers/tpch/duckdb_answers.py --data /tmp/tpch/pq-sf1 --format parquet --out /tmp/tpch/pq-sf1-duckdb

Each table is a view over read_csv of DIR/<table>.csv with its header and the types header
inference gives (bigint, double, date, string), or with --format parquet over read_parquet of
DIR/<table>.parquet with the types in the file, so every query reads the files, as Ember does;
nothing is loaded beforehand. DuckDB runs with 2 threads. Writes DIR/qNN.csv (header
row, rows in the query's order, LIMIT applied) and prints one line per query: its best time over
--runs runs (query and fetch, not writing the answer) and its row count.
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tpch_common as common
from tpch_sql import QUERIES

DUCKDB_TYPES = {"bigint": "BIGINT", "double": "DOUBLE", "date": "DATE", "string": "VARCHAR"}


def connect(data_dir, threads, data_format="csv"):
    import duckdb
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    for table, columns in common.SCHEMA.items():
        path = common.table_path(data_dir, table, data_format).replace("'", "''")
        if data_format == "parquet":
            # The file's own types, uncast: DuckDB's sums and products of DECIMAL(15,2) are exact
            # decimals, its averages and quotients doubles, so its answers differ from the CSV run's
            # only in type (decimal results are written as doubles by common.format_value) and by
            # less than compare_answers' 1e-9; int32 columns answer as the same whole numbers.
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')")
            continue
        types = ", ".join(f"'{name}': '{DUCKDB_TYPES[kind]}'" for name, kind in columns)
        con.execute(f"""CREATE VIEW {table} AS SELECT * FROM read_csv('{path}', header = true, delim = ',',
                        quote = '"', escape = '"', auto_detect = false, columns = {{{types}}})""")
    return con


def main():
    args = common.engine_arguments(__doc__.splitlines()[0])
    common.use_venv()
    con = connect(args.data, args.threads, args.format)

    def run(query):
        cursor = con.execute(QUERIES[query])
        rows = cursor.fetchall()
        return [d[0] for d in cursor.description], rows

    common.run_queries(args, run)


if __name__ == "__main__":
    main()
