// Generator: an explode. Output rows are the kept child columns followed by one array element;
// child columns nobody above needs are not kept (Spark's Generate.unrequiredChildIndex), so a line
// is not copied once per word when only the words are used.

public struct Generator: Sendable, Codable, Hashable {
    /// The array to explode.
    public var expression: BoundExpression
    /// Child columns repeated into each output row, in order.
    public var keptChildColumns: [Int]
    /// Output schema: the kept child columns, then the element.
    public var schema: StructType

    public init(expression: BoundExpression, keptChildColumns: [Int], schema: StructType) {
        self.expression = expression
        self.keptChildColumns = keptChildColumns
        self.schema = schema
    }

    public var elementName: String { schema.fields.last!.name }

    public func describe(_ childSchema: StructType) -> String {
        "Generate explode(\(expression.describe(childSchema))) AS \(elementName), keeping [\(keptChildColumns.map { childSchema.fields[$0].name }.joined(separator: ", "))]"
    }
}
