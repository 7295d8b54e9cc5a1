// Q1, pricing summary report: totals and averages of the lines shipped up to 90 days before the
// last ship date, by return flag and line status.

import Engine

extension TPCH {
    public static func q01(_ t: TPCHTables) throws -> DataFrame {
        t.lineitem
            .filter(col("l_shipdate") <= lit(date: "1998-09-02"))   // 1998-12-01 - 90 days
            .groupBy("l_returnflag", "l_linestatus")
            .agg(sum("l_quantity").alias("sum_qty"),
                 sum("l_extendedprice").alias("sum_base_price"),
                 sum(discountedPrice).alias("sum_disc_price"),
                 sum(discountedPrice * (lit(1) + col("l_tax"))).alias("sum_charge"),
                 avg("l_quantity").alias("avg_qty"),
                 avg("l_extendedprice").alias("avg_price"),
                 avg("l_discount").alias("avg_disc"),
                 count("*").alias("count_order"))
            .orderBy("l_returnflag", "l_linestatus")
    }
}
