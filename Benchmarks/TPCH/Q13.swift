// Q13, customer distribution: how many customers have 0, 1, 2, … orders whose comment does not
// mention special requests. The left outer join keeps customers without such orders.

import Engine

extension TPCH {
    public static func q13(_ t: TPCHTables) throws -> DataFrame {
        let orders = t.orders.filter(!col("o_comment").like("%special%requests%"))
        return t.customer
            .join(orders, on: col("c_custkey") === col("o_custkey"), how: "left")
            .groupBy("c_custkey")
            .agg(count("o_orderkey").alias("c_count"))
            .groupBy("c_count")
            .agg(count("*").alias("custdist"))
            .orderBy(col("custdist").desc(), col("c_count").desc())
    }
}
