#!/usr/bin/env python3
"""Ember against DuckDB, Polars and PySpark local[2] on the same files, in one run.

Runs `ember wordcount` and `ember groupby` (release build) and the same queries in each peer,
each engine limited to 2 threads, best of N wall times per engine (each run is a fresh process,
so startup is included for every engine), with the peak RSS of the largest process of that run.
Checks that every engine's result equals Ember's. The jobs: word count; groupBy country, device
(low cardinality, string keys); groupBy page (1,000 string keys); groupBy user_id (high
cardinality: 8.6M bigint keys on the 20M-row clickstream). Word count is the high-cardinality
string-key case when the text has many distinct words (`ember gen text --vocabulary 1M`).

    python3 Benchmarks/peers/compare.py --ember .build/release/ember --text text.txt --csv click.csv \
        [--runs 3] [--skip-spark] [--jobs wordcount,groupby,groupby-user,groupby-page] [--ember-args "--memory 512m"]

The peers are installed with pip if missing (polars, duckdb, pyspark; PySpark also needs a Java
runtime on PATH).
"""
import argparse, csv, itertools, os, subprocess, sys, tempfile, time

PEERS = ["polars", "duckdb", "pyspark"]

def ensure_peers(skip_spark):
    import importlib.util
    missing = [p for p in PEERS if not (skip_spark and p == "pyspark") and importlib.util.find_spec(p) is None]
    if missing:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", *missing])

# PySpark's JVM is py4j's child, which Python never waits for, so /usr/bin/time does not see it: the
# script reads the JVM's own high-water mark (VmHWM) before stopping it, into $EMBER_JVM_RSS_FILE.
JVM_PEAK_RSS = r'''
import os
def jvm_peak_rss(spark):
    path = os.environ.get("EMBER_JVM_RSS_FILE")
    if not path:
        return
    pid = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()
    with open(f"/proc/{pid}/status") as status:
        kib = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(path, "w") as f:
        f.write(kib)
'''

