// Q4, order priority checking: orders of a quarter with at least one line received after its
// commit date, by priority. EXISTS is a left semi join.

import Engine

extension TPCH {
    public static func q04(_ t: TPCHTables) throws -> DataFrame {
        let lateLines = t.lineitem.filter(col("l_commitdate") < col("l_receiptdate")).select("l_orderkey")
        return t.orders
            .filter(col("o_orderdate") >= lit(date: "1993-07-01") && col("o_orderdate") < lit(date: "1993-10-01"))
            .join(lateLines, on: col("l_orderkey") === col("o_orderkey"), how: "left_semi")
            .groupBy("o_orderpriority")
            .agg(count("*").alias("order_count"))
            .orderBy("o_orderpriority")
    }
}
