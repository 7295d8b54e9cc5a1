// JSONRowRenderer: turns batches into JSON lines as Spark writes them. Each column is rendered on
// its own (one switch per column per batch, a tight typed loop inside), then the cells are joined
// into one object per row, fields in schema order, null fields left out.

@_spi(EmberInternal) import Planner

/// Renders rows for ``JSONFileWriter``.
///
///     cells:  1 22 ∅ | "a" "b\"c" ∅        (column after column, one buffer; ∅ = null)
///     rows:   {"x":1,"s":"a"}\n {"x":22,"s":"b\"c"}\n {}\n
///
/// Values (Spark's JacksonGenerator with its default options):
/// - bigint as digits; double as Java's `Double.toString` (`1.0`, `1.0E10`), and NaN and the
///   infinities as the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (Jackson quotes non-finite
///   numbers); boolean `true` / `false`;
/// - string escaped as Jackson does (``OutputBuffer/appendJSONString(_:)``);
/// - date `"yyyy-MM-dd"`; timestamp `"yyyy-MM-dd'T'HH:mm:ss.SSSXXX"` in UTC, i.e. milliseconds
///   always written and the zone as `Z` (`"2024-05-01T12:30:00.000Z"`; micros below a millisecond
///   are cut, as Spark's pattern does);
/// - arrays as JSON arrays (null elements as `null`);
/// - a null field is left out (`ignoreNullFields`, Spark's default) or written as `null`.
final class JSONRowRenderer {
    let ignoreNullFields: Bool
    /// `"name":` of each column, escaped once.
    private let prefixes: [[UInt8]]
    private let cells = OutputBuffer(capacity: 1 << 16)
    /// Cell k = column * rows + row spans cells[bounds[k] ..< bounds[k + 1]]; null cells are empty
    /// and marked in `nulls`.
    private var bounds: [Int] = []
    private var nulls: [Bool] = []

    init(schema: StructType, ignoreNullFields: Bool) {
        self.ignoreNullFields = ignoreNullFields
        prefixes = schema.fields.map { field in
            let out = OutputBuffer(capacity: field.name.utf8.count + 8)
            var name = field.name
            name.withUTF8 { out.appendJSONString(UnsafeRawBufferPointer($0)) }
            out.append(UInt8(ascii: ":"))
            return Array(out.bytes)
        }
    }

