#!/usr/bin/env python3
"""Compares two directories of TPC-H answers (qNN.csv, as duckdb_answers.py and `ember bench tpch
--answers-out` write them) and prints PASS or FAIL per query, with the first difference.

    Benchmarks/peers/tpch/compare_answers.py EXPECTED_DIR ACTUAL_DIR [--queries 1,5,7-9]

Equal means: the same header, the same number of rows, and row by row the same values, where two
numbers are equal when both are whole numbers and equal, or else within 1e-9 relative (1e-9
absolute near zero), so 17 and 17.0 are equal; every other value must be equal as text. Rows must
come in the order of the query's ORDER BY, but rows that tie on its keys may come in any order:
each run of tying rows is compared as a multiset. When a query's LIMIT cut its answer, the last
run of tying rows is compared on the ORDER BY keys only (which of the tying rows make the cut is
not defined). Exits 1 when any query fails. Needs only Python's standard library.
"""
import argparse, csv, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tpch_common as common

TOLERANCE = 1e-9
WHOLE = re.compile(r"^[+-]?\d+$")
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
GREEDY_LIMIT = 5000


def cells_equal(a, b):
    if a == b:
        return True
    if WHOLE.match(a) and WHOLE.match(b):
        return int(a) == int(b)
    if NUMBER.match(a) and NUMBER.match(b):
        x, y = float(a), float(b)
        return abs(x - y) <= TOLERANCE * max(1.0, abs(x), abs(y))
    return False


def rows_equal(a, b):
    return len(a) == len(b) and all(cells_equal(x, y) for x, y in zip(a, b))


def sort_key(row):
    return [(0, float(c), "") if NUMBER.match(c) else (1, 0.0, c) for c in row]


def same_multiset(expected, actual):
    """Whether the two lists of rows are equal as multisets (cells compared with cells_equal)."""
    if len(expected) == 1:
        return rows_equal(expected[0], actual[0])
    if all(rows_equal(e, a) for e, a in zip(sorted(expected, key=sort_key), sorted(actual, key=sort_key))):
        return True
    if len(expected) > GREEDY_LIMIT:
        return False
    unmatched = list(actual)
    for row in expected:   # values within tolerance may sort differently: match greedily
        match = next((i for i, other in enumerate(unmatched) if rows_equal(row, other)), None)
        if match is None:
            return False
        unmatched.pop(match)
    return True


def read_answer(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise ValueError(f"{path} is empty (no header row)")
    return rows[0], rows[1:]


def show(header, row):
    return "{" + ", ".join(f"{name}={value!r}" for name, value in zip(header, row)) + "}"


def compare(query, expected_dir, actual_dir):
    """None when equal, else a sentence saying where the first difference is."""
    paths = [common.answer_path(d, query) for d in (expected_dir, actual_dir)]
    for path in paths:
        if not os.path.isfile(path):
            return f"{path} is missing"
    (header, expected), (actual_header, actual) = (read_answer(p) for p in paths)
    if header != actual_header:
        return f"header differs: expected {header}, actual {actual_header}"
    if len(expected) != len(actual):
        return f"row count differs: expected {len(expected)}, actual {len(actual)}"
    missing = [name for name, _ in common.ORDER_BY[query] if name not in header]
    if missing:
        return f"the answer has no column {missing[0]!r}, one of the query's ORDER BY keys"
    keys = [header.index(name) for name, _ in common.ORDER_BY[query]]
    cut_by_limit = common.LIMIT.get(query) == len(expected)
    start = 0
    while start < len(expected):
        first = expected[start]
        end = start + 1
        while end < len(expected) and all(cells_equal(expected[end][k], first[k]) for k in keys):
            end += 1
        for index in range(start, end):
            if not all(cells_equal(actual[index][k], first[k]) for k in keys):
                return (f"row {index + 1} differs in its ORDER BY keys: expected {show(header, expected[index])}, "
                        f"actual {show(header, actual[index])}")
        last_cut = cut_by_limit and end == len(expected)
        if not last_cut and not same_multiset(expected[start:end], actual[start:end]):
            for index in range(start, end):
                if not rows_equal(expected[index], actual[index]):
                    tie = f" (rows {start + 1} to {end} tie on the ORDER BY keys and may come in any order)" if end - start > 1 else ""
                    return f"row {index + 1} differs{tie}: expected {show(header, expected[index])}, actual {show(header, actual[index])}"
        start = end
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("expected", help="directory of the expected answers (e.g. DuckDB's)")
    parser.add_argument("actual", help="directory of the answers to check")
    parser.add_argument("--queries", help="e.g. 1,5,7-9 (default: all 22)")
    args = parser.parse_args()
    failed = 0
    for query in common.parse_queries(args.queries):
        try:
            problem = compare(query, args.expected, args.actual)
        except (OSError, ValueError, csv.Error) as error:
            problem = str(error)
        if problem is None:
            rows = len(read_answer(common.answer_path(args.expected, query))[1])
            print(f"q{query:02d} PASS ({rows} rows)")
        else:
            failed += 1
            print(f"q{query:02d} FAIL: {problem}")
    queries = len(common.parse_queries(args.queries))
    print(f"{queries - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
