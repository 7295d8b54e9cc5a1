#!/usr/bin/env python3
"""Tests of compare_answers.py on answers written to temporary directories:

    python3 Benchmarks/peers/tpch/test_compare_answers.py
"""
import decimal, os, sys, tempfile, unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_answers
import tpch_common as common

Q3_HEADER = ["l_orderkey", "revenue", "o_orderdate", "o_shippriority"]   # ORDER BY revenue desc, o_orderdate; LIMIT 10


class CompareAnswersTests(unittest.TestCase):
    def compare(self, query, expected, actual, header=Q3_HEADER, actual_header=None):
        with tempfile.TemporaryDirectory() as left, tempfile.TemporaryDirectory() as right:
            common.write_answer(left, query, header, expected)
            common.write_answer(right, query, actual_header or header, actual)
            return compare_answers.compare(query, left, right)

    rows = [[1, 300.5, "1995-03-01", 0], [2, 200.25, "1995-03-02", 0], [3, 100.0, "1995-03-03", 0]]

    def test_equal_answers_pass(self):
        self.assertIsNone(self.compare(3, self.rows, self.rows))

    def test_doubles_within_tolerance_pass_and_beyond_fail(self):
        close = [[1, 300.5 * (1 + 1e-12), "1995-03-01", 0]] + self.rows[1:]
        far = [[1, 300.5 * (1 + 1e-7), "1995-03-01", 0]] + self.rows[1:]
        self.assertIsNone(self.compare(3, self.rows, close))
        self.assertIn("row 1 differs", self.compare(3, self.rows, far))

    def test_near_zero_uses_absolute_tolerance(self):
        self.assertIsNone(self.compare(6, [[0.0]], [[1e-12]], header=["revenue"]))
        self.assertIsNotNone(self.compare(6, [[0.0]], [[1e-6]], header=["revenue"]))

    def test_whole_number_equals_its_double(self):
        self.assertIsNone(self.compare(18, [["a", 1, 2, "1995-01-01", 5.0, 17]], [["a", 1, 2, "1995-01-01", 5.0, 17.0]],
                                       header=["c_name", "c_custkey", "o_orderkey", "o_orderdate", "o_totalprice", "sum_qty"]))

    def test_decimal_answers_from_parquet_equal_the_csv_runs_doubles_and_whole_numbers(self):
        header = ["l_returnflag", "l_linestatus", "sum_qty", "sum_disc_price"]   # q01's ORDER BY columns and two sums
        csv_run = [["A", "F", 3774200, 5054096266.6827965]]
        parquet_run = [["A", "F", decimal.Decimal("3774200.00"), decimal.Decimal("5054096266.6828")]]
        self.assertIsNone(self.compare(1, csv_run, parquet_run, header=header))
        self.assertIsNone(self.compare(1, parquet_run, csv_run, header=header))
        rounded = decimal.Decimal("168597.29")   # q19's revenue rounded to cents, as Polars' decimals do: too far
        self.assertIn("row 1 differs", self.compare(19, [[168597.28600000002]], [[rounded]], header=["revenue"]))

    def test_whole_numbers_compare_exactly(self):
        big = 2 ** 60
        self.assertIsNotNone(self.compare(4, [["1-URGENT", big]], [["1-URGENT", big + 1]],
                                          header=["o_orderpriority", "order_count"]))

    def test_text_compares_exactly(self):
        header = ["s_name", "s_address"]
        self.assertIsNotNone(self.compare(20, [["S#1", "a, b "]], [["S#1", "a, b"]], header=header))
        self.assertIsNone(self.compare(20, [["S#1", "a, b "]], [["S#1", "a, b "]], header=header))

    def test_rows_out_of_order_fail(self):
        swapped = [self.rows[1], self.rows[0], self.rows[2]]
        self.assertIn("ORDER BY keys", self.compare(3, self.rows, swapped))

    def test_rows_that_tie_on_the_order_by_keys_may_come_in_any_order(self):
        tied = [[1, 300.5, "1995-03-01", 0], [2, 300.5, "1995-03-01", 0], [3, 100.0, "1995-03-03", 0]]
        swapped = [tied[1], tied[0], tied[2]]
        self.assertIsNone(self.compare(3, tied, swapped))
        wrong = [tied[1], [9, 300.5, "1995-03-01", 0], tied[2]]
        self.assertIn("tie on the ORDER BY keys", self.compare(3, tied, wrong))

    def test_a_tie_group_is_a_multiset(self):
        tied = [[1, 300.5, "1995-03-01", 0], [1, 300.5, "1995-03-01", 0], [2, 300.5, "1995-03-01", 0]]
        other = [[1, 300.5, "1995-03-01", 0], [2, 300.5, "1995-03-01", 0], [2, 300.5, "1995-03-01", 0]]
        self.assertIsNotNone(self.compare(3, tied, other))

    def test_the_last_tie_group_of_a_limit_cut_answer_is_compared_on_its_keys(self):
        expected = [[k, 1000.0 - k, "1995-03-01", 0] for k in range(9)] + [[9, 1.0, "1995-03-01", 0]]
        other_tie = expected[:9] + [[42, 1.0, "1995-03-01", 0]]
        self.assertIsNone(self.compare(3, expected, other_tie))
        other_key = expected[:9] + [[42, 2.0, "1995-03-01", 0]]
        self.assertIsNotNone(self.compare(3, expected, other_key))
        short = expected[:9]   # not cut by the LIMIT: every row counts
        self.assertIsNotNone(self.compare(3, short, short[:8] + [[42, 1000.0 - 8, "1995-03-01", 0]]))

    def test_header_and_row_count_must_match(self):
        self.assertIn("header", self.compare(3, self.rows, self.rows, actual_header=["a", "b", "c", "d"]))
        self.assertIn("row count", self.compare(3, self.rows, self.rows[:2]))

    def test_missing_answer_fails(self):
        with tempfile.TemporaryDirectory() as left, tempfile.TemporaryDirectory() as right:
            common.write_answer(left, 1, ["a"], [[1]])
            self.assertIn("missing", compare_answers.compare(1, left, right))


if __name__ == "__main__":
    unittest.main()
