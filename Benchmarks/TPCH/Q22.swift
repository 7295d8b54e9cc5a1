// Q22, global sales opportunity: customers of seven country codes with an above-average positive
// balance and no orders, by country code. The average is a one-row aggregate, crossed in; NOT
// EXISTS is a left anti join.

import Engine

extension TPCH {
    public static func q22(_ t: TPCHTables) throws -> DataFrame {
        let codes = ["13", "31", "23", "29", "30", "18", "17"].map { lit($0) }
        let customers = t.customer
            .select(substring(col("c_phone"), 1, 2).alias("cntrycode"), col("c_acctbal"), col("c_custkey"))
            .filter(col("cntrycode").isin(codes))
        let average = customers.filter(col("c_acctbal") > 0.0).agg(avg("c_acctbal").alias("avg_acctbal"))
        return customers
            .crossJoin(average)
            .filter(col("c_acctbal") > col("avg_acctbal"))
            .join(t.orders, on: col("c_custkey") === col("o_custkey"), how: "left_anti")
            .groupBy("cntrycode")
            .agg(count("*").alias("numcust"), sum("c_acctbal").alias("totacctbal"))
            .orderBy("cntrycode")
    }
}
