// DeltaBinaryPackedDecoder: Parquet's DELTA_BINARY_PACKED (INT32/INT64 values, and the lengths
// inside DELTA_LENGTH_BYTE_ARRAY / DELTA_BYTE_ARRAY).
//
//   header:  <block size> <miniblocks per block> <total value count> <first value, zigzag>
//   block:   <min delta, zigzag> <one bit-width byte per miniblock> <miniblock 0> <miniblock 1> …
//   miniblock: (block size / miniblocks) values of (delta − min delta), bit-packed LSB first
//
// The last block may stop early: its unneeded miniblocks have a width byte but no bytes. Values
// are rebuilt with wrap-around 64-bit arithmetic, whose low 32 bits are the INT32 values. The
// decoder is resumable (`decode` hands out the next n values) and can skip to the stream's end
// (`skipToEnd`) to find the bytes that follow it.

struct DeltaBinaryPackedDecoder {
    private(set) var cursor: ByteCursor
    private let valuesPerMiniblock: Int
    private let miniblocksPerBlock: Int
    /// Values not handed out yet, the first value included.
    private(set) var remaining: Int
    private var firstPending = true
    private var last: Int64
    private var minDelta: Int64 = 0
    private var widths: [UInt8]
    private var miniblock = 0            // index of the current miniblock in its block
    private var miniblockLeft = 0        // values left in it
    private var miniblockIndex = 0       // next value index in it
    private var miniblockData: UnsafeRawPointer? = nil
    private var miniblockBytes = 0
    private var width = 0

    /// The largest block accepted (writers use 128 values).
    static let maximumBlockSize = 1 << 16

    init(_ cursor: ByteCursor) throws {
        var c = cursor
        let blockSize = try c.readCount("delta block size", limit: Self.maximumBlockSize)
        let miniblocks = try c.readCount("delta miniblock count", limit: Self.maximumBlockSize)
        guard blockSize > 0, blockSize % 128 == 0, miniblocks > 0, blockSize % miniblocks == 0,
              (blockSize / miniblocks) % 32 == 0 else {
            throw parquetCorrupt("delta block of \(blockSize) values in \(miniblocks) miniblocks")
        }
        remaining = try c.readCount("delta value count", limit: Int(Int32.max))
        last = try c.readZigzag()
        valuesPerMiniblock = blockSize / miniblocks
        miniblocksPerBlock = miniblocks
        widths = [UInt8](repeating: 0, count: miniblocks)
        miniblock = miniblocks   // no block read yet
        self.cursor = c
    }

    private mutating func nextMiniblock() throws {
        miniblock += 1
        if miniblock >= miniblocksPerBlock {
            minDelta = try cursor.readZigzag()
            let p = try cursor.take(miniblocksPerBlock, "delta miniblock widths")
            for i in 0..<miniblocksPerBlock { widths[i] = p.load(fromByteOffset: i, as: UInt8.self) }
            miniblock = 0
        }
        width = Int(widths[miniblock])
        guard width <= 64 else { throw parquetCorrupt("delta miniblock bit width \(width)") }
        let full = valuesPerMiniblock * width / 8
        let bytes = min(full, cursor.remaining)
        let values = bytes == full ? valuesPerMiniblock : bytes * 8 / width
        guard values > 0 else { throw parquetCorrupt("delta miniblock past the end of the page") }
        miniblockData = try cursor.take(bytes, "a delta miniblock")
        miniblockBytes = bytes
        miniblockLeft = values
        miniblockIndex = 0
    }

    /// The next `n` values into `out` (nil: skipped).
    mutating func decode(into out: UnsafeMutablePointer<Int64>?, count n: Int) throws {
        guard n <= remaining else {
            throw parquetCorrupt("delta stream holds \(remaining) more values, \(n) were needed")
        }
        var done = 0
        if n > 0 && firstPending {
            out?[0] = last
            firstPending = false
            done = 1
        }
        while done < n {
            if miniblockLeft == 0 { try nextMiniblock() }
            let take = min(miniblockLeft, n - done)
            if let out, let data = miniblockData {
                var bit = miniblockIndex * width
                var value = last
                for i in 0..<take {
                    let delta = BitUnpacking.value(data, byteCount: miniblockBytes, bitOffset: bit, width: width)
                    value = value &+ minDelta &+ Int64(bitPattern: delta)
                    out[done + i] = value
                    bit += width
                }
                last = value
            }
            miniblockIndex += take
            miniblockLeft -= take
            done += take
        }
        remaining -= n
    }

    /// Consumes every value left, leaving the cursor at the first byte after the stream.
    mutating func skipToEnd() throws {
        try decode(into: nil, count: remaining)
    }

    /// The next `n` values as Int32 (the low 32 bits), through `scratch`.
    mutating func decode32(into out: UnsafeMutablePointer<Int32>, count n: Int, scratch: inout [Int64]) throws {
        if scratch.count < n { scratch = [Int64](repeating: 0, count: n) }
        try scratch.withUnsafeMutableBufferPointer { s in
            guard let base = s.baseAddress else { return }
            try decode(into: base, count: n)
            for i in 0..<n { out[i] = Int32(truncatingIfNeeded: base[i]) }
        }
    }
}
