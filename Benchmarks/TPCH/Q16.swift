// Q16, parts/supplier relationship: how many suppliers, without customer complaints, offer parts
// of each brand, type and size asked about. NOT IN is a left anti join.

import Engine

extension TPCH {
    public static func q16(_ t: TPCHTables) throws -> DataFrame {
        let parts = t.part.filter(col("p_brand") =!= "Brand#45"
                                  && !col("p_type").startsWith("MEDIUM POLISHED")
                                  && col("p_size").isin(49, 14, 23, 45, 19, 3, 36, 9))
        let complained = t.supplier.filter(col("s_comment").like("%Customer%Complaints%"))
        return t.partsupp
            .join(parts, on: col("p_partkey") === col("ps_partkey"))
            .join(complained, on: col("ps_suppkey") === col("s_suppkey"), how: "left_anti")
            .groupBy("p_brand", "p_type", "p_size")
            .agg(countDistinct("ps_suppkey").alias("supplier_cnt"))
            .orderBy(col("supplier_cnt").desc(), col("p_brand").asc(), col("p_type").asc(), col("p_size").asc())
    }
}
