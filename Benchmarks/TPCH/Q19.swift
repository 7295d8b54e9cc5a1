// Q19, discounted revenue: revenue from air-shipped, hand-delivered lines of three brand,
// container, quantity and size combinations. As in the specification, each of the three ORed
// branches repeats the join key and the shipping conditions; the optimizer factors them out of the
// OR (CommonConjunctFactoring), so the cross join becomes a hash join on the part key over the
// air-shipped lines.

import Engine

extension TPCH {
    public static func q19(_ t: TPCHTables) throws -> DataFrame {
        func kind(_ brand: String, _ containers: [String], quantity: Int, maxSize: Int) -> Column {
            col("p_partkey") === col("l_partkey")
                && col("p_brand") === brand
                && col("p_container").isin(containers.map { lit($0) })
                && col("l_quantity") >= quantity && col("l_quantity") <= lit(quantity) + 10
                && col("p_size").between(1, maxSize)
                && col("l_shipmode").isin("AIR", "AIR REG")
                && col("l_shipinstruct") === "DELIVER IN PERSON"
        }
        return t.lineitem.crossJoin(t.part)
            .filter(kind("Brand#12", ["SM CASE", "SM BOX", "SM PACK", "SM PKG"], quantity: 1, maxSize: 5)
                    || kind("Brand#23", ["MED BAG", "MED BOX", "MED PKG", "MED PACK"], quantity: 10, maxSize: 10)
                    || kind("Brand#34", ["LG CASE", "LG BOX", "LG PACK", "LG PKG"], quantity: 20, maxSize: 15))
            .agg(sum(discountedPrice).alias("revenue"))
    }
}
