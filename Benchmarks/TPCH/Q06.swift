// Q6, forecasting revenue change: revenue from 1994's small-quantity lines discounted 5 to 7 %.

import Engine

extension TPCH {
    public static func q06(_ t: TPCHTables) throws -> DataFrame {
        t.lineitem
            .filter(col("l_shipdate") >= lit(date: "1994-01-01") && col("l_shipdate") < lit(date: "1995-01-01")
                    && col("l_discount").between(0.05, 0.07)   // 0.06 ± 0.01, written exactly
                    && col("l_quantity") < 24)
            .agg(sum(col("l_extendedprice") * col("l_discount")).alias("revenue"))
    }
}
