// Q12, shipping modes and order priority: lines received in 1994 by mail or ship that were
// shipped before and received after their commit date, counted by high and low order priority.

import Engine

extension TPCH {
    public static func q12(_ t: TPCHTables) throws -> DataFrame {
        let priority = col("o_orderpriority")
        let lines = t.lineitem.filter(col("l_shipmode").isin("MAIL", "SHIP")
                                      && col("l_commitdate") < col("l_receiptdate")
                                      && col("l_shipdate") < col("l_commitdate")
                                      && col("l_receiptdate") >= lit(date: "1994-01-01")
                                      && col("l_receiptdate") < lit(date: "1995-01-01"))
        return t.orders
            .join(lines, on: col("o_orderkey") === col("l_orderkey"))
            .groupBy("l_shipmode")
            .agg(sum(when(priority === "1-URGENT" || priority === "2-HIGH", 1).otherwise(0)).alias("high_line_count"),
                 sum(when(priority =!= "1-URGENT" && priority =!= "2-HIGH", 1).otherwise(0)).alias("low_line_count"))
            .orderBy("l_shipmode")
    }
}
