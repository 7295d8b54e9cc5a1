// Q10, returned item reporting: the 20 customers whose returned lines of 1993's last quarter lost
// the most revenue.

import Engine

extension TPCH {
    public static func q10(_ t: TPCHTables) throws -> DataFrame {
        let orders = t.orders.filter(col("o_orderdate") >= lit(date: "1993-10-01") && col("o_orderdate") < lit(date: "1994-01-01"))
        return t.customer
            .join(orders, on: col("o_custkey") === col("c_custkey"))
            .join(t.lineitem.filter(col("l_returnflag") === "R"), on: col("l_orderkey") === col("o_orderkey"))
            .join(t.nation, on: col("n_nationkey") === col("c_nationkey"))
            .groupBy("c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address", "c_comment")
            .agg(sum(discountedPrice).alias("revenue"))
            .select("c_custkey", "c_name", "revenue", "c_acctbal", "n_name", "c_address", "c_phone", "c_comment")
            .orderBy(col("revenue").desc())
            .limit(20)
    }
}
