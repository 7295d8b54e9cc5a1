// RLEHybridDecoder: Parquet's RLE / bit-packing hybrid (definition levels, dictionary ids, RLE
// booleans). The stream is a sequence of runs, each opened by a ULEB128 header:
//
//   header & 1 == 0   RLE run:         count = header >> 1, then one value in ceil(w / 8) bytes LE
//   header & 1 == 1   bit-packed run:  groups = header >> 1, then groups · w bytes holding
//                                      groups · 8 values of w bits, LSB first
//
// The decoder is resumable: `decode` hands out the next n values, runs spanning calls. A
// bit-packed run whose bytes the stream does not hold is cut to the values its bytes do hold (some
// writers do not pad the last group); asking for more values than the stream holds is an error.

struct RLEHybridDecoder {
    private var cursor: ByteCursor
    let bitWidth: Int
    /// Values left in the current run.
    private var runRemaining = 0
    private var isRLE = true
    private var rleValue: UInt32 = 0
    /// The current bit-packed run: its bytes and the index of its next value.
    private var packedData: UnsafeRawPointer? = nil
    private var packedBytes = 0
    private var packedIndex = 0

    init(_ cursor: ByteCursor, bitWidth: Int) throws {
        guard (0...32).contains(bitWidth) else { throw parquetCorrupt("RLE bit width \(bitWidth) is not in 0…32") }
        self.cursor = cursor
        self.bitWidth = bitWidth
    }

    /// Whether the stream has no more runs and the current run is spent.
    var isExhausted: Bool { runRemaining == 0 && cursor.remaining == 0 }

    private mutating func startRun() throws {
        guard cursor.remaining > 0 else { throw parquetCorrupt("RLE stream ended before all its values were read") }
        let header = try cursor.readVarint()
        let count = header >> 1
        if header & 1 == 0 {
            guard count > 0 else { throw parquetCorrupt("RLE run of zero values") }
            guard count <= UInt64(Int32.max) else { throw parquetCorrupt("RLE run of \(count) values") }
            let valueBytes = (bitWidth + 7) / 8
            let p = try cursor.take(valueBytes, "an RLE run's value")
            var v: UInt32 = 0
            for i in 0..<valueBytes { v |= UInt32(p.load(fromByteOffset: i, as: UInt8.self)) << UInt32(8 * i) }
            isRLE = true
            rleValue = v
            runRemaining = Int(count)
        } else {
            guard count > 0, count <= UInt64(Int32.max / 8) else { throw parquetCorrupt("bit-packed run of \(count) groups") }
            var values = Int(count) * 8
            var bytes = Int(count) * bitWidth
            if bytes > cursor.remaining {
                bytes = cursor.remaining
                values = bitWidth == 0 ? values : bytes * 8 / bitWidth
                guard values > 0 else { throw parquetCorrupt("bit-packed run past the end of its stream") }
            }
            packedData = try cursor.take(bytes, "a bit-packed run")
            packedBytes = bytes
            packedIndex = 0
            isRLE = false
            runRemaining = values
        }
    }

    /// The next `n` values.
    mutating func decode(into out: UnsafeMutablePointer<UInt32>, count n: Int) throws {
        var done = 0
        while done < n {
            if runRemaining == 0 { try startRun() }
            let take = min(runRemaining, n - done)
            if isRLE {
                (out + done).update(repeating: rleValue, count: take)
            } else if let data = packedData {
                BitUnpacking.unpack32(data, byteCount: packedBytes, first: packedIndex, width: bitWidth, count: take, into: out + done)
                packedIndex += take
            }
            runRemaining -= take
            done += take
        }
    }

    /// Decodes the next `n` ids and writes `values[min(id, last)]` for each to `out`, in one pass
    /// with no id buffer. Returns the largest id seen: above `last`, the written values are
    /// garbage and the caller throws.
    mutating func gather<T>(_ n: Int, from values: UnsafePointer<T>, last: UInt32,
                            into out: UnsafeMutablePointer<T>) throws -> UInt32 {
        var done = 0
        var maxID: UInt32 = 0
        while done < n {
            if runRemaining == 0 { try startRun() }
            let take = min(runRemaining, n - done)
            if isRLE {
                maxID = max(maxID, rleValue)
                (out + done).update(repeating: values[Int(min(rleValue, last))], count: take)
            } else if let data = packedData {
                let m = BitUnpacking.gather32(data, byteCount: packedBytes, first: packedIndex, width: bitWidth,
                                              count: take, values: values, last: last, into: out + done)
                maxID = max(maxID, m)
                packedIndex += take
            }
            runRemaining -= take
            done += take
        }
        return maxID
    }

    /// Decodes `n` levels of a flat column (0 = null, 1 = present) into `levels`, returning how
    /// many are present. A level above `maxLevel` is an error.
    mutating func decodeLevels(into levels: UnsafeMutablePointer<UInt32>, count n: Int, maxLevel: UInt32) throws -> Int {
        try decode(into: levels, count: n)
        var present = 0
        var bad = false
        for i in 0..<n {
            let l = levels[i]
            bad = bad || l > maxLevel
            present &+= l == maxLevel ? 1 : 0
        }
        if bad { throw parquetCorrupt("a definition level above the column's maximum \(maxLevel)") }
        return present
    }
}
