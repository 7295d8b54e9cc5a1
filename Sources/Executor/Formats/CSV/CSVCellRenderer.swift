// CSVCellRenderer: turns batches into CSV bytes. Each column is rendered on its own (one switch
// per column per batch, a tight typed loop inside), then the cells are interleaved into rows.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(EmberInternal) import Planner

/// Renders CSV rows for ``CSVFileWriter``.
///
///     cells:  1 22 333 | a "b,c" ∅        (column after column, one buffer)
///     bounds: 0 1 3 6 | 7 12 12           (cell k = column * rows + row)
///     rows:   1,a\n 22,"b,c"\n 333,\n
///
/// Cell text (see ``OutputBuffer``): bigint as decimal digits; double as `formatDouble` (Java's
/// `Double.toString`, as Spark); boolean `true`/`false`; date and timestamp as `formatDate` /
/// `formatTimestamp`; arrays as `[a, b]`; null as `nullValue` (unquoted). A string is quoted when it contains the delimiter,
/// `"`, `\r` or `\n` (inner quotes doubled) or is empty (`""`, so it differs from null). Other
/// cells are checked for those bytes only when the delimiter could occur in them (say `-` or `.`).
final class CSVCellRenderer {
    let delimiter: UInt8
    let nullValue: [UInt8]
    /// Whether formatted numbers, booleans, dates and timestamps can contain the delimiter.
    let checkFormatted: Bool
    /// The rendered cells of the current batch, column after column.
    private let cells = OutputBuffer(capacity: 1 << 16)
    /// Cell k = column * rows + row spans cells[bounds[k] ..< bounds[k + 1]].
    private var bounds: [Int] = []

    static let quote = UInt8(ascii: "\"")

    init(delimiter: UInt8, nullValue: String) {
        self.delimiter = delimiter
        self.nullValue = Array(nullValue.utf8)
        checkFormatted = Array("0123456789+-.:EeNaInfityTruefals ".utf8).contains(delimiter)
    }

