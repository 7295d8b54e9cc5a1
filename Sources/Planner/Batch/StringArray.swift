// StringArray: variable-length UTF-8 strings as one byte buffer plus (count + 1) Int32 offsets.
//
//   offsets: 0 | end of s0 | end of s1 | … | bytes.count
//   bytes:   s0 bytes | s1 bytes | …
//
// String i occupies bytes[offsets[i] ..< offsets[i + 1]]. No Swift String is created per value
// unless a caller asks for one.

@_spi(EmberInternal) public struct StringArray: Sendable, Equatable {
    @_spi(EmberInternal) public var offsets: [Int32]
    @_spi(EmberInternal) public var bytes: [UInt8]

    @_spi(EmberInternal) public init() {
        offsets = [0]
        bytes = []
    }

    @_spi(EmberInternal) public init(offsets: [Int32], bytes: [UInt8]) {
        self.offsets = offsets
        self.bytes = bytes
    }

    @_spi(EmberInternal) public init<S: Sequence>(_ strings: S) where S.Element == String {
        self.init()
        for s in strings { append(s) }
    }

    @_spi(EmberInternal) public var count: Int { offsets.count - 1 }

    @_spi(EmberInternal) public mutating func reserveCapacity(count: Int, bytes byteCount: Int) {
        offsets.reserveCapacity(count + 1)
        bytes.reserveCapacity(byteCount)
    }

    @inlinable @_spi(EmberInternal) public mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
        offsets.append(Int32(bytes.count))
    }

    @inlinable @_spi(EmberInternal) public mutating func append(bytes src: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: src)
        offsets.append(Int32(bytes.count))
    }

    @inlinable @_spi(EmberInternal) public mutating func append<C: Collection>(utf8 src: C) where C.Element == UInt8 {
        bytes.append(contentsOf: src)
        offsets.append(Int32(bytes.count))
    }

    /// Appends an empty value (used for null slots).
    @inlinable @_spi(EmberInternal) public mutating func appendEmpty() { offsets.append(Int32(bytes.count)) }

    /// Appends value `i` of another array.
    @inlinable @_spi(EmberInternal) public mutating func append(from other: StringArray, at i: Int) {
        let s = Int(other.offsets[i]), e = Int(other.offsets[i + 1])
        bytes.append(contentsOf: other.bytes[s..<e])
        offsets.append(Int32(bytes.count))
    }

    @inlinable @_spi(EmberInternal) public func length(at i: Int) -> Int { Int(offsets[i + 1] - offsets[i]) }

    @_spi(EmberInternal) public subscript(i: Int) -> String {
        let s = Int(offsets[i]), e = Int(offsets[i + 1])
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[s..<e]), as: UTF8.self) }
    }

    /// Calls `body` with the raw bytes of value `i`.
    @inlinable @_spi(EmberInternal) public func withBytes<R>(at i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let s = Int(offsets[i]), e = Int(offsets[i + 1])
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[s..<e])) }
    }

    /// Byte-wise comparison of value i with value j of `other` (UTF-8 order = code point order, as Spark).
    @_spi(EmberInternal) public func compare(_ i: Int, _ other: StringArray, _ j: Int) -> Int {
        let a0 = Int(offsets[i]), a1 = Int(offsets[i + 1])
        let b0 = Int(other.offsets[j]), b1 = Int(other.offsets[j + 1])
        return bytes.withUnsafeBufferPointer { a in
            other.bytes.withUnsafeBufferPointer { b in
                let n = min(a1 - a0, b1 - b0)
                var k = 0
                while k < n {
                    let x = a[a0 + k], y = b[b0 + k]
                    if x != y { return x < y ? -1 : 1 }
                    k += 1
                }
                return (a1 - a0) - (b1 - b0) < 0 ? -1 : ((a1 - a0) == (b1 - b0) ? 0 : 1)
            }
        }
    }

    /// Equality of value i with value j of `other`.
    @inlinable @_spi(EmberInternal) public func equals(_ i: Int, _ other: StringArray, _ j: Int) -> Bool {
        let a0 = Int(offsets[i]), a1 = Int(offsets[i + 1])
        let b0 = Int(other.offsets[j]), b1 = Int(other.offsets[j + 1])
        if a1 - a0 != b1 - b0 { return false }
        return bytes[a0..<a1].elementsEqual(other.bytes[b0..<b1])
    }
}
