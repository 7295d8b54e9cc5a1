// Q14, promotion effect: the percentage of September 1995's revenue from promotional parts.

import Engine

extension TPCH {
    public static func q14(_ t: TPCHTables) throws -> DataFrame {
        t.lineitem
            .filter(col("l_shipdate") >= lit(date: "1995-09-01") && col("l_shipdate") < lit(date: "1995-10-01"))
            .join(t.part, on: col("l_partkey") === col("p_partkey"))
            .agg(sum(when(col("p_type").like("PROMO%"), discountedPrice).otherwise(0)).alias("promo"),
                 sum(discountedPrice).alias("total"))
            .select((lit(100.0) * col("promo") / col("total")).alias("promo_revenue"))
    }
}