    @inline(__always)
    private func needsQuotes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for b in bytes where b == delimiter || b == Self.quote || b == 0x0A || b == 0x0D { return true }
        return false
    }

    /// Appends one text field, quoted when needed.
    @inline(__always)
    private func appendText(_ bytes: UnsafeRawBufferPointer, to out: OutputBuffer) {
        if bytes.isEmpty {
            out.reserve(2)
            out.appendUnchecked(Self.quote)
            out.appendUnchecked(Self.quote)
        } else if needsQuotes(bytes) {
            out.reserve(bytes.count * 2 + 2)
            out.appendUnchecked(Self.quote)
            for b in bytes {
                if b == Self.quote { out.appendUnchecked(Self.quote) }
                out.appendUnchecked(b)
            }
            out.appendUnchecked(Self.quote)
        } else {
            out.append(bytes)
        }
    }

    /// Quotes the formatted cell that starts at `start`, if the delimiter occurs in it.
    @inline(__always)
    private func quoteFormatted(from start: Int, in out: OutputBuffer) {
        guard checkFormatted else { return }
        let cell = UnsafeRawBufferPointer(start: out.base + start, count: out.count - start)
        guard needsQuotes(cell) else { return }
        let copy = Array(cell)
        out.count = start
        copy.withUnsafeBytes { appendText($0, to: out) }
    }

    /// Appends the header line: the field names, quoted when needed.
    func appendHeader(_ names: [String], to out: OutputBuffer) {
        for (i, name) in names.enumerated() {
            if i > 0 { out.append(delimiter) }
            var name = name
            name.withUTF8 { appendText(UnsafeRawBufferPointer($0), to: out) }
        }
        out.append(0x0A)
    }

    /// Appends the rows of `batch` to `out`.
    func appendRows(_ batch: ColumnarBatch, to out: OutputBuffer) {
        let rows = batch.numRows
        let width = batch.columns.count
        if rows == 0 { return }
        if width == 0 {
            for _ in 0..<rows { out.append(0x0A) }   // no columns: one empty line per row
            return
        }
        cells.removeAll()
        // A local array while rendering: no dynamic exclusivity checks per append.
        var bounds = self.bounds
        self.bounds = []
        defer { self.bounds = bounds }
        bounds.removeAll(keepingCapacity: true)
        bounds.reserveCapacity(rows * width + 1)
        bounds.append(0)
        for column in batch.columns { render(column, rows: rows, bounds: &bounds) }

        // 16 bytes of slack on both sides: a short cell is copied as two 8-byte words, whatever
        // its length (the bytes past it are overwritten next, or lie past what is kept).
        cells.reserve(16)
        out.reserve(cells.count + rows * width + 16)
        let src = UnsafeRawPointer(cells.base)
        var dst = out.base + out.count
        let delimiter = self.delimiter
        bounds.withUnsafeBufferPointer { bounds in
            for r in 0..<rows {
                var k = r
                for c in 0..<width {
                    if c > 0 {
                        dst.pointee = delimiter
                        dst += 1
                    }
                    let s = bounds[k], n = bounds[k + 1] - s
                    if n <= 16 {
                        let raw = UnsafeMutableRawPointer(dst)
                        raw.storeBytes(of: (src + s).loadUnaligned(as: UInt64.self), as: UInt64.self)
                        raw.storeBytes(of: (src + s + 8).loadUnaligned(as: UInt64.self), toByteOffset: 8, as: UInt64.self)
                    } else {
                        memcpy(dst, src + s, n)
                    }
                    dst += n
                    k += rows
                }
                dst.pointee = 0x0A
                dst += 1
            }
        }
        out.count = out.base.distance(to: dst)
    }

    /// Renders the first `rows` cells of a column into `cells`, recording where each ends.
    private func render(_ column: ColumnVector, rows: Int, bounds: inout [Int]) {
        let validity = column.validity
        let out = cells
        @inline(__always) func isNull(_ i: Int) -> Bool {
            if let validity { return !validity[i] }
            return false
        }
        switch column.values {
        case .long(let values):
            for i in 0..<rows {
                let start = out.count
                if isNull(i) { out.append(nullValue) } else { out.appendLong(values[i]); quoteFormatted(from: start, in: out) }
                bounds.append(out.count)
            }
        case .double(let values):
            for i in 0..<rows {
                let start = out.count
                if isNull(i) { out.append(nullValue) } else { out.appendDouble(values[i]); quoteFormatted(from: start, in: out) }
                bounds.append(out.count)
            }
        case .boolean(let values):
            for i in 0..<rows {
                let start = out.count
                if isNull(i) {
                    out.append(nullValue)
                } else {
                    let text: StaticString = values[i] ? "true" : "false"
                    out.append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
                    quoteFormatted(from: start, in: out)
                }
                bounds.append(out.count)
            }
        case .date(let values):
            for i in 0..<rows {
                let start = out.count
                if isNull(i) { out.append(nullValue) } else { out.appendDate(values[i]); quoteFormatted(from: start, in: out) }
                bounds.append(out.count)
            }
        case .timestamp(let values):
            for i in 0..<rows {
                let start = out.count
                if isNull(i) { out.append(nullValue) } else { out.appendTimestamp(values[i]); quoteFormatted(from: start, in: out) }
                bounds.append(out.count)
            }
        case .string(let strings):
            strings.bytes.withUnsafeBytes { bytes in
                strings.offsets.withUnsafeBufferPointer { offsets in
                    for i in 0..<rows {
                        if isNull(i) {
                            out.append(nullValue)
                        } else {
                            appendText(UnsafeRawBufferPointer(rebasing: bytes[Int(offsets[i])..<Int(offsets[i + 1])]), to: out)
                        }
                        bounds.append(out.count)
                    }
                }
            }
        case .list:
            for i in 0..<rows {
                if isNull(i) {
                    out.append(nullValue)
                } else {
                    var text = column.value(at: i).description
                    text.withUTF8 { appendText(UnsafeRawBufferPointer($0), to: out) }
                }
                bounds.append(out.count)
            }
        }
    }
}
