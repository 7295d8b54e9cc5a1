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
///
/// One tokenizer belongs to one scan (never shared between threads), so its stored properties
/// skip the dynamic exclusivity checks that would otherwise run on every field.
final class CSVTokenizer {
    let delimiter: UInt8
    let quote: UInt8
    let escape: UInt8
    /// Number of fields of the last record.
    @exclusivity(unchecked) private(set) var count = 0
    /// The first byte of the last record's line: the bytes from there to an unquoted field's
    /// end are readable (see ``ShortFieldWord``).
    @exclusivity(unchecked) private(set) var lineStart: UnsafeRawPointer?
    @exclusivity(unchecked) private var starts: UnsafeMutablePointer<UnsafeRawPointer?>
    @exclusivity(unchecked) private var lengths: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private var quoted: UnsafeMutablePointer<Bool>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var scratch: UnsafeMutableRawPointer
    @exclusivity(unchecked) private var scratchCapacity: Int

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

    /// Starts a record whose fields ``CSVBlockSplitter`` appends with ``appendPlain(_:_:)``.
    @inline(__always) func beginRecord(at line: UnsafeRawPointer) {
        count = 0
        lineStart = line
    }

    /// Appends an unquoted field (a span of the record's line).
    @inline(__always) func appendPlain(_ start: UnsafeRawPointer, _ length: Int) { append(start, length, false) }

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

    /// Splits `line` (without its line terminator) into fields, stopping after `maxFields` (the
    /// record may have more; `count` is then `maxFields`).
    ///
    /// Unquoted stretches are searched a word (8 bytes) at a time: each word yields a bit per
    /// delimiter byte and per quote byte (SWAR, see ``matchBits(_:_:)``), and fields end at the
    /// delimiter bits. From the first field that holds a quote on, the rest of the line goes
    /// byte by byte, through the quote rules.
    func tokenize(_ line: UnsafeRawBufferPointer, maxFields: Int = .max) {
        count = 0
        lineStart = line.baseAddress
        let n = line.count
        guard n > 0, let raw = line.baseAddress else {
            append(line.baseAddress, 0, false)
            return
        }
        var fieldStart = 0
        var i = 0
        while i + 8 <= n {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            guard appendPlainFields(word, at: i, raw, &fieldStart, maxFields: maxFields) else {
                if count < maxFields { tokenizeQuoting(raw, n, from: fieldStart, maxFields: maxFields) }
                return
            }
            i += 8
        }
        guard n >= 8 else {
            tokenizeQuoting(raw, n, from: fieldStart, maxFields: maxFields)
            return
        }
        // The last 0-7 bytes: the line's last word, shifted so that byte i comes first, and the
        // bytes before the line's end only.
        let tail = n - i
        if tail > 0 {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) >> UInt64((8 - tail) * 8)
            guard appendPlainFields(word, at: i, raw, &fieldStart, maxFields: maxFields, valid: (1 << UInt64(tail * 8)) - 1) else {
                if count < maxFields { tokenizeQuoting(raw, n, from: fieldStart, maxFields: maxFields) }
                return
            }
        }
        append(raw + fieldStart, n - fieldStart, false)   // the last field, maybe empty
    }

    /// Appends the fields ending at the delimiters of `word` (the line's bytes from `i`, those
    /// outside `valid` ignored). False when the tokenizer must stop here: `maxFields` reached, or a
    /// quote met (the fields before it are appended; the quote's field starts at `fieldStart`).
    @inline(__always)
    private func appendPlainFields(_ word: UInt64, at i: Int, _ raw: UnsafeRawPointer, _ fieldStart: inout Int,
                                   maxFields: Int, valid: UInt64 = ~0) -> Bool {
        let quoteBits = Self.matchBits(word, Self.broadcast(quote)) & valid
        var bits = Self.matchBits(word, Self.broadcast(delimiter)) & valid
        if quoteBits != 0 { bits &= quoteBits &- 1 }   // only the delimiters before the quote
        while bits != 0 {
            let end = i + bits.trailingZeroBitCount >> 3
            append(raw + fieldStart, end - fieldStart, false)
            if count >= maxFields { return false }
            fieldStart = end + 1
            bits &= bits &- 1
        }
        return quoteBits == 0
    }

    /// A byte repeated in every byte of a word.
    @inline(__always) static func broadcast(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    /// The high bit of every byte of `word` equal to the byte `pattern` repeats, and no other bit
    /// (exact for every byte: no borrow runs from one byte into the next).
    @inline(__always) static func matchBits(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = word ^ pattern
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// The whole line byte by byte (what ``tokenize(_:maxFields:)`` must agree with; tests).
    func tokenizeBytewise(_ line: UnsafeRawBufferPointer) {
        count = 0
        lineStart = line.baseAddress
        guard line.count > 0, let raw = line.baseAddress else {
            append(line.baseAddress, 0, false)
            return
        }
        tokenizeQuoting(raw, line.count, from: 0, maxFields: .max)
    }

    /// The fields from `start` (a field start) to the end of the line, byte by byte, with quotes.
    private func tokenizeQuoting(_ raw: UnsafeRawPointer, _ n: Int, from start: Int, maxFields: Int) {
        let p = raw.assumingMemoryBound(to: UInt8.self)
        let delimiter = self.delimiter, quote = self.quote
        // Before any field of this record points into scratch (earlier ones point into the line).
        if n > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = max(n, scratchCapacity * 2)
            scratch = .allocate(byteCount: scratchCapacity, alignment: 16)
        }
        var out = 0      // write position in scratch (unescaped quoted fields)
        var i = start
        while true {
            let fieldStart = i
            if i < n && p[i] == quote {
                i = quotedField(p, n, fieldStart, &out)
            } else {
                while i < n && p[i] != delimiter { i += 1 }
                append(raw + fieldStart, i - fieldStart, false)
            }
            // Here i == n or p[i] is the delimiter.
            if i >= n || count >= maxFields { return }
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
