// ShowFormatter: renders rows as Spark's `show()` table, truncating cells to 20 characters.
//
//   +-----+-----+
//   | word|count|
//   +-----+-----+
//   |  the|    3|
//   +-----+-----+
//   only showing top 20 rows

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public enum ShowFormatter {
    @_spi(EmberInternal) public static func render(schema: StructType, rows: [[Value]], truncate: Bool, moreRows: Bool, limit: Int) -> String {
        func cell(_ v: Value) -> String {
            let s = v.description
            if truncate && s.count > 20 { return String(s.prefix(17)) + "..." }
            return s
        }
        let header = schema.names
        let cells = rows.map { $0.map(cell) }
        var widths = header.map { max(3, $0.count) }
        for r in cells { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        let border = "+" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "+") + "+\n"
        func line(_ values: [String]) -> String {
            "|" + zip(values, widths).map { v, w in String(repeating: " ", count: w - v.count) + v }.joined(separator: "|") + "|\n"
        }
        var out = border + line(header) + border
        for r in cells { out += line(r) }
        out += border
        if moreRows { out += "only showing top \(limit) row\(limit == 1 ? "" : "s")\n" }
        return out
    }
}
