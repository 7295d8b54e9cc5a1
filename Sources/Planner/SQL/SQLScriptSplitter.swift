// SQLScriptSplitter: a script to its statements, cut at each `;` that is not inside a string, a
// backquoted name or a comment (`--`, nested `/* */`), as Spark's `spark-sql` shell does. Pieces with
// nothing but spaces and comments are dropped. The interactive shell runs the pieces a `;` ended
// and keeps the last, unterminated one as the start of the next statement.

/// One statement of a script: its text without the `;`, where it is, and whether a `;` ended it.
@_spi(EmberInternal) public struct SQLStatementText: Sendable, Equatable {
    @_spi(EmberInternal) public var text: String
    /// Its bytes in the script's UTF-8 encoding.
    @_spi(EmberInternal) public var range: Range<Int>
    @_spi(EmberInternal) public var position: SQLPosition
    /// False for the last piece when no `;` follows it (or a string or comment in it is still open).
    @_spi(EmberInternal) public var isTerminated: Bool
}

@_spi(EmberInternal) public enum SQLScriptSplitter {
    /// The statements of a script, in order.
    @_spi(EmberInternal) public static func split(_ script: String) -> [SQLStatementText] {
        split(SQLSource(script))
    }

    static func split(_ source: SQLSource) -> [SQLStatementText] {
        var scanner = Scanner(bytes: source.bytes)
        var pieces: [SQLStatementText] = []
        var start = SQLPosition.start
        var hasContent = false
        while true {
            switch scanner.next() {
            case .content:
                hasContent = true
            case .space:
                break
            case .semicolon(let at):
                if hasContent {
                    pieces.append(SQLStatementText(text: source.slice(start.offset..<at.offset), range: start.offset..<at.offset,
                                                   position: start, isTerminated: true))
                }
                start = scanner.here
                hasContent = false
            case .end(let open):
                if hasContent || open {
                    let range = start.offset..<source.bytes.count
                    pieces.append(SQLStatementText(text: source.slice(range), range: range, position: start, isTerminated: false))
                }
                return pieces
            }
        }
    }

    /// Walks the bytes one element (a quoted run, a comment, a byte) at a time.
    struct Scanner {
        enum Element {
            case content, space
            case semicolon(SQLPosition)
            /// The end; `open` when a string, name or comment was never closed.
            case end(open: Bool)
        }

        let bytes: [UInt8]
        /// Where the text to scan ends (a statement within a script).
        var end = Int.max
        var here = SQLPosition.start
        var previous: UInt8 = 0x20

        func byte(_ k: Int) -> UInt8? { k < bytes.count && k < end ? bytes[k] : nil }

        mutating func step() {
            previous = bytes[here.offset]
            here.advance(over: previous)
        }

        mutating func next() -> Element {
            guard let b = byte(here.offset) else { return .end(open: false) }
            let at = here
            switch b {
            case UInt8(ascii: ";"):
                step()
                return .semicolon(at)
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0B, 0x0C:
                step()
                return .space
            case UInt8(ascii: "-") where byte(here.offset + 1) == UInt8(ascii: "-"):
                while let c = byte(here.offset), c != UInt8(ascii: "\n") { step() }
                return .space
            case UInt8(ascii: "/") where byte(here.offset + 1) == UInt8(ascii: "*"):
                return skipComment() ? .space : .end(open: true)
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"):
                let raw = b != UInt8(ascii: "`") && (previous | 0x20) == UInt8(ascii: "r") && isRawPrefix(at.offset - 1)
                return skipQuoted(b, escapes: b != UInt8(ascii: "`") && !raw) ? .content : .end(open: true)
            default:
                step()
                return .content
            }
        }

        /// True when the `r` at `k` is a raw-string prefix, not the end of a word (`bar'x'`).
        func isRawPrefix(_ k: Int) -> Bool {
            k == 0 || !SQLLexer.isWordByte(bytes[k - 1])
        }

        /// Skips a quoted run; false when it is never closed.
        mutating func skipQuoted(_ quote: UInt8, escapes: Bool) -> Bool {
            step()
            while let c = byte(here.offset) {
                step()
                if c == UInt8(ascii: "\\") && escapes {
                    if byte(here.offset) != nil { step() }
                } else if c == quote {
                    // A doubled backquote is one backquote inside the name.
                    guard quote == UInt8(ascii: "`") && byte(here.offset) == quote else { return true }
                    step()
                }
            }
            return false
        }

        /// Skips a nested block comment; false when it is never closed.
        mutating func skipComment() -> Bool {
            step(); step()
            var depth = 1
            while let c = byte(here.offset) {
                if c == UInt8(ascii: "*") && byte(here.offset + 1) == UInt8(ascii: "/") {
                    step(); step()
                    depth -= 1
                    if depth == 0 { return true }
                } else if c == UInt8(ascii: "/") && byte(here.offset + 1) == UInt8(ascii: "*") {
                    step(); step()
                    depth += 1
                } else {
                    step()
                }
            }
            return false
        }
    }
}
