#!/usr/bin/env python3
"""Ember against DuckDB, Polars and PySpark local[2] on the same files, in one run.

Runs `ember wordcount` and `ember groupby` (release build) and the same queries in each peer,
each engine limited to 2 threads, best of N wall times per engine (each run is a fresh process,
so startup is included for every engine). Checks that every engine's result equals Ember's.

    python3 Benchmarks/peers/compare.py --ember .build/release/ember --text text.txt --csv click.csv [--runs 3] [--skip-spark]

The peers are installed with pip if missing (polars, duckdb, pyspark; PySpark also needs a Java
runtime on PATH).
"""
import argparse, csv, os, subprocess, sys, tempfile, time

PEERS = ["polars", "duckdb", "pyspark"]

def ensure_peers(skip_spark):
    import importlib
    missing = [p for p in PEERS if not (skip_spark and p == "pyspark") and importlib.util.find_spec(p) is None]
    if missing:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", *missing])

PY_WORDCOUNT = {
"polars": r'''
import polars as pl, sys
df = (pl.scan_csv(sys.argv[1], has_header=False, new_columns=["value"], separator="\x01", quote_char=None)
      .select(pl.col("value").str.extract_all(r"[A-Za-z]+").alias("word")).explode("word")
      .drop_nulls().select(pl.col("word").str.to_lowercase())
      .group_by("word").agg(pl.len().alias("count")).sort(["count", "word"], descending=[True, False]).collect())
df.write_csv(sys.argv[2])
''',
"duckdb": r'''
import duckdb, sys
con = duckdb.connect(); con.execute("SET threads=2")
con.execute(f"""COPY (SELECT lower(w) AS word, count(*) AS count FROM
  (SELECT unnest(regexp_extract_all(line, '[A-Za-z]+')) AS w FROM read_csv('{sys.argv[1]}', columns={{'line': 'VARCHAR'}},
   delim=chr(1), quote='', escape='', header=false, auto_detect=false))
  GROUP BY ALL ORDER BY count DESC, word ASC) TO '{sys.argv[2]}' (HEADER, DELIMITER ',')""")
''',
"pyspark": r'''
import sys
from pyspark.sql import SparkSession, functions as F
spark = SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").config("spark.driver.memory", "4g").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
words = spark.read.text(sys.argv[1]).select(F.explode(F.split(F.col("value"), "[^A-Za-z]+")).alias("w")).where(F.col("w") != "")
rows = words.groupBy(F.lower("w").alias("word")).count().orderBy(F.desc("count"), F.asc("word")).collect()
with open(sys.argv[2], "w") as f:
    f.write("word,count\n"); f.writelines(f"{r['word']},{r['count']}\n" for r in rows)
spark.stop()
''',
}

PY_GROUPBY = {
"polars": r'''
import polars as pl, sys
df = (pl.scan_csv(sys.argv[1]).group_by(["country", "device"])
      .agg([pl.len().alias("count"), pl.col("amount").sum().alias("sum_amount"), pl.col("amount").mean().alias("avg_amount")])
      .sort(["country", "device"]).collect())
df.write_csv(sys.argv[2])
''',
"duckdb": r'''
import duckdb, sys
con = duckdb.connect(); con.execute("SET threads=2")
con.execute(f"""COPY (SELECT country, device, count(*) AS count, sum(amount) AS sum_amount, avg(amount) AS avg_amount
  FROM read_csv_auto('{sys.argv[1]}') GROUP BY ALL ORDER BY country, device) TO '{sys.argv[2]}' (HEADER, DELIMITER ',')""")
''',
"pyspark": r'''
import sys
from pyspark.sql import SparkSession, functions as F
spark = SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").config("spark.driver.memory", "4g").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
df = spark.read.option("header", True).option("inferSchema", True).csv(sys.argv[1])
rows = (df.groupBy("country", "device").agg(F.count("*").alias("count"), F.sum("amount").alias("sum_amount"),
        F.avg("amount").alias("avg_amount")).orderBy("country", "device").collect())
with open(sys.argv[2], "w") as f:
    f.write("country,device,count,sum_amount,avg_amount\n")
    f.writelines(f"{r[0]},{r[1]},{r[2]},{r[3]},{r[4]}\n" for r in rows)
spark.stop()
''',
}

def timed(cmd, env=None):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    return time.perf_counter() - start

def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))

def same(a, b, numeric_from):
    """Equal headers and rows; numbers from column `numeric_from` on compared with a relative tolerance."""
    if len(a) != len(b) or a[0] != b[0]:
        return False
    for x, y in zip(a[1:], b[1:]):
        if x[:numeric_from] != y[:numeric_from]:
            return False
        for u, v in zip(x[numeric_from:], y[numeric_from:]):
            fu, fv = float(u), float(v)
            if abs(fu - fv) > 1e-9 * max(1.0, abs(fu), abs(fv)):
                return False
    return True

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ember", required=True)
    ap.add_argument("--text", required=True)
    ap.add_argument("--csv", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-spark", action="store_true")
    args = ap.parse_args()
    ensure_peers(args.skip_spark)
    env = dict(os.environ, POLARS_MAX_THREADS="2", OMP_NUM_THREADS="2", PYSPARK_PYTHON=sys.executable)
    out = tempfile.mkdtemp(prefix="ember-compare-")
    jobs = [
        ("wordcount", PY_WORDCOUNT, args.text, 1,
         lambda o: [args.ember, "wordcount", args.text, "--output", o, "--overwrite", "--executors", "2", "--cores", "1"]),
        ("groupby", PY_GROUPBY, args.csv, 2,
         lambda o: [args.ember, "groupby", args.csv, "--by", "country,device", "--agg", "count,sum(amount),avg(amount)",
                    "--output", o, "--overwrite", "--executors", "2", "--cores", "1"]),
    ]
    peers = [p for p in PEERS if not (args.skip_spark and p == "pyspark")]
    print(f"{'job':<10} {'engine':<8} {'best s':>8} {'runs (s)':<28} {'vs Ember':>9}  result")
    for name, scripts, data, numeric_from, ember_cmd in jobs:
        ember_out = os.path.join(out, f"{name}-ember.csv")
        times = [timed(ember_cmd(ember_out), env) for _ in range(args.runs)]
        best_ember = min(times)
        reference = read_rows(ember_out)
        print(f"{name:<10} {'ember':<8} {best_ember:8.2f} {' '.join(f'{t:.2f}' for t in times):<28} {1.0:9.2f}  reference ({len(reference) - 1} rows)")
        for peer in peers:
            script = os.path.join(out, f"{name}-{peer}.py")
            with open(script, "w") as f:
                f.write(scripts[peer])
            peer_out = os.path.join(out, f"{name}-{peer}.csv")
            runs = 1 if peer == "pyspark" else args.runs
            times = [timed([sys.executable, script, data, peer_out], env) for _ in range(runs)]
            best = min(times)
            ok = same(reference, read_rows(peer_out), numeric_from)
            print(f"{name:<10} {peer:<8} {best:8.2f} {' '.join(f'{t:.2f}' for t in times):<28} {best / best_ember:9.2f}  {'equal' if ok else 'DIFFERENT'}")
            sys.stdout.flush()

if __name__ == "__main__":
    main()
