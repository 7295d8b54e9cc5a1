// Q8, national market share: Brazil's share of the American market for economy anodized steel,
// in 1995 and 1996. n1 is the customer's nation, n2 the supplier's.

import Engine

extension TPCH {
    public static func q08(_ t: TPCHTables) throws -> DataFrame {
        let n1 = t.nation.alias("n1"), n2 = t.nation.alias("n2")
        return t.part.filter(col("p_type") === "ECONOMY ANODIZED STEEL")
            .join(t.lineitem, on: col("l_partkey") === col("p_partkey"))
            .join(t.supplier, on: col("s_suppkey") === col("l_suppkey"))
            .join(t.orders.filter(col("o_orderdate").between(lit(date: "1995-01-01"), lit(date: "1996-12-31"))),
                  on: col("o_orderkey") === col("l_orderkey"))
            .join(t.customer, on: col("c_custkey") === col("o_custkey"))
            .join(n1, on: col("c_nationkey") === col("n1.n_nationkey"))
            .join(t.region.filter(col("r_name") === "AMERICA"), on: col("n1.n_regionkey") === col("r_regionkey"))
            .join(n2, on: col("s_nationkey") === col("n2.n_nationkey"))
            .select(year(col("o_orderdate")).alias("o_year"), discountedPrice.alias("volume"), col("n2.n_name").alias("nation"))
            .groupBy("o_year")
            .agg(sum(when(col("nation") === "BRAZIL", col("volume")).otherwise(0)).alias("brazil_volume"),
                 sum("volume").alias("total_volume"))
            .select(col("o_year"), (col("brazil_volume") / col("total_volume")).alias("mkt_share"))
            .orderBy("o_year")
    }
}
