// Q22, global sales opportunity: customers of seven country codes with an above-average positive
// balance and no orders, by country code. The average is a scalar subquery and NOT EXISTS a
// correlated one, as the SQL text writes them (a left anti join once decorrelated).

import Engine

extension TPCH {
    public static func q22(_ t: TPCHTables) throws -> DataFrame {
        let codes = ["13", "31", "23", "29", "30", "18", "17"].map { lit($0) }
        let code = substring(col("c_phone"), 1, 2)
        let average = t.customer.filter(col("c_acctbal") > 0.0 && code.isin(codes)).agg(avg("c_acctbal").alias("avg_acctbal"))
        let orders = t.orders.filter(col("o_custkey") === col("c_custkey").outer())
        return t.customer
            .filter(code.isin(codes) && col("c_acctbal") > average.scalar() && !orders.exists())
            .select(code.alias("cntrycode"), col("c_acctbal"))
            .groupBy("cntrycode")
            .agg(count("*").alias("numcust"), sum("c_acctbal").alias("totacctbal"))
            .orderBy("cntrycode")
    }
}