    /// Appends the rows of `batch` to `out`.
    func appendRows(_ batch: ColumnarBatch, to out: OutputBuffer) {
        let rows = batch.numRows
        let width = batch.columns.count
        if rows == 0 { return }
        cells.removeAll()
        var bounds = self.bounds, nulls = self.nulls
        self.bounds = []
        self.nulls = []
        defer {
            self.bounds = bounds
            self.nulls = nulls
        }
        bounds.removeAll(keepingCapacity: true)
        nulls.removeAll(keepingCapacity: true)
        bounds.reserveCapacity(rows * width + 1)
        nulls.reserveCapacity(rows * width)
        bounds.append(0)
        for column in batch.columns { render(column, rows: rows, bounds: &bounds, nulls: &nulls) }

        for r in 0..<rows {
            out.append(UInt8(ascii: "{"))
            var first = true
            var k = r
            for c in 0..<width {
                defer { k += rows }
                if nulls[k] && ignoreNullFields { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                prefixes[c].withUnsafeBytes { out.append($0) }
                if nulls[k] {
                    out.append(UnsafeRawBufferPointer(start: Self.null.utf8Start, count: 4))
                } else {
                    out.append(UnsafeRawBufferPointer(start: cells.base + bounds[k], count: bounds[k + 1] - bounds[k]))
                }
            }
            out.append(UInt8(ascii: "}"))
            out.append(0x0A)
        }
    }

    private static let null: StaticString = "null"

    /// Renders the first `rows` cells of a column into `cells`.
    private func render(_ column: ColumnVector, rows: Int, bounds: inout [Int], nulls: inout [Bool]) {
        let out = cells
        let validity = column.validity
        @inline(__always) func cell(_ i: Int, _ body: () -> Void) {
            if let validity, !validity[i] {
                nulls.append(true)
            } else {
                nulls.append(false)
                body()
            }
            bounds.append(out.count)
        }
        switch column.values {
        case .long(let values):
            for i in 0..<rows { cell(i) { out.appendLong(values[i]) } }
        case .double(let values):
            for i in 0..<rows { cell(i) { Self.appendDouble(values[i], to: out) } }
        case .boolean(let values):
            for i in 0..<rows { cell(i) { Self.appendBool(values[i], to: out) } }
        case .date(let values):
            for i in 0..<rows { cell(i) { Self.appendDate(values[i], to: out) } }
        case .timestamp(let values):
            for i in 0..<rows { cell(i) { Self.appendTimestamp(values[i], to: out) } }
        case .string(let strings):
            strings.bytes.withUnsafeBytes { bytes in
                strings.offsets.withUnsafeBufferPointer { offsets in
                    for i in 0..<rows {
                        cell(i) { out.appendJSONString(UnsafeRawBufferPointer(rebasing: bytes[Int(offsets[i])..<Int(offsets[i + 1])])) }
                    }
                }
            }
        case .list:
            for i in 0..<rows { cell(i) { Self.appendValue(column.value(at: i), to: out) } }
        }
    }

    static func appendDouble(_ v: Double, to out: OutputBuffer) {
        if v.isFinite { return out.appendDouble(v) }
        out.append(UInt8(ascii: "\""))
        out.appendDouble(v)
        out.append(UInt8(ascii: "\""))
    }

    static func appendBool(_ v: Bool, to out: OutputBuffer) {
        let text: StaticString = v ? "true" : "false"
        out.append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    static func appendDate(_ days: Int32, to out: OutputBuffer) {
        out.append(UInt8(ascii: "\""))
        out.appendDate(days)
        out.append(UInt8(ascii: "\""))
    }

    /// `"yyyy-MM-ddTHH:mm:ss.SSSZ"` (UTC).
    static func appendTimestamp(_ micros: Int64, to out: OutputBuffer) {
        let millis = micros >= 0 ? micros / 1000 : (micros - 999) / 1000
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        out.append(UInt8(ascii: "\""))
        out.appendDate(Int32(truncatingIfNeeded: days))
        out.reserve(16)
        out.appendUnchecked(UInt8(ascii: "T"))
        @inline(__always) func two(_ v: Int64, _ separator: UInt8) {
            out.appendUnchecked(0x30 + UInt8(v / 10))
            out.appendUnchecked(0x30 + UInt8(v % 10))
            out.appendUnchecked(separator)
        }
        two(secondOfDay / 3600, UInt8(ascii: ":"))
        two(secondOfDay / 60 % 60, UInt8(ascii: ":"))
        two(secondOfDay % 60, UInt8(ascii: "."))
        let fraction = millis - seconds * 1000
        out.appendUnchecked(0x30 + UInt8(fraction / 100))
        out.appendUnchecked(0x30 + UInt8(fraction / 10 % 10))
        out.appendUnchecked(0x30 + UInt8(fraction % 10))
        out.appendUnchecked(UInt8(ascii: "Z"))
        out.appendUnchecked(UInt8(ascii: "\""))
    }

    /// Any value, arrays included (the slow path, for array columns).
    static func appendValue(_ value: Value, to out: OutputBuffer) {
        switch value {
        case .null: out.append(UnsafeRawBufferPointer(start: null.utf8Start, count: 4))
        case .long(let v): out.appendLong(v)
        case .double(let v): appendDouble(v, to: out)
        case .boolean(let v): appendBool(v, to: out)
        case .date(let v): appendDate(v, to: out)
        case .timestamp(let v): appendTimestamp(v, to: out)
        case .string(var s): s.withUTF8 { out.appendJSONString(UnsafeRawBufferPointer($0)) }
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                appendValue(item, to: out)
            }
            out.append(UInt8(ascii: "]"))
        }
    }
}
