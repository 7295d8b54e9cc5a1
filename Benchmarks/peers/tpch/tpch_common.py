"""What the TPC-H peer scripts share: the tables' schema, each query's ORDER BY and LIMIT, the
--queries and --format options, the timing line every engine prints, answer files, and running in
the venv.

The schema is what header inference gives on tpchgen-cli's CSV (Ember's and Spark's inferSchema,
DuckDB's sniffer agree): whole numbers bigint, money and rates double, dates date, text string.
`tpchgen-cli parquet` writes the same columns with other types: money, rates and l_quantity are
DECIMAL(15,2) (INT64 in the file), l_linenumber, o_shippriority, p_size and ps_availqty int32,
the other keys int64, dates date32, text UTF-8 (string_view in the Arrow schema it stores). Each
engine script says how it makes its Parquet answers equal to the CSV ones; the answer files take
decimals as doubles (format_value), as Ember reads them.
"""
import csv, datetime, decimal, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
VENV_VARIABLE = "EMBER_TPCH_PEERS_VENV"   # set by use_venv for the processes it starts

SCHEMA = {
    "customer": [("c_custkey", "bigint"), ("c_name", "string"), ("c_address", "string"), ("c_nationkey", "bigint"),
                 ("c_phone", "string"), ("c_acctbal", "double"), ("c_mktsegment", "string"), ("c_comment", "string")],
    "lineitem": [("l_orderkey", "bigint"), ("l_partkey", "bigint"), ("l_suppkey", "bigint"), ("l_linenumber", "bigint"),
                 ("l_quantity", "bigint"), ("l_extendedprice", "double"), ("l_discount", "double"), ("l_tax", "double"),
                 ("l_returnflag", "string"), ("l_linestatus", "string"), ("l_shipdate", "date"),
                 ("l_commitdate", "date"), ("l_receiptdate", "date"), ("l_shipinstruct", "string"),
                 ("l_shipmode", "string"), ("l_comment", "string")],
    "nation": [("n_nationkey", "bigint"), ("n_name", "string"), ("n_regionkey", "bigint"), ("n_comment", "string")],
    "orders": [("o_orderkey", "bigint"), ("o_custkey", "bigint"), ("o_orderstatus", "string"), ("o_totalprice", "double"),
               ("o_orderdate", "date"), ("o_orderpriority", "string"), ("o_clerk", "string"),
               ("o_shippriority", "bigint"), ("o_comment", "string")],
    "part": [("p_partkey", "bigint"), ("p_name", "string"), ("p_mfgr", "string"), ("p_brand", "string"),
             ("p_type", "string"), ("p_size", "bigint"), ("p_container", "string"), ("p_retailprice", "double"),
             ("p_comment", "string")],
    "partsupp": [("ps_partkey", "bigint"), ("ps_suppkey", "bigint"), ("ps_availqty", "bigint"),
                 ("ps_supplycost", "double"), ("ps_comment", "string")],
    "region": [("r_regionkey", "bigint"), ("r_name", "string"), ("r_comment", "string")],
    "supplier": [("s_suppkey", "bigint"), ("s_name", "string"), ("s_address", "string"), ("s_nationkey", "bigint"),
                 ("s_phone", "string"), ("s_acctbal", "double"), ("s_comment", "string")],
}

# Each query's ORDER BY as (column of the answer, descending), and its LIMIT (None: all rows).
ORDER_BY = {
    1: [("l_returnflag", False), ("l_linestatus", False)],
    2: [("s_acctbal", True), ("n_name", False), ("s_name", False), ("p_partkey", False)],
    3: [("revenue", True), ("o_orderdate", False)],
    4: [("o_orderpriority", False)],
    5: [("revenue", True)],
    6: [],
    7: [("supp_nation", False), ("cust_nation", False), ("l_year", False)],
    8: [("o_year", False)],
    9: [("nation", False), ("o_year", True)],
    10: [("revenue", True)],
    11: [("value", True)],
    12: [("l_shipmode", False)],
    13: [("custdist", True), ("c_count", True)],
    14: [],
    15: [("s_suppkey", False)],
    16: [("supplier_cnt", True), ("p_brand", False), ("p_type", False), ("p_size", False)],
    17: [],
    18: [("o_totalprice", True), ("o_orderdate", False)],
    19: [],
    20: [("s_name", False)],
    21: [("numwait", True), ("s_name", False)],
    22: [("cntrycode", False)],
}
LIMIT = {2: 100, 3: 10, 10: 20, 18: 100, 21: 100}
ALL_QUERIES = list(range(1, 23))
FORMATS = ["csv", "parquet"]   # DIR/<table>.csv or DIR/<table>.parquet, as gen-data writes them


