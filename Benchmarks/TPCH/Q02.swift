// Q2, minimum cost supplier: for each size-15 brass part, the European suppliers that offer it at
// the lowest European supply cost. The correlated scalar subquery (that minimum, per part) is
// written as in SQL (outer() names the part); decorrelated, it is the minimum of every part's
// European offers, left-joined on the part key, which measured faster at SF 1 than computing it
// for the brass parts' offers only and joining it back.

import Engine

extension TPCH {
    public static func q02(_ t: TPCHTables) throws -> DataFrame {
        let lowestEuropeanCost = t.partsupp
            .join(t.supplier, on: col("s_suppkey") === col("ps_suppkey"))
            .join(t.nation, on: col("s_nationkey") === col("n_nationkey"))
            .join(t.region.filter(col("r_name") === "EUROPE"), on: col("n_regionkey") === col("r_regionkey"))
            .filter(col("p_partkey").outer() === col("ps_partkey"))
            .agg(min("ps_supplycost"))
        return t.part.filter(col("p_size") === 15 && col("p_type").like("%BRASS"))
            .join(t.partsupp, on: col("p_partkey") === col("ps_partkey"))
            .join(t.supplier, on: col("s_suppkey") === col("ps_suppkey"))
            .join(t.nation, on: col("s_nationkey") === col("n_nationkey"))
            .join(t.region.filter(col("r_name") === "EUROPE"), on: col("n_regionkey") === col("r_regionkey"))
            .filter(col("ps_supplycost") === lowestEuropeanCost.scalar())
            .select("s_acctbal", "s_name", "n_name", "p_partkey", "p_mfgr", "s_address", "s_phone", "s_comment")
            .orderBy(col("s_acctbal").desc(), col("n_name").asc(), col("s_name").asc(), col("p_partkey").asc())
            .limit(100)
    }
}
