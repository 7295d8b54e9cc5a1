// SQLSource: the SQL text being parsed, as UTF-8 bytes, and positions in it. A position is a byte
// offset (what slicing needs) plus the 1-based line and column a person reads (the column counts
// characters, so a caret lines up under non-ASCII text too). Also the size limit of a SQL text.

/// Where something starts in a SQL text.
@_spi(EmberInternal) public struct SQLPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Offset in bytes of the text's UTF-8 encoding, from 0.
    @_spi(EmberInternal) public var offset: Int
    /// Line, from 1.
    @_spi(EmberInternal) public var line: Int
    /// Column, from 1, counted in characters (Unicode scalars).
    @_spi(EmberInternal) public var column: Int

    @_spi(EmberInternal) public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// The start of a text.
    @_spi(EmberInternal) public static let start = SQLPosition(offset: 0, line: 1, column: 1)

    @_spi(EmberInternal) public static func < (a: SQLPosition, b: SQLPosition) -> Bool { a.offset < b.offset }

    @_spi(EmberInternal) public var description: String { "line \(line), column \(column)" }

    /// The position just after `byte`, which is at this position.
    @inline(__always) mutating func advance(over byte: UInt8) {
        offset += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            // A line feed or the first byte of a character moves the column; continuation bytes do not.
            column += 1
        }
    }
}

/// A SQL text: the string, its UTF-8 bytes, and the lines errors quote.
@_spi(EmberInternal) public struct SQLSource: Sendable {
    /// The longest SQL text accepted, in bytes (16 MiB). Longer texts are refused before lexing.
    @_spi(EmberInternal) public static let maxBytes = 16 << 20

    @_spi(EmberInternal) public let text: String
    let bytes: [UInt8]

    @_spi(EmberInternal) public init(_ text: String) {
        self.text = text
        self.bytes = Array(text.utf8)
    }

    /// Refuses a text over ``maxBytes``.
    func checkSize() throws {
        guard bytes.count > Self.maxBytes else { return }
        throw EmberError(.parse, "the SQL text is \(bytes.count) bytes; the limit is \(Self.maxBytes) bytes (16 MiB)",
                         hint: "split the script into smaller statements, or read large value lists from a file")
    }

    /// The text of a byte range (invalid UTF-8 cannot occur: the bytes come from a String).
    func slice(_ range: Range<Int>) -> String {
        String(decoding: bytes[range.clamped(to: 0..<bytes.count)], as: UTF8.self)
    }

    /// The position of a byte offset, counted from the start of the text.
    func position(at offset: Int) -> SQLPosition {
        var p = SQLPosition.start
        for b in bytes[0..<min(offset, bytes.count)] { p.advance(over: b) }
        return p
    }

    /// The byte range of the line holding `offset`, without its line break.
    func lineRange(at offset: Int) -> Range<Int> {
        let o = min(max(offset, 0), bytes.count)
        var start = o
        while start > 0 && bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
        var end = o
        while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
        if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return start..<max(start, end)
    }
}
