// Q3, shipping priority: the 10 unshipped orders of the BUILDING segment with the most revenue.

import Engine

extension TPCH {
    public static func q03(_ t: TPCHTables) throws -> DataFrame {
        let day = lit(date: "1995-03-15")
        return t.customer.filter(col("c_mktsegment") === "BUILDING")
            .join(t.orders.filter(col("o_orderdate") < day), on: col("c_custkey") === col("o_custkey"))
            .join(t.lineitem.filter(col("l_shipdate") > day), on: col("l_orderkey") === col("o_orderkey"))
            .groupBy("l_orderkey", "o_orderdate", "o_shippriority")
            .agg(sum(discountedPrice).alias("revenue"))
            .select("l_orderkey", "revenue", "o_orderdate", "o_shippriority")
            .orderBy(col("revenue").desc(), col("o_orderdate").asc())
            .limit(10)
    }
}
