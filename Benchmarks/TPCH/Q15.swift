// Q15, top supplier: the suppliers with the largest revenue in 1996's first quarter. The view
// revenue0 is a DataFrame used twice: joined to the suppliers, and for its maximum, a scalar subquery.

import Engine

extension TPCH {
    public static func q15(_ t: TPCHTables) throws -> DataFrame {
        let revenue0 = try t.lineitem
            .filter(col("l_shipdate") >= lit(date: "1996-01-01") && col("l_shipdate") < lit(date: "1996-04-01"))
            .groupBy("l_suppkey")
            .agg(sum(discountedPrice).alias("total_revenue"))
            .withColumnRenamed("l_suppkey", "supplier_no")
        let top = revenue0.agg(max("total_revenue").alias("max_revenue"))
        return t.supplier
            .join(revenue0, on: col("s_suppkey") === col("supplier_no"))
            .filter(col("total_revenue") === top.scalar())
            .select("s_suppkey", "s_name", "s_address", "s_phone", "total_revenue")
            .orderBy("s_suppkey")
    }
}