PY_WORDCOUNT = {
"polars": r'''
import polars as pl, sys
df = (pl.scan_csv(sys.argv[1], has_header=False, new_columns=["value"], separator="\x01", quote_char=None, encoding="utf8-lossy")
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
"pyspark": JVM_PEAK_RSS + r'''
import sys
from pyspark.sql import SparkSession, functions as F
spark = SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").config("spark.driver.memory", "4g").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
words = spark.read.text(sys.argv[1]).select(F.explode(F.split(F.col("value"), "[^A-Za-z]+")).alias("w")).where(F.col("w") != "")
rows = words.groupBy(F.lower("w").alias("word")).count().orderBy(F.desc("count"), F.asc("word")).collect()
with open(sys.argv[2], "w") as f:
    f.write("word,count\n"); f.writelines(f"{r['word']},{r['count']}\n" for r in rows)
jvm_peak_rss(spark)
spark.stop()
''',
}

PY_GROUPBY = {
"polars": r'''
import polars as pl, sys
keys = sys.argv[3].split(",")
df = (pl.scan_csv(sys.argv[1]).group_by(keys)
      .agg([pl.len().alias("count"), pl.col("amount").sum().alias("sum_amount"), pl.col("amount").mean().alias("avg_amount")])
      .sort(keys).collect())
df.write_csv(sys.argv[2])
''',
"duckdb": r'''
import duckdb, sys
con = duckdb.connect(); con.execute("SET threads=2")
keys = sys.argv[3]
con.execute(f"""COPY (SELECT {keys}, count(*) AS count, sum(amount) AS sum_amount, avg(amount) AS avg_amount
  FROM read_csv_auto('{sys.argv[1]}') GROUP BY ALL ORDER BY {keys}) TO '{sys.argv[2]}' (HEADER, DELIMITER ',')""")
''',
"pyspark": JVM_PEAK_RSS + r'''
import sys
from pyspark.sql import SparkSession, functions as F
spark = SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").config("spark.driver.memory", "4g").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
import glob, shutil
keys = sys.argv[3].split(",")
df = spark.read.option("header", True).option("inferSchema", True).csv(sys.argv[1])
result = (df.groupBy(*keys).agg(F.count("*").alias("count"), F.sum("amount").alias("sum_amount"),
          F.avg("amount").alias("avg_amount")).orderBy(*keys))
parts = sys.argv[2] + ".parts"
result.write.mode("overwrite").csv(parts)   # range-partitioned parts, in order, as Ember writes them
with open(sys.argv[2], "w") as f:
    f.write(",".join(keys) + ",count,sum_amount,avg_amount\n")
    for part in sorted(glob.glob(parts + "/part-*")):
        with open(part) as p:
            shutil.copyfileobj(p, f)
shutil.rmtree(parts)
jvm_peak_rss(spark)
spark.stop()
''',
}

def timed(cmd, env=None):
    """Wall seconds and the peak RSS (MiB) of the largest process of the run: the command's own, or
    of any child it waited for (Ember's executors). /usr/bin/time measures it: a process started
    straight from this one would report this one's peak too (Linux carries the high-water mark of
    the forked copy over exec), and this one holds whole results to compare them."""
    with tempfile.NamedTemporaryFile("r") as rss, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        code = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, *cmd], stdout=subprocess.DEVNULL, stderr=err, env=env).returncode
        seconds = time.perf_counter() - start
        if code != 0:
            err.seek(0)
            raise subprocess.CalledProcessError(code, cmd, stderr=err.read())
        return seconds, int(rss.read().split()[-1]) / 1024

def timed_peer(peer, cmd, env):
    """`timed`, and for PySpark the larger of Python's peak and its JVM's (which the script reports)."""
    if peer != "pyspark":
        return timed(cmd, env)
    with tempfile.NamedTemporaryFile("r") as jvm:
        seconds, rss = timed(cmd, dict(env or os.environ, EMBER_JVM_RSS_FILE=jvm.name))
        reported = jvm.read().strip()
        return seconds, max(rss, int(reported) / 1024 if reported else 0)

def count_rows(path):
    with open(path, newline="") as f:
        return sum(1 for _ in f) - 1

def same(path_a, path_b, numeric_from):
    """Equal headers and rows, read side by side (results of millions of rows are never held);
    numbers from column `numeric_from` on compared with a relative tolerance."""
    with open(path_a, newline="") as fa, open(path_b, newline="") as fb:
        ra, rb = csv.reader(fa), csv.reader(fb)
        if next(ra, None) != next(rb, None):
            return False
        for x, y in itertools.zip_longest(ra, rb):
            if x is None or y is None or len(x) != len(y) or x[:numeric_from] != y[:numeric_from]:
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
    ap.add_argument("--jobs", default="wordcount,groupby,groupby-user")  # also groupby-page
    ap.add_argument("--ember-args", default="", help="more options for every ember command, e.g. \"--memory 512m\"")
    args = ap.parse_args()
    known = ["wordcount", "groupby", "groupby-user", "groupby-page"]
    wanted = args.jobs.split(",")
    if any(j not in known for j in wanted):
        ap.error(f"--jobs takes {', '.join(known)}")
    if not os.access("/usr/bin/time", os.X_OK):
        sys.exit("compare.py measures peak memory with GNU time: install it (Debian's package 'time')")
    ensure_peers(args.skip_spark)
    env = dict(os.environ, POLARS_MAX_THREADS="2", OMP_NUM_THREADS="2", PYSPARK_PYTHON=sys.executable)
    out = tempfile.mkdtemp(prefix="ember-compare-")
    cluster = ["--overwrite", "--no-ui", "--executors", "2", "--cores", "1"] + args.ember_args.split()
    aggregates = "count,sum(amount),avg(amount)"
    jobs = [
        ("wordcount", PY_WORDCOUNT, [args.text], 1,
         lambda o: [args.ember, "wordcount", args.text, "--output", o] + cluster),
        ("groupby", PY_GROUPBY, [args.csv, "country,device"], 2,
         lambda o: [args.ember, "groupby", args.csv, "--by", "country,device", "--agg", aggregates, "--output", o] + cluster),
        ("groupby-user", PY_GROUPBY, [args.csv, "user_id"], 1,
         lambda o: [args.ember, "groupby", args.csv, "--by", "user_id", "--agg", aggregates, "--output", o] + cluster),
        ("groupby-page", PY_GROUPBY, [args.csv, "page"], 1,
         lambda o: [args.ember, "groupby", args.csv, "--by", "page", "--agg", aggregates, "--output", o] + cluster),
    ]
    peers = [p for p in PEERS if not (args.skip_spark and p == "pyspark")]
    print(f"{'job':<13} {'engine':<8} {'best s':>8} {'runs (s)':<24} {'vs Ember':>9} {'peak RSS':>9}  result")
    for name, scripts, inputs, numeric_from, ember_cmd in jobs:
        if name not in wanted:
            continue
        ember_out = os.path.join(out, f"{name}-ember.csv")
        runs = [timed(ember_cmd(ember_out), env) for _ in range(args.runs)]
        best_ember, rss = min(runs)
        print(f"{name:<13} {'ember':<8} {best_ember:8.2f} {' '.join(f'{t:.2f}' for t, _ in runs):<24} {1.0:9.2f} {rss:7.0f} M  reference ({count_rows(ember_out)} rows)")
        for peer in peers:
            script = os.path.join(out, f"{name}-{peer}.py")
            with open(script, "w") as f:
                f.write(scripts[peer])
            peer_out = os.path.join(out, f"{name}-{peer}.csv")
            count = 1 if peer == "pyspark" else args.runs
            try:
                runs = [timed_peer(peer, [sys.executable, script, inputs[0], peer_out, *inputs[1:]], env) for _ in range(count)]
            except subprocess.CalledProcessError as e:
                # A peer that refuses the input (DuckDB stops at GCIDE's few bytes that are not UTF-8)
                # is reported with its error's first line naming an error, and the others still run.
                lines = (e.stderr or b"").decode("utf-8", "replace").strip().splitlines()
                reason = next((l for l in lines if "Error" in l or "Exception" in l), lines[-1] if lines else f"exit status {e.returncode}")
                print(f"{name:<13} {peer:<8} {'failed':>8} {reason.strip()[:160]}")
                sys.stdout.flush()
                continue
            best, rss = min(runs)
            ok = same(ember_out, peer_out, numeric_from)
            memory = f"{rss:7.0f} M"
            print(f"{name:<13} {peer:<8} {best:8.2f} {' '.join(f'{t:.2f}' for t, _ in runs):<24} {best / best_ember:9.2f} {memory}  {'equal' if ok else 'DIFFERENT'}")
            sys.stdout.flush()

if __name__ == "__main__":
    main()
