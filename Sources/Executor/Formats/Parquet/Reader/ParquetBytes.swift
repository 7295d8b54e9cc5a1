// ParquetBytes: the raw memory the Parquet reader decodes from. A `ParquetBuffer` owns bytes read
// from a file or decompressed from a page; a `ByteCursor` walks a range of them with every read
// checked against the range's end, so a length or count taken from a corrupt file is an error,
// never an out-of-bounds read.

@_spi(EmberInternal) import Planner

/// Bytes owned by one column chunk or one decompressed page, freed with the last reference. A
/// column's page buffer is reused for its next page when it is large enough (fresh memory costs
/// page faults on every page).
final class ParquetBuffer: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    let capacity: Int
    /// Bytes in use (at most `capacity`).
    fileprivate(set) var count: Int

    init(count: Int) {
        self.count = count
        capacity = count
        pointer = .allocate(byteCount: max(count, 1), alignment: 16)
    }

    /// `reusable` holding `count` bytes when it is large enough, else a new buffer.
    static func make(count: Int, reusing reusable: ParquetBuffer?) -> ParquetBuffer {
        guard let reusable, reusable.capacity >= count else { return ParquetBuffer(count: count) }
        reusable.count = count
        return reusable
    }

    deinit { pointer.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: pointer, count: count) }

    /// A cursor over `range` of the buffer (the buffer must outlive it: its owner keeps both).
    func cursor(_ range: Range<Int>) -> ByteCursor {
        ByteCursor(base: UnsafeRawPointer(pointer), start: range.lowerBound, end: range.upperBound)
    }
}

/// A decoding error inside a page: the message only; the column reader adds file, row group,
/// column and page.
func parquetCorrupt(_ message: String) -> EmberError {
    EmberError(.input, "corrupt Parquet data: \(message)",
               hint: "The file is damaged or was written incorrectly; rewrite it or leave it out of the read.")
}

/// A read position in `[position, end)` of memory that its owner keeps alive.
struct ByteCursor {
    let base: UnsafeRawPointer
    var position: Int
    let end: Int

    init(base: UnsafeRawPointer, start: Int, end: Int) {
        self.base = base
        self.position = start
        self.end = end
    }

    var remaining: Int { end - position }

    /// The address of the next byte.
    var current: UnsafeRawPointer { base + position }

    @inline(__always) mutating func readByte() throws -> UInt8 {
        guard position < end else { throw parquetCorrupt("unexpected end of a page") }
        let b = base.load(fromByteOffset: position, as: UInt8.self)
        position += 1
        return b
    }

    /// An unsigned LEB128 varint.
    mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try readByte()
            if shift == 63 && b > 1 { throw parquetCorrupt("varint overflows 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw parquetCorrupt("varint longer than 10 bytes") }
        }
    }

    /// A zigzag-encoded signed varint.
    mutating func readZigzag() throws -> Int64 {
        let n = try readVarint()
        return Int64(bitPattern: (n >> 1) ^ (0 &- (n & 1)))
    }

    /// A varint that must fit in a non-negative Int no larger than `limit`.
    mutating func readCount(_ what: String, limit: Int) throws -> Int {
        let v = try readVarint()
        guard v <= UInt64(limit) else { throw parquetCorrupt("\(what) \(v) exceeds \(limit)") }
        return Int(v)
    }

    mutating func readUInt32LE() throws -> UInt32 {
        guard remaining >= 4 else { throw parquetCorrupt("unexpected end of a page") }
        let v = base.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        position += 4
        return UInt32(littleEndian: v)
    }

    /// Skips `n` bytes, returning the address of the first.
    mutating func take(_ n: Int, _ what: @autoclosure () -> String) throws -> UnsafeRawPointer {
        guard n >= 0, n <= remaining else {
            throw parquetCorrupt("\(what()) of \(n) bytes exceeds the \(remaining) bytes left in the page")
        }
        let p = base + position
        position += n
        return p
    }

    /// A cursor over the next `n` bytes, which this one skips.
    mutating func split(_ n: Int, _ what: @autoclosure () -> String) throws -> ByteCursor {
        let start = position
        _ = try take(n, what())
        return ByteCursor(base: base, start: start, end: start + n)
    }
}
