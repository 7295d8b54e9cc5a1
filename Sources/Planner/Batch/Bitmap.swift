// Bitmap: a packed validity bitmap (bit set = value present), 64 rows per word.

@_spi(EmberInternal) public struct Bitmap: Sendable, Equatable {
    @_spi(EmberInternal) public var words: [UInt64]
    @_spi(EmberInternal) public var count: Int

    /// A bitmap of `count` bits, all set (`true`) or all clear.
    @_spi(EmberInternal) public init(count: Int, value: Bool) {
        self.count = count
        let n = (count + 63) >> 6
        words = [UInt64](repeating: value ? ~0 : 0, count: n)
        if value, count & 63 != 0, n > 0 { words[n - 1] = (1 << UInt64(count & 63)) - 1 }
    }

    @_spi(EmberInternal) public init(words: [UInt64], count: Int) {
        self.words = words
        self.count = count
    }

    @inlinable @_spi(EmberInternal) public subscript(i: Int) -> Bool {
        get { (words[i >> 6] >> UInt64(i & 63)) & 1 == 1 }
        set {
            if newValue { words[i >> 6] |= (1 << UInt64(i & 63)) } else { words[i >> 6] &= ~(1 << UInt64(i & 63)) }
        }
    }

    @_spi(EmberInternal) public mutating func append(_ bit: Bool) {
        if count & 63 == 0 { words.append(0) }
        if bit { words[count >> 6] |= (1 << UInt64(count & 63)) }
        count += 1
    }

    @_spi(EmberInternal) public mutating func reserveCapacity(_ n: Int) { words.reserveCapacity((n + 63) >> 6) }

    /// Number of set bits.
    @_spi(EmberInternal) public var nonzeroBitCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Calls `body` with the index of every clear bit (every null row), in order, a word at a time.
    @inlinable @_spi(EmberInternal) public func forEachClearBit(_ body: (Int) -> Void) {
        for (w, word) in words.enumerated() where word != ~0 {
            var clear = ~word
            while clear != 0 {
                let i = w << 6 | clear.trailingZeroBitCount
                if i >= count { return }
                body(i)
                clear &= clear - 1
            }
        }
    }

    /// True when every bit is set.
    @_spi(EmberInternal) public var allSet: Bool { nonzeroBitCount == count }
}
