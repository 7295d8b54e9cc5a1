// Q5, local supplier volume: revenue in 1994 from lines where customer and supplier are of the
// same Asian nation, by nation.

import Engine

extension TPCH {
    public static func q05(_ t: TPCHTables) throws -> DataFrame {
        let orders = t.orders.filter(col("o_orderdate") >= lit(date: "1994-01-01") && col("o_orderdate") < lit(date: "1995-01-01"))
        return t.region.filter(col("r_name") === "ASIA")
            .join(t.nation, on: col("n_regionkey") === col("r_regionkey"))
            .join(t.customer, on: col("c_nationkey") === col("n_nationkey"))
            .join(orders, on: col("o_custkey") === col("c_custkey"))
            .join(t.lineitem, on: col("l_orderkey") === col("o_orderkey"))
            .join(t.supplier, on: col("l_suppkey") === col("s_suppkey") && col("s_nationkey") === col("c_nationkey"))
            .groupBy("n_name")
            .agg(sum(discountedPrice).alias("revenue"))
            .orderBy(col("revenue").desc())
    }
}
