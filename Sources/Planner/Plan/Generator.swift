// Generator: an explode. Output rows are the kept child columns followed by one array element;
// child columns nobody above needs are not kept (Spark's Generate.unrequiredChildIndex), so a line
// is not copied once per word when only the words are used.

@_spi(EmberInternal) public struct Generator: Sendable, Codable, Hashable {
    /// The array to explode.
    @_spi(EmberInternal) public var expression: BoundExpression
    /// Child columns repeated into each output row, in order.
    @_spi(EmberInternal) public var keptChildColumns: [Int]
    /// Output schema: the kept child columns, then the element.
    @_spi(EmberInternal) public var schema: StructType

    @_spi(EmberInternal) public init(expression: BoundExpression, keptChildColumns: [Int], schema: StructType) {
        self.expression = expression
        self.keptChildColumns = keptChildColumns
        self.schema = schema
    }

    @_spi(EmberInternal) public var elementName: String { schema.fields.last!.name }

    @_spi(EmberInternal) public func describe(_ childSchema: StructType) -> String {
        "Generate explode(\(expression.describe(childSchema))) AS \(elementName), keeping [\(keptChildColumns.map { childSchema.fields[$0].name }.joined(separator: ", "))]"
    }
}
