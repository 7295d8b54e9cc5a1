// Q7, volume shipping: revenue of goods shipped between France and Germany in 1995 and 1996, by
// supplier nation, customer nation and year. The nation table plays both roles under aliases.

import Engine

extension TPCH {
    public static func q07(_ t: TPCHTables) throws -> DataFrame {
        let n1 = t.nation.alias("n1"), n2 = t.nation.alias("n2")
        let france = "FRANCE", germany = "GERMANY"
        return t.supplier
            .join(t.lineitem.filter(col("l_shipdate").between(lit(date: "1995-01-01"), lit(date: "1996-12-31"))),
                  on: col("s_suppkey") === col("l_suppkey"))
            .join(t.orders, on: col("o_orderkey") === col("l_orderkey"))
            .join(t.customer, on: col("c_custkey") === col("o_custkey"))
            .join(n1, on: col("s_nationkey") === col("n1.n_nationkey"))
            .join(n2, on: col("c_nationkey") === col("n2.n_nationkey"))
            .filter((col("n1.n_name") === france && col("n2.n_name") === germany)
                    || (col("n1.n_name") === germany && col("n2.n_name") === france))
            .select(col("n1.n_name").alias("supp_nation"), col("n2.n_name").alias("cust_nation"),
                    year(col("l_shipdate")).alias("l_year"), discountedPrice.alias("volume"))
            .groupBy("supp_nation", "cust_nation", "l_year")
            .agg(sum("volume").alias("revenue"))
            .orderBy("supp_nation", "cust_nation", "l_year")
    }
}
