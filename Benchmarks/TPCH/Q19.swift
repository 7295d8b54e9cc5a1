// Q19, discounted revenue: revenue from air-shipped, hand-delivered lines of three brand,
// container, quantity and size combinations. The conditions the three share are written once.

import Engine

extension TPCH {
    public static func q19(_ t: TPCHTables) throws -> DataFrame {
        func kind(_ brand: String, _ containers: [String], quantity: Int, maxSize: Int) -> Column {
            col("p_brand") === brand
                && col("p_container").isin(containers.map { lit($0) })
                && col("l_quantity").between(quantity, quantity + 10)
                && col("p_size").between(1, maxSize)
        }
        return t.lineitem
            .filter(col("l_shipmode").isin("AIR", "AIR REG") && col("l_shipinstruct") === "DELIVER IN PERSON")
            .join(t.part, on: col("p_partkey") === col("l_partkey"))
            .filter(kind("Brand#12", ["SM CASE", "SM BOX", "SM PACK", "SM PKG"], quantity: 1, maxSize: 5)
                    || kind("Brand#23", ["MED BAG", "MED BOX", "MED PKG", "MED PACK"], quantity: 10, maxSize: 10)
                    || kind("Brand#34", ["LG CASE", "LG BOX", "LG PACK", "LG PKG"], quantity: 20, maxSize: 15))
            .agg(sum(discountedPrice).alias("revenue"))
    }
}
