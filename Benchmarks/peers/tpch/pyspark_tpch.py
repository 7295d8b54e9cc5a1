#!/usr/bin/env python3
"""PySpark local[2]'s time for each of the 22 TPC-H queries (and optionally its answers).

    Benchmarks/peers/tpch/pyspark_tpch.py --data /tmp/tpch/sf1 [--format csv|parquet] [--out DIR] [--queries 1,5] [--runs 1]

Each table is a temporary view over spark.read with header and inferSchema on DIR/<table>.csv
(schema inference is one pass over each file, done once and printed as `load`), or with --format
parquet over spark.read.parquet of DIR/<table>.parquet with its decimal columns cast to double
(see register_parquet_tables; `load` is reading the footers); the views are not cached, so every
query reads the files. The queries are tpch_sql.py's, run with spark.sql. Prints one line per
query (best of --runs: the query and collecting its rows) in duckdb_answers.py's format; with
--out writes DIR/qNN.csv as duckdb_answers.py does. Needs Java 17 or newer on PATH.
"""
import os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tpch_common as common
from tpch_sql import QUERIES

# Spark infers int for whole numbers that fit 32 bits (Ember and DuckDB: bigint); answers are the same.
SPARK_TYPES = {"bigint": ("int", "bigint"), "double": ("double",), "date": ("date",), "string": ("string",)}


def start_spark(threads):
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master(f"local[{threads}]").appName("tpch")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.memory", "4g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def register_parquet_tables(spark, data_dir):
    # Spark's decimal arithmetic rounds to 6 places: avg of a DECIMAL(15,2) is decimal(19,6) and a
    # quotient of decimals has scale 6, so q01's averages, q08's mkt_share and q14's promo_revenue
    # would differ from the double answers by more than 1e-9. Each view casts the decimal columns
    # to double (the types the CSV run's inferSchema gives, and Ember's); int32 columns stay int,
    # as Spark infers them from the CSV too.
    from pyspark.sql.functions import col
    from pyspark.sql.types import DecimalType
    for table in common.SCHEMA:
        frame = spark.read.parquet(common.table_path(data_dir, table, "parquet"))
        frame = frame.select([col(f.name).cast("double").alias(f.name) if isinstance(f.dataType, DecimalType) else col(f.name)
                              for f in frame.schema.fields])
        frame.createOrReplaceTempView(table)


def register_tables(spark, data_dir):
    for table, columns in common.SCHEMA.items():
        frame = spark.read.option("header", True).option("inferSchema", True).csv(common.table_path(data_dir, table))
        inferred = [(field.name, field.dataType.simpleString()) for field in frame.schema.fields]
        wanted = [(name, SPARK_TYPES[kind]) for name, kind in columns]
        if len(inferred) != len(wanted) or any(n != w or t not in kinds for (n, t), (w, kinds) in zip(inferred, wanted)):
            print(f"warning: Spark inferred {table} as {inferred}, not {wanted}", file=sys.stderr)
        frame.createOrReplaceTempView(table)


def main():
    args = common.engine_arguments(__doc__.splitlines()[0])
    common.use_venv()
    common.parse_queries(args.queries)   # rejects unknown queries before Spark starts
    spark = start_spark(args.threads)
    start = time.perf_counter()
    if args.format == "parquet":
        register_parquet_tables(spark, args.data)
        print(f"load {time.perf_counter() - start:9.3f} s (Parquet footers, once)", flush=True)
    else:
        register_tables(spark, args.data)
        print(f"load {time.perf_counter() - start:9.3f} s (schema inference, once)", flush=True)

    def run(query):
        frame = spark.sql(QUERIES[query])
        return frame.columns, [tuple(row) for row in frame.collect()]

    common.run_queries(args, run)
    spark.stop()


if __name__ == "__main__":
    main()
