// Q2, minimum cost supplier: for each size-15 brass part, the European suppliers that offer it at
// the lowest European supply cost. The correlated subquery (that minimum, per part) is a grouped
// aggregate joined back on the part key.

import Engine

extension TPCH {
    public static func q02(_ t: TPCHTables) throws -> DataFrame {
        let europeanOffers = t.partsupp
            .join(t.supplier, on: col("ps_suppkey") === col("s_suppkey"))
            .join(t.nation, on: col("s_nationkey") === col("n_nationkey"))
            .join(t.region.filter(col("r_name") === "EUROPE"), on: col("n_regionkey") === col("r_regionkey"))
        let brassOffers = t.part
            .filter(col("p_size") === 15 && col("p_type").like("%BRASS"))
            .join(europeanOffers, on: col("p_partkey") === col("ps_partkey"))
        let lowestCost = brassOffers.groupBy("p_partkey").agg(min("ps_supplycost").alias("lowest_cost"))
        return brassOffers
            .join(lowestCost, on: ["p_partkey"])
            .filter(col("ps_supplycost") === col("lowest_cost"))
            .select("s_acctbal", "s_name", "n_name", "p_partkey", "p_mfgr", "s_address", "s_phone", "s_comment")
            .orderBy(col("s_acctbal").desc(), col("n_name").asc(), col("s_name").asc(), col("p_partkey").asc())
            .limit(100)
    }
}
