// Q9, product type profit measure: profit on green parts, by supplier nation and year.

import Engine

extension TPCH {
    public static func q09(_ t: TPCHTables) throws -> DataFrame {
        t.part.filter(col("p_name").like("%green%"))
            .join(t.lineitem, on: col("l_partkey") === col("p_partkey"))
            .join(t.partsupp, on: col("ps_suppkey") === col("l_suppkey") && col("ps_partkey") === col("l_partkey"))
            .join(t.supplier, on: col("s_suppkey") === col("l_suppkey"))
            .join(t.orders, on: col("o_orderkey") === col("l_orderkey"))
            .join(t.nation, on: col("n_nationkey") === col("s_nationkey"))
            .select(col("n_name").alias("nation"), year(col("o_orderdate")).alias("o_year"),
                    (discountedPrice - col("ps_supplycost") * col("l_quantity")).alias("amount"))
            .groupBy("nation", "o_year")
            .agg(sum("amount").alias("sum_profit"))
            .orderBy(col("nation").asc(), col("o_year").desc())
    }
}
