// CSVParser: splits one CSV line into fields, in place: each field is a span of the line (or of a
// scratch buffer when quotes had to be unescaped), with no allocation per record or field.

@_spi(EmberInternal) import Planner

/// Splits CSV records (one per line, Spark's default `multiLine=false`) into fields.
///
/// Rules (those of Spark's Univocity settings for reading):
/// - Fields are separated by `delimiter`; `a,,b` has an empty middle field and `a,` ends with one.
/// - A field whose first byte is `quote` is quoted: delimiters inside it are data. Inside, both
///   `escape` + `quote` (`\"`, Spark's default escape) and a doubled quote (`""`, RFC 4180) stand
///   for one literal quote; an escape before any other byte is kept as is.
/// - The closing quote must be followed by the delimiter or the end of the line. A quote followed
///   by anything else is an unescaped quote, handled as Univocity's `STOP_AT_DELIMITER`: the field
///   is read as unquoted, raw bytes from its first byte (opening quote included) up to the next
///   delimiter.
/// - A quoted field left open at the end of the line ends there (its content is the rest of the
///   line).
/// - Bytes outside quotes are taken literally; spaces are not trimmed (Spark reads with
///   `ignoreLeadingWhiteSpace` / `ignoreTrailingWhiteSpace` off).
///
/// After ``tokenize(_:)``, field `i` is ``field(_:)`` and ``isQuoted(_:)`` says whether it was
/// quoted (a quoted empty field is an empty string, an unquoted empty field is null). The spans
/// point into the line and the tokenizer's scratch buffer: valid until the next call.
final class CSVTokenizer {
    let delimiter: UInt8
    let quote: UInt8
    let escape: UInt8
    /// Number of fields of the last record.
    private(set) var count = 0
    private var starts: UnsafeMutablePointer<UnsafeRawPointer?>
    private var lengths: UnsafeMutablePointer<Int>
    private var quoted: UnsafeMutablePointer<Bool>
    private var capacity: Int
    private var scratch: UnsafeMutableRawPointer
    private var scratchCapacity: Int

    init(delimiter: UInt8, quote: UInt8, escape: UInt8, expectedFields: Int = 16) {
        self.delimiter = delimiter
        self.quote = quote
        self.escape = escape
        capacity = max(expectedFields + 1, 8)
        starts = .allocate(capacity: capacity)
        lengths = .allocate(capacity: capacity)
        quoted = .allocate(capacity: capacity)
        scratchCapacity = 4096
        scratch = .allocate(byteCount: scratchCapacity, alignment: 16)
    }

    convenience init(options: CSVOptions, expectedFields: Int = 16) {
        self.init(delimiter: options.delimiter, quote: options.quote, escape: options.escape, expectedFields: expectedFields)
    }

    deinit {
        starts.deallocate()
        lengths.deallocate()
        quoted.deallocate()
        scratch.deallocate()
    }

    @inline(__always) func field(_ i: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: starts[i], count: lengths[i])
    }

    @inline(__always) func isQuoted(_ i: Int) -> Bool { quoted[i] }

    /// The fields of the last record as Strings (headers, tests).
    func strings() -> [String] {
        (0..<count).map { String(decoding: field($0), as: UTF8.self) }
    }

    @inline(__always)
    private func append(_ start: UnsafeRawPointer?, _ length: Int, _ isQuoted: Bool) {
        if count == capacity { growFields() }
        starts[count] = start
        lengths[count] = length
        quoted[count] = isQuoted
        count += 1
    }

    private func growFields() {
        let bigger = capacity * 2
        let s = UnsafeMutablePointer<UnsafeRawPointer?>.allocate(capacity: bigger)
        s.update(from: starts, count: count)
        starts.deallocate()
        starts = s
        let l = UnsafeMutablePointer<Int>.allocate(capacity: bigger)
        l.update(from: lengths, count: count)
        lengths.deallocate()
        lengths = l
        let q = UnsafeMutablePointer<Bool>.allocate(capacity: bigger)
        q.update(from: quoted, count: count)
        quoted.deallocate()
        quoted = q
        capacity = bigger
    }

    /// Splits `line` (without its line terminator) into fields.
    func tokenize(_ line: UnsafeRawBufferPointer) {
        count = 0
        let n = line.count
        guard n > 0, let raw = line.baseAddress else {
            append(line.baseAddress, 0, false)
            return
        }
        if n > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = max(n, scratchCapacity * 2)
            scratch = .allocate(byteCount: scratchCapacity, alignment: 16)
        }
        let p = raw.assumingMemoryBound(to: UInt8.self)
        let delimiter = self.delimiter, quote = self.quote
        var out = 0      // write position in scratch (unescaped quoted fields)
        var i = 0
        while true {
            let fieldStart = i
            if i < n && p[i] == quote {
                i = quotedField(p, n, fieldStart, &out)
            } else {
                while i < n && p[i] != delimiter { i += 1 }
                append(raw + fieldStart, i - fieldStart, false)
            }
            // Here i == n or p[i] is the delimiter.
            if i >= n { return }
            i += 1
            if i == n {
                append(raw + n, 0, false)   // trailing delimiter: one more, empty field
                return
            }
        }
    }

    /// Parses the quoted field starting at `start` (the opening quote), appends it, and returns
    /// the index just after it (the delimiter or `n`).
    @inline(__always)
    private func quotedField(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int, _ out: inout Int) -> Int {
        let quote = self.quote, delimiter = self.delimiter, escape = self.escape
        let contentStart = start + 1
        var i = contentStart
        var copying = false          // content differs from the raw bytes: built in scratch
        let outStart = out
        let s = scratch.assumingMemoryBound(to: UInt8.self)
        while i < n {
            let c = p[i]
            if c == quote {
                if i + 1 == n || p[i + 1] == delimiter {
                    // Closing quote.
                    if copying { append(scratch + outStart, out - outStart, true) } else {
                        append(UnsafeRawPointer(p + contentStart), i - contentStart, true)
                    }
                    return i + 1
                }
                if p[i + 1] != quote {
                    // Unescaped quote: the whole field is unquoted, up to the next delimiter.
                    var j = i + 1
                    while j < n && p[j] != delimiter { j += 1 }
                    out = outStart
                    append(UnsafeRawPointer(p + start), j - start, false)
                    return j
                }
                // Doubled quote: one literal quote.
            } else if c != escape || escape == quote || i + 1 == n || p[i + 1] != quote {
                if copying { s[out] = c; out += 1 }
                i += 1
                continue
            }
            // `""` or escape + quote: emit one quote, skip two bytes.
            if !copying {
                copying = true
                let prefix = i - contentStart
                (s + out).update(from: p + contentStart, count: prefix)
                out += prefix
            }
            s[out] = quote
            out += 1
            i += 2
        }
        // Unterminated quote: the content is the rest of the line.
        if copying { append(scratch + outStart, out - outStart, true) } else {
            append(UnsafeRawPointer(p + contentStart), n - contentStart, true)
        }
        return n
    }
}
