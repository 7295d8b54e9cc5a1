// CSVCellRenderer: turns batches into CSV bytes. Each column is rendered on its own (one switch
// per column per batch, a tight typed loop inside), then the cells are interleaved into rows.

import Planner

/// Renders CSV rows for ``CSVFileWriter``.
///
///     column 0 cells: bytes "1" "22" "333"   ends [1, 3, 6]
///     column 1 cells: bytes "a""b,c"""      ends [1, 7, 7]   ← quoted cell, then an empty (null) cell
///     rows:           1,a\n 22,"b,c"\n 333,\n
///
/// Cell text: bigint as decimal digits; double via `formatDouble` (Java's `Double.toString`, as
/// Spark); boolean `true`/`false`; date and timestamp via `formatDate` / `formatTimestamp`; arrays
/// as `[a, b]`; null as `nullValue` (unquoted). A string is quoted when it contains the delimiter,
/// `"`, `\r` or `\n` (inner quotes doubled) or is empty (`""`, so it differs from null). Other
/// cells are checked for those bytes only when the delimiter could occur in them (say `-` or `.`).
struct CSVCellRenderer {
    let delimiter: UInt8
    let nullValue: [UInt8]
    /// Whether formatted numbers, booleans, dates and timestamps can contain the delimiter.
    let checkFormatted: Bool
    private var cells: [[UInt8]] = []
    private var ends: [[Int]] = []

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
    private func appendText(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        if bytes.isEmpty {
            out.append(Self.quote)
            out.append(Self.quote)
        } else if needsQuotes(bytes) {
            out.append(Self.quote)
            for b in bytes {
                if b == Self.quote { out.append(Self.quote) }
                out.append(b)
            }
            out.append(Self.quote)
        } else {
            out.append(contentsOf: bytes)
        }
    }

    /// Appends formatted (non-string) text, quoted only if the delimiter can and does occur in it.
    @inline(__always)
    private func appendFormatted(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            if checkFormatted && needsQuotes(bytes) { appendText(bytes, to: &out) } else { out.append(contentsOf: bytes) }
        }
    }

    @inline(__always)
    private func appendLong(_ v: Int64, to out: inout [UInt8]) {
        if checkFormatted {
            appendFormatted(String(v), to: &out)
            return
        }
        if v < 0 { out.append(UInt8(ascii: "-")) }
        var u = v.magnitude
        if u < 10 {
            out.append(0x30 &+ UInt8(u))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var i = 20
            while u > 0 {
                i -= 1
                digits[i] = 0x30 &+ UInt8(u % 10)
                u /= 10
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[i..<20]))
        }
    }

    /// Appends the header line: the field names, quoted when needed.
    mutating func appendHeader(_ names: [String], to out: inout [UInt8]) {
        for (i, name) in names.enumerated() {
            if i > 0 { out.append(delimiter) }
            var name = name
            name.withUTF8 { appendText(UnsafeRawBufferPointer($0), to: &out) }
        }
        out.append(0x0A)
    }

    /// Appends the rows of `batch`; calls `flush` now and then so `out` stays about one chunk.
    mutating func appendRows(_ batch: ColumnarBatch, to out: inout [UInt8],
                             flush: (inout [UInt8]) throws -> Void) rethrows {
        let rows = batch.numRows
        let width = batch.columns.count
        if rows == 0 { return }
        while cells.count < width {
            cells.append([])
            ends.append([])
        }
        for c in 0..<width {
            // Take the buffers out (keeping them uniquely referenced) while rendering into them.
            var cell = cells[c], end = ends[c]
            cells[c] = []
            ends[c] = []
            cell.removeAll(keepingCapacity: true)
            end.removeAll(keepingCapacity: true)
            end.reserveCapacity(rows)
            render(batch.columns[c], rows: rows, into: &cell, ends: &end)
            cells[c] = cell
            ends[c] = end
        }
        if width == 0 {
            // No columns: one empty line per row.
            for _ in 0..<rows { out.append(0x0A) }
            return
        }
        for r in 0..<rows {
            for c in 0..<width {
                if c > 0 { out.append(delimiter) }
                let start = r == 0 ? 0 : ends[c][r - 1]
                cells[c].withUnsafeBytes { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[start..<ends[c][r]])) }
            }
            out.append(0x0A)
            if r & 127 == 127 { try flush(&out) }
        }
    }

    /// Renders the first `rows` cells of a column, recording where each cell ends.
    private func render(_ column: ColumnVector, rows: Int, into out: inout [UInt8], ends: inout [Int]) {
        let validity = column.validity
        @inline(__always) func isNull(_ i: Int) -> Bool {
            if let validity { return !validity[i] }
            return false
        }
        switch column.values {
        case .long(let values):
            for i in 0..<rows {
                if isNull(i) { out.append(contentsOf: nullValue) } else { appendLong(values[i], to: &out) }
                ends.append(out.count)
            }
        case .double(let values):
            for i in 0..<rows {
                if isNull(i) { out.append(contentsOf: nullValue) } else { appendFormatted(formatDouble(values[i]), to: &out) }
                ends.append(out.count)
            }
        case .boolean(let values):
            for i in 0..<rows {
                if isNull(i) { out.append(contentsOf: nullValue) } else { appendFormatted(values[i] ? "true" : "false", to: &out) }
                ends.append(out.count)
            }
        case .date(let values):
            for i in 0..<rows {
                if isNull(i) { out.append(contentsOf: nullValue) } else { appendFormatted(formatDate(values[i]), to: &out) }
                ends.append(out.count)
            }
        case .timestamp(let values):
            for i in 0..<rows {
                if isNull(i) { out.append(contentsOf: nullValue) } else { appendFormatted(formatTimestamp(values[i]), to: &out) }
                ends.append(out.count)
            }
        case .string(let strings):
            strings.bytes.withUnsafeBytes { bytes in
                for i in 0..<rows {
                    if isNull(i) {
                        out.append(contentsOf: nullValue)
                    } else {
                        let s = Int(strings.offsets[i]), e = Int(strings.offsets[i + 1])
                        appendText(UnsafeRawBufferPointer(rebasing: bytes[s..<e]), to: &out)
                    }
                    ends.append(out.count)
                }
            }
        case .list:
            for i in 0..<rows {
                if isNull(i) {
                    out.append(contentsOf: nullValue)
                } else {
                    var text = column.value(at: i).description
                    text.withUTF8 { appendText(UnsafeRawBufferPointer($0), to: &out) }
                }
                ends.append(out.count)
            }
        }
    }
}