def use_venv():
    """Re-runs this script with the peers' virtualenv's Python (made by ensure-venv) unless it already is it.
    The venv's path is passed on in VENV_VARIABLE, so the engines run-peers starts (and times from
    start to exit) skip ensure-venv's check (about 0.5 s of importing the engines)."""
    known = os.environ.get(VENV_VARIABLE)
    if known and os.path.realpath(sys.prefix) == os.path.realpath(known):
        return
    venv = subprocess.run([os.path.join(HERE, "ensure-venv")], check=True, stdout=subprocess.PIPE,
                          text=True).stdout.strip()
    os.environ[VENV_VARIABLE] = venv
    if os.path.realpath(sys.prefix) != os.path.realpath(venv):
        python = os.path.join(venv, "bin", "python")
        os.execv(python, [python, *sys.argv])


def parse_queries(text):
    """'1,5,7-9' → [1, 5, 7, 8, 9]; None → all 22."""
    if not text:
        return ALL_QUERIES
    queries = []
    for part in text.split(","):
        low, _, high = part.strip().partition("-")
        queries.extend(range(int(low), int(high or low) + 1))
    unknown = [q for q in queries if q not in ORDER_BY]
    if unknown:
        sys.exit(f"error: no TPC-H query {unknown[0]}; the queries are 1 to 22")
    return queries


def table_path(data_dir, table, data_format="csv"):
    """DIR/<table>.csv or DIR/<table>.parquet; exits with how to make it when it is missing."""
    path = os.path.join(data_dir, f"{table}.{data_format}")
    if not os.path.isfile(path):
        option = "" if data_format == "csv" else f" --format {data_format}"
        sys.exit(f"error: {path} is missing; generate the tables with Benchmarks/peers/tpch/gen-data SF {data_dir}{option}")
    return path


def timing_line(query, seconds, rows):
    """The line each engine prints per query; run-peers reads it back."""
    return f"q{query:02d} {seconds:9.3f} s {rows:8d} rows"


def answer_path(out_dir, query):
    return os.path.join(out_dir, f"q{query:02d}.csv")


def format_value(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):   # from the Parquet files' DECIMAL(15,2) columns: written
        return repr(float(value))            # as the double Ember and the CSV runs give ('3774200.00' → '3774200.0')
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def write_answer(out_dir, query, header, rows):
    """DIR/qNN.csv: a header row, then the rows in the order given; dates yyyy-MM-dd, doubles round-trip."""
    os.makedirs(out_dir, exist_ok=True)
    with open(answer_path(out_dir, query), "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([format_value(v) for v in row] for row in rows)


def engine_arguments(description):
    """The options every engine script takes: --data, --format, --out, --queries, --runs, --threads."""
    import argparse
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", required=True, help="directory of the 8 tables' files, DIR/<table>.<format> (gen-data)")
    parser.add_argument("--format", choices=FORMATS, default="csv", help="the tables' format (default: csv)")
    parser.add_argument("--out", help="directory to write qNN.csv answers into")
    parser.add_argument("--queries", help="e.g. 1,5,7-9 (default: all 22)")
    parser.add_argument("--runs", type=int, default=1, help="runs per query; the best time is printed")
    parser.add_argument("--threads", type=int, default=2)
    return parser.parse_args()


def run_queries(args, run_query):
    """Runs each query of --queries --runs times with run_query(query) → (header, rows), prints its
    timing line (best time), and writes its answer under --out when given (not timed)."""
    import time
    for query in parse_queries(args.queries):
        best = None
        for _ in range(max(1, args.runs)):
            start = time.perf_counter()
            header, rows = run_query(query)
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
        if args.out:
            write_answer(args.out, query, header, rows)
        print(timing_line(query, best, len(rows)), flush=True)
