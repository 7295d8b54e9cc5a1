// Row: one collected result row, with access by position or by column name.

@_spi(EmberInternal) import Planner

public struct Row: Sendable, Hashable, CustomStringConvertible {
    public let schema: StructType
    public let values: [Value]

    public init(schema: StructType, values: [Value]) {
        self.schema = schema
        self.values = values
    }

    public subscript(i: Int) -> Value { values[i] }
    public subscript(name: String) -> Value? { schema.index(of: name).map { values[$0] } }

    public func getLong(_ i: Int) -> Int64? { values[i].longValue }
    public func getDouble(_ i: Int) -> Double? { values[i].doubleValue }
    public func getString(_ i: Int) -> String? { values[i].stringValue }
    public func isNullAt(_ i: Int) -> Bool { values[i].isNull }

    public var description: String { "[" + values.map(\.description).joined(separator: ",") + "]" }
}
