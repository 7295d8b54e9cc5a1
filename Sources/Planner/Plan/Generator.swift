// Generator: an explode. Output rows are the kept child columns followed by one array element;
// child columns nobody above needs are not kept (Spark's Generate.unrequiredChildIndex), so a line
// is not copied once per word when only the words are used.

package struct Generator: Sendable, Codable, Hashable {
    /// The array to explode.
    package var expression: BoundExpression
    /// Child columns repeated into each output row, in order.
    package var keptChildColumns: [Int]
    /// Output schema: the kept child columns, then the element.
    package var schema: StructType

    package init(expression: BoundExpression, keptChildColumns: [Int], schema: StructType) {
        self.expression = expression
        self.keptChildColumns = keptChildColumns
        self.schema = schema
    }

    package var elementName: String { schema.fields.last!.name }

    package func describe(_ childSchema: StructType) -> String {
        "Generate explode(\(expression.describe(childSchema))) AS \(elementName), keeping [\(keptChildColumns.map { childSchema.fields[$0].name }.joined(separator: ", "))]"
    }
}
