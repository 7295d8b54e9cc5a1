// CSVBlockSplitter: finds the lines and the fields of many CSV lines in one pass over the reader's
// buffer, 64 bytes at a time (SIMD compares give one bit per delimiter, newline or quote byte),
// instead of a memchr per line and then a second pass over each line for its fields.

@_spi(EmberInternal) import Planner

/// Splits a run of whole lines (see ``LineReader/nextLines()``) into lines and, for lines without
/// a quote, their fields, in one pass.
///
///     bytes:   2026-01-01,42,US\n2026-01-02,7,"a,b"\n …
///     bits:              ^  ^  ^          ^ ^^   ^^       one per delimiter / newline / quote
///
/// Each 64-byte block yields one 64-bit mask; the splitter walks its set bits in order: a
/// delimiter ends a field, a newline ends the line (one `\r` before it is dropped, as
/// ``LineReader`` does), a quote marks the line as needing the quote rules. A line with a quote
/// is handed over untokenized, and the caller splits it with ``CSVTokenizer/tokenize(_:maxFields:)``
/// (quotes are rare; a line's end is its newline whatever the quotes, since records are one line
/// each, Spark's `multiLine=false`). Lines come out exactly as ``LineReader/next()`` gives them,
/// and the fields of a quote-free line exactly as the tokenizer splits it.
///
/// Usable when neither the delimiter nor the quote is `\n` or `\r` and they differ
/// (``supports(_:)``); otherwise the scanner uses the line-by-line path.
struct CSVBlockSplitter {
    let delimiter: UInt8
    let quote: UInt8

    init(options: CSVOptions) {
        delimiter = options.delimiter
        quote = options.quote
    }

    static func supports(_ options: CSVOptions) -> Bool {
        let special: Set<UInt8> = [0x0A, 0x0D]
        return !special.contains(options.delimiter) && !special.contains(options.quote) && options.delimiter != options.quote
    }

    /// Walks one run of whole lines (see ``LineReader/nextLines()``; the last may lack its `\n`).
    struct Cursor {
        let base: UnsafeRawPointer
        let n: Int
        fileprivate var lineStart = 0, fieldStart = 0
        fileprivate var hasQuote = false
        /// The unvisited bits of the block at `blockStart` (the first block is loaded on the
        /// first call).
        fileprivate var mask: UInt64 = 0
        fileprivate var blockStart = -64
        fileprivate var done = false

        init(_ run: UnsafeRawBufferPointer) {
            base = run.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
            n = run.count
            done = n == 0
        }
    }

    /// The next line of the cursor's run (without `\n` and a trailing `\r`), its start within
    /// the run, and whether `tokenizer` holds its fields (at most `maxFields`; false when the
    /// line has a quote); nil at the end of the run.
    @inline(__always)
    func next(_ c: inout Cursor, _ tokenizer: CSVTokenizer, maxFields: Int) -> (line: UnsafeRawBufferPointer, start: Int, tokenized: Bool)? {
        if c.done { return nil }
        let base = c.base, n = c.n
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        tokenizer.beginRecord(at: base + c.lineStart)   // each call starts at a line start
        while true {
            while c.mask != 0 {
                let p = c.blockStart &+ c.mask.trailingZeroBitCount
                c.mask &= c.mask &- 1
                let byte = bytes[p]
                if byte == delimiter {
                    if tokenizer.count < maxFields { tokenizer.appendPlain(base + c.fieldStart, p &- c.fieldStart) }
                    c.fieldStart = p &+ 1
                } else if byte == 0x0A {
                    let stop = p > c.lineStart && bytes[p - 1] == 0x0D ? p - 1 : p
                    return c.endLine(stop, next: p &+ 1, tokenizer, maxFields: maxFields)
                } else {
                    c.hasQuote = true
                }
            }
            c.blockStart &+= 64
            if c.blockStart >= n { break }
            c.mask = load(base + c.blockStart, min(64, n - c.blockStart))
        }
        c.done = true
        guard c.lineStart < n else { return nil }
        // The file's last line, without `\n`.
        let stop = bytes[n - 1] == 0x0D ? n - 1 : n
        return c.endLine(stop, next: n, tokenizer, maxFields: maxFields)
    }

    /// The mask of the `count` (≤ 64) bytes at `p`; a partial block is copied, zero-padded, so no
    /// load reads past the run.
    @inline(__always)
    private func load(_ p: UnsafeRawPointer, _ count: Int) -> UInt64 {
        let d = SIMD16<UInt8>(repeating: delimiter), q = SIMD16<UInt8>(repeating: quote), nl = SIMD16<UInt8>(repeating: 0x0A)
        if count == 64 { return Self.bits64(p, d, q, nl) }
        var tail = (SIMD16<UInt8>(), SIMD16<UInt8>(), SIMD16<UInt8>(), SIMD16<UInt8>())
        return withUnsafeMutableBytes(of: &tail) { t in
            t.baseAddress!.copyMemory(from: p, byteCount: count)
            return Self.bits64(UnsafeRawPointer(t.baseAddress!), d, q, nl) & ((1 << UInt64(count)) &- 1)
        }
    }

    @inline(__always)
    private static func bits64(_ p: UnsafeRawPointer, _ d: SIMD16<UInt8>, _ q: SIMD16<UInt8>, _ nl: SIMD16<UInt8>) -> UInt64 {
        bits(p.loadUnaligned(as: SIMD16<UInt8>.self), d, q, nl)
            | bits(p.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self), d, q, nl) &<< 16
            | bits(p.loadUnaligned(fromByteOffset: 32, as: SIMD16<UInt8>.self), d, q, nl) &<< 32
            | bits(p.loadUnaligned(fromByteOffset: 48, as: SIMD16<UInt8>.self), d, q, nl) &<< 48
    }

    /// One bit per byte of `v` equal to the delimiter, the quote or `\n` (bit k = byte k): the
    /// compares' high bits gathered by a multiply (no movemask instruction in Swift's SIMD).
    @inline(__always)
    static func bits(_ v: SIMD16<UInt8>, _ d: SIMD16<UInt8>, _ q: SIMD16<UInt8>, _ nl: SIMD16<UInt8>) -> UInt64 {
        let m = (v .== d) .| (v .== q) .| (v .== nl)
        let x = unsafeBitCast(m, to: SIMD2<UInt64>.self)
        let highBits: UInt64 = 0x8080_8080_8080_8080, gather: UInt64 = 0x0002_0408_1020_4081
        let low = ((x[0] & highBits) &* gather) &>> 56
        let high = ((x[1] & highBits) &* gather) &>> 56
        return low | high &<< 8
    }
}

extension CSVBlockSplitter.Cursor {
    /// Ends the line `lineStart ..< stop` (its last field too, if the line is tokenized) and
    /// moves to the line starting at `next`.
    @inline(__always)
    fileprivate mutating func endLine(_ stop: Int, next: Int, _ tokenizer: CSVTokenizer, maxFields: Int)
        -> (line: UnsafeRawBufferPointer, start: Int, tokenized: Bool) {
        let tokenized = !hasQuote
        if tokenized && tokenizer.count < maxFields { tokenizer.appendPlain(base + fieldStart, stop &- fieldStart) }
        let line = (UnsafeRawBufferPointer(start: base + lineStart, count: stop &- lineStart), lineStart, tokenized)
        lineStart = next
        fieldStart = next
        hasQuote = false
        return line
    }
}
