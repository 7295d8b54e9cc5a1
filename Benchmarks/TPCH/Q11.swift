// Q11, important stock identification: the German-supplied parts whose stock value is more than
// 0.01 % of all German stock. The scalar subquery (that total) is a one-row aggregate, as in SQL.

import Engine

extension TPCH {
    public static func q11(_ t: TPCHTables) throws -> DataFrame {
        let germanStock = t.partsupp
            .join(t.supplier, on: col("ps_suppkey") === col("s_suppkey"))
            .join(t.nation.filter(col("n_name") === "GERMANY"), on: col("s_nationkey") === col("n_nationkey"))
        let value = col("ps_supplycost") * col("ps_availqty")
        let threshold = germanStock.agg(sum(value).alias("total_value"))
            .select((col("total_value") * 0.0001).alias("threshold"))
        return germanStock
            .groupBy("ps_partkey")
            .agg(sum(value).alias("value"))
            .filter(col("value") > threshold.scalar())
            .select("ps_partkey", "value")
            .orderBy(col("value").desc())
    }
}
