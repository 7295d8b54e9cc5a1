// Bitmap: a packed validity bitmap (bit set = value present), 64 rows per word.

package struct Bitmap: Sendable, Equatable {
    package var words: [UInt64]
    package var count: Int

    /// A bitmap of `count` bits, all set (`true`) or all clear.
    package init(count: Int, value: Bool) {
        self.count = count
        let n = (count + 63) >> 6
        words = [UInt64](repeating: value ? ~0 : 0, count: n)
        if value, count & 63 != 0, n > 0 { words[n - 1] = (1 << UInt64(count & 63)) - 1 }
    }

    package init(words: [UInt64], count: Int) {
        self.words = words
        self.count = count
    }

    @inlinable package subscript(i: Int) -> Bool {
        get { (words[i >> 6] >> UInt64(i & 63)) & 1 == 1 }
        set {
            if newValue { words[i >> 6] |= (1 << UInt64(i & 63)) } else { words[i >> 6] &= ~(1 << UInt64(i & 63)) }
        }
    }

    package mutating func append(_ bit: Bool) {
        if count & 63 == 0 { words.append(0) }
        if bit { words[count >> 6] |= (1 << UInt64(count & 63)) }
        count += 1
    }

    package mutating func reserveCapacity(_ n: Int) { words.reserveCapacity((n + 63) >> 6) }

    /// Number of set bits.
    package var nonzeroBitCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Calls `body` with the index of every clear bit (every null row), in order, a word at a time.
    @inlinable package func forEachClearBit(_ body: (Int) -> Void) {
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
    package var allSet: Bool { nonzeroBitCount == count }
}
