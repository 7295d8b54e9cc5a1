// Q20, potential part promotion: Canadian suppliers holding more than half of what they shipped
// in 1994 of some forest part. The nested IN subqueries are left semi joins; the correlated sum
// is a grouped aggregate joined on part and supplier.

import Engine

extension TPCH {
    public static func q20(_ t: TPCHTables) throws -> DataFrame {
        let forestParts = t.part.filter(col("p_name").startsWith("forest"))
        let shipped = t.lineitem
            .filter(col("l_shipdate") >= lit(date: "1994-01-01") && col("l_shipdate") < lit(date: "1995-01-01"))
            .groupBy("l_partkey", "l_suppkey")
            .agg(sum("l_quantity").alias("shipped"))
        let wellStocked = t.partsupp
            .join(forestParts, on: col("ps_partkey") === col("p_partkey"), how: "left_semi")
            .join(shipped, on: col("ps_partkey") === col("l_partkey") && col("ps_suppkey") === col("l_suppkey"))
            .filter(col("ps_availqty") > lit(0.5) * col("shipped"))
        return t.supplier
            .join(t.nation.filter(col("n_name") === "CANADA"), on: col("s_nationkey") === col("n_nationkey"))
            .join(wellStocked, on: col("s_suppkey") === col("ps_suppkey"), how: "left_semi")
            .select("s_name", "s_address")
            .orderBy("s_name")
    }
}
