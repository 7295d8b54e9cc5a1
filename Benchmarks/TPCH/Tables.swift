// Tables: the eight TPC-H tables as DataFrames over DIR/<table>.csv or DIR/<table>.parquet, the
// files tpchgen-cli writes (`Benchmarks/peers/tpch/gen-data SF DIR`, or `tpchgen-cli parquet`):
// CSV with a header row, comma-delimited, dates as yyyy-MM-dd, its schema inferred (each file read
// once here); Parquet with the schema in its footer. Every query then reads the files again.

import Engine

/// The TPC-H tables, read as CSV with headers and inferred types (bigint keys and quantities,
/// double prices and rates, date dates, string text).
public struct TPCHTables: Sendable {
    public let customer: DataFrame
    public let lineitem: DataFrame
    public let nation: DataFrame
    public let orders: DataFrame
    public let part: DataFrame
    public let partsupp: DataFrame
    public let region: DataFrame
    public let supplier: DataFrame

    /// The eight names, each read from `directory/<name>.<format>`.
    public static let names = ["customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"]

    /// The formats the tables can be read in.
    public static let formats = ["csv", "parquet"]

    public init(session: Session, directory: String, format: String = "csv") throws {
        guard Self.formats.contains(format) else {
            throw EmberError(.configuration, "TPC-H tables are read as csv or parquet, not '\(format)'", hint: "use --format csv or --format parquet")
        }
        func table(_ name: String) throws -> DataFrame {
            let path = "\(directory)/\(name).\(format)"
            if format == "csv" { return try session.read.option("header", true).option("inferSchema", true).csv(path) }
            return try session.read.format(format).load(path)
        }
        customer = try table("customer")
        lineitem = try table("lineitem")
        nation = try table("nation")
        orders = try table("orders")
        part = try table("part")
        partsupp = try table("partsupp")
        region = try table("region")
        supplier = try table("supplier")
    }

    /// The tables in `names`' order.
    public var all: [DataFrame] { [customer, lineitem, nation, orders, part, partsupp, region, supplier] }

    /// Registers each table as a temporary view under its name, for the queries' SQL text.
    public func createTempViews() throws {
        for (name, table) in zip(Self.names, all) { try table.createOrReplaceTempView(name) }
    }
}
