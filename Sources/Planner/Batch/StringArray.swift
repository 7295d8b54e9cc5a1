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

    /// Appends the values of `source` at `indices`, in order: one pass sizes them, one copies
    /// them (no per-value array append). Returns false, having appended nothing, when the bytes
    /// would pass the Int32 offsets' 2 GiB. An index out of range traps, as a subscript does.
    @discardableResult
    @_spi(EmberInternal) public mutating func appendGathered(from source: StringArray, at indices: UnsafeBufferPointer<Int32>) -> Bool {
        appendGatheredValues(from: source, at: indices)
    }

    /// ``appendGathered(from:at:)`` for dictionary ids.
    @discardableResult
    @_spi(EmberInternal) public mutating func appendGathered(from source: StringArray, at indices: UnsafeBufferPointer<UInt32>) -> Bool {
        appendGatheredValues(from: source, at: indices)
    }

    /// Specialized here, in this module, for each index type above (a generic entry point called
    /// from another module would convert every index through protocol witnesses). The offsets and
    /// bytes grow in place (a fresh array when empty), each value copied once.
    @inline(__always) private mutating func appendGatheredValues<I: FixedWidthInteger>(from source: StringArray, at indices: UnsafeBufferPointer<I>) -> Bool {
        let n = indices.count, sourceCount = source.count
        guard n > 0 else { return true }
        let start = bytes.count, firstOffset = offsets.count
        offsets.append(contentsOf: repeatElement(0, count: n))
        let end = offsets.withUnsafeMutableBufferPointer { out in
            source.offsets.withUnsafeBufferPointer { o in
                var end = start
                for k in 0..<n {
                    let i = Int(indices[k])
                    precondition(i >= 0 && i < sourceCount, "gather: row index out of range")
                    end += Int(o[i &+ 1] &- o[i])
                    out[firstOffset + k] = Int32(truncatingIfNeeded: end)
                }
                return end
            }
        }
        guard end <= Int(Int32.max) else {
            offsets.removeLast(n)
            return false
        }
        let total = end - start
        func copyValues(to target: UnsafeMutablePointer<UInt8>?) {
            source.bytes.withUnsafeBufferPointer { src in
                source.offsets.withUnsafeBufferPointer { o in
                    guard let to = target, let from = src.baseAddress else { return }
                    var at = 0
                    for k in 0..<n {
                        let i = Int(indices[k])
                        let a = Int(o[i]), length = Int(o[i &+ 1]) &- a
                        Self.copy(to + at, from + a, length)
                        at &+= length
                    }
                }
            }
        }
        if bytes.isEmpty && bytes.capacity < total {
            bytes = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
                copyValues(to: out.baseAddress)
                initialized = total
            }
        } else {
            bytes.append(contentsOf: repeatElement(0, count: total))
            bytes.withUnsafeMutableBufferPointer { copyValues(to: $0.baseAddress.map { $0 + start }) }
        }
        return true
    }

    /// Copies a value's bytes; short ones byte by byte (cheaper than a call for the usual sizes).
    @inline(__always) static func copy(_ to: UnsafeMutablePointer<UInt8>, _ from: UnsafePointer<UInt8>, _ n: Int) {
        if n <= 16 {
            var j = 0
            while j < n { to[j] = from[j]; j &+= 1 }
        } else {
            UnsafeMutableRawPointer(to).copyMemory(from: from, byteCount: n)
        }
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
