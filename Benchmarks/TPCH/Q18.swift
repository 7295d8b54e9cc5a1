// Q18, large volume customer: the 100 largest orders of more than 300 units. The IN subquery's
// grouped sums are joined in directly: an order's sum_qty is its lines' total quantity, the value
// the specification sums again after joining the lines.

import Engine

extension TPCH {
    public static func q18(_ t: TPCHTables) throws -> DataFrame {
        let largeOrders = t.lineitem
            .groupBy("l_orderkey")
            .agg(sum("l_quantity").alias("sum_qty"))
            .filter(col("sum_qty") > 300)
        return t.orders
            .join(largeOrders, on: col("o_orderkey") === col("l_orderkey"))
            .join(t.customer, on: col("c_custkey") === col("o_custkey"))
            .select("c_name", "c_custkey", "o_orderkey", "o_orderdate", "o_totalprice", "sum_qty")
            .orderBy(col("o_totalprice").desc(), col("o_orderdate").asc())
            .limit(100)
    }
}
