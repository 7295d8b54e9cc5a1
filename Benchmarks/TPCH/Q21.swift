// Q21, suppliers who kept orders waiting: Saudi suppliers that were the only late one on an
// order with several suppliers. EXISTS and NOT EXISTS are left semi and left anti joins whose
// conditions compare the aliased lineitem copies l1, l2 and l3.

import Engine

extension TPCH {
    public static func q21(_ t: TPCHTables) throws -> DataFrame {
        let late = col("l_receiptdate") > col("l_commitdate")
        let l1 = t.lineitem.filter(late).alias("l1")
        let l2 = t.lineitem.select("l_orderkey", "l_suppkey").alias("l2")
        let l3 = t.lineitem.filter(late).select("l_orderkey", "l_suppkey").alias("l3")
        return t.supplier
            .join(t.nation.filter(col("n_name") === "SAUDI ARABIA"), on: col("s_nationkey") === col("n_nationkey"))
            .join(l1, on: col("s_suppkey") === col("l1.l_suppkey"))
            .join(t.orders.filter(col("o_orderstatus") === "F"), on: col("o_orderkey") === col("l1.l_orderkey"))
            .join(l2, on: col("l2.l_orderkey") === col("l1.l_orderkey") && col("l2.l_suppkey") =!= col("l1.l_suppkey"),
                  how: "left_semi")
            .join(l3, on: col("l3.l_orderkey") === col("l1.l_orderkey") && col("l3.l_suppkey") =!= col("l1.l_suppkey"),
                  how: "left_anti")
            .groupBy("s_name")
            .agg(count("*").alias("numwait"))
            .orderBy(col("numwait").desc(), col("s_name").asc())
            .limit(100)
    }
}
