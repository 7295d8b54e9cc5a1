// Q17, small-quantity-order revenue: the yearly revenue lost without the orders of less than 20 %
// of a part's average quantity, for one brand and container. The correlated subquery (the part's
// average) is a grouped aggregate joined back on the part key.

import Engine

extension TPCH {
    public static func q17(_ t: TPCHTables) throws -> DataFrame {
        let lines = t.lineitem.join(t.part.filter(col("p_brand") === "Brand#23" && col("p_container") === "MED BOX"),
                                    on: col("l_partkey") === col("p_partkey"))
        let averageQuantity = lines.groupBy("l_partkey").agg(avg("l_quantity").alias("avg_quantity"))
        return lines
            .join(averageQuantity, on: ["l_partkey"])
            .filter(col("l_quantity") < lit(0.2) * col("avg_quantity"))
            .agg(sum("l_extendedprice").alias("total_price"))
            .select((col("total_price") / 7.0).alias("avg_yearly"))
    }
}
