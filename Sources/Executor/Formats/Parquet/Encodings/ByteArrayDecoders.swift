// ByteArrayDecoders: the two DELTA encodings of byte arrays.
//
//   DELTA_LENGTH_BYTE_ARRAY:  <lengths as DELTA_BINARY_PACKED> <all value bytes, concatenated>
//   DELTA_BYTE_ARRAY:         <prefix lengths as DELTA_BINARY_PACKED> <suffixes as DELTA_LENGTH_BYTE_ARRAY>
//                             value i = first prefix[i] bytes of value i−1, then suffix i
//
// Both are resumable and append the values they decode to a StringArray (offsets + bytes).

@_spi(EmberInternal) import Planner

struct DeltaLengthByteArrayDecoder {
    private var lengths: DeltaBinaryPackedDecoder
    private var data: ByteCursor

    init(_ cursor: ByteCursor) throws {
        lengths = try DeltaBinaryPackedDecoder(cursor)
        var probe = lengths
        try probe.skipToEnd()
        data = ByteCursor(base: cursor.base, start: probe.cursor.position, end: cursor.end)
    }

    /// The cursor just past the value bytes handed out so far.
    var dataCursor: ByteCursor { data }

    /// The bytes of the values not handed out yet.
    var remainingBytes: Int { data.remaining }

    /// Reads the next `n` lengths into `scratch`, checking each.
    private mutating func nextLengths(_ n: Int, _ scratch: inout [Int64]) throws {
        if scratch.count < n { scratch = [Int64](repeating: 0, count: n) }
        try scratch.withUnsafeMutableBufferPointer { s in
            guard let base = s.baseAddress else { return }
            try lengths.decode(into: base, count: n)
            for i in 0..<n where base[i] < 0 || base[i] > Int64(Int32.max) {
                throw parquetCorrupt("byte array length \(base[i])")
            }
        }
    }

    mutating func decode(count n: Int, into out: inout StringArray, scratch: inout [Int64]) throws {
        guard n > 0 else { return }
        try nextLengths(n, &scratch)
        var total = 0
        for i in 0..<n { total += Int(scratch[i]) }
        let p = try data.take(total, "byte array values")
        out.bytes.append(contentsOf: UnsafeRawBufferPointer(start: p, count: total))
        var end = Int(out.offsets[out.offsets.count - 1])
        guard end + total <= Int(Int32.max) else { throw parquetCorrupt("string values exceed 2 GiB in one batch") }
        for i in 0..<n {
            end += Int(scratch[i])
            out.offsets.append(Int32(end))
        }
    }

    /// The next `n` values one at a time (DELTA_BYTE_ARRAY's suffixes).
    mutating func forEach(count n: Int, scratch: inout [Int64], _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard n > 0 else { return }
        try nextLengths(n, &scratch)
        for i in 0..<n {
            let length = Int(scratch[i])
            let p = try data.take(length, "a byte array value")
            try body(UnsafeRawBufferPointer(start: p, count: length))
        }
    }
}

struct DeltaByteArrayDecoder {
    private var prefixes: DeltaBinaryPackedDecoder
    private var suffixes: DeltaLengthByteArrayDecoder
    private var previous: [UInt8] = []
    private var prefixScratch: [Int64] = []

    init(_ cursor: ByteCursor) throws {
        prefixes = try DeltaBinaryPackedDecoder(cursor)
        var probe = prefixes
        try probe.skipToEnd()
        suffixes = try DeltaLengthByteArrayDecoder(ByteCursor(base: cursor.base, start: probe.cursor.position, end: cursor.end))
    }

    /// A bound on the length of each value not decoded yet: value i is at most value i−1 plus its
    /// suffix, so none is longer than the last one and all the suffixes left.
    var valueLengthBound: Int { previous.count + suffixes.remainingBytes }

    mutating func decode(count n: Int, into out: inout StringArray, scratch: inout [Int64]) throws {
        guard n > 0 else { return }
        if prefixScratch.count < n { prefixScratch = [Int64](repeating: 0, count: n) }
        try prefixScratch.withUnsafeMutableBufferPointer { s in
            guard let base = s.baseAddress else { return }
            try prefixes.decode(into: base, count: n)
        }
        var i = 0
        try suffixes.forEach(count: n, scratch: &scratch) { suffix in
            let prefix = prefixScratch[i]
            guard prefix >= 0, prefix <= Int64(previous.count) else {
                throw parquetCorrupt("prefix length \(prefix) longer than the previous value (\(previous.count) bytes)")
            }
            previous.removeSubrange(Int(prefix)...)
            previous.append(contentsOf: suffix)
            guard out.bytes.count + previous.count <= Int(Int32.max) else {
                throw parquetCorrupt("string values exceed 2 GiB in one batch")
            }
            out.append(utf8: previous)
            i += 1
        }
    }
}
