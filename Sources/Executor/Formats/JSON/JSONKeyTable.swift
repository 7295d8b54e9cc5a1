// JSONKeyTable: field name bytes → a small integer (a column, or an interned field during
// inference), without a String or an Array per lookup, and a guess by position that skips the
// hash when lines repeat their keys in the same order (the usual case).

/// An open-addressing hash table from byte strings to `Int32` values (FNV-1a, linear probing).
/// Keys are stored once in one byte buffer. Owned by one task; not shared.
struct JSONKeyTable {
    private var keyBytes: [UInt8] = []
    /// Per entry: start and end in `keyBytes`, and the value.
    private var starts: [Int] = []
    private var ends: [Int] = []
    private(set) var values: [Int32] = []
    /// Slot → entry index + 1 (0 = empty).
    private var slots: [Int32] = Array(repeating: 0, count: 16)
    /// Per key position in a line: the entry the key at that position had last time (-1: none).
    private var guesses: [Int32] = []

    var count: Int { values.count }

    /// The key of entry `i`.
    func key(_ i: Int) -> ArraySlice<UInt8> { keyBytes[starts[i]..<ends[i]] }

    @inline(__always) private static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h ^ (h >> 29)
    }

    @inline(__always) private func equals(_ entry: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let s = starts[entry], n = ends[entry] - s
        guard n == key.count else { return false }
        return keyBytes.withUnsafeBytes { stored in
            guard n > 0, let a = stored.baseAddress, let b = key.baseAddress else { return true }
            return memcmp(a + s, b, n) == 0
        }
    }

    /// The entry index of `key`, or nil.
    @inline(__always) func find(_ key: UnsafeRawBufferPointer) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: Self.hash(key)) & mask
        while true {
            let e = Int(slots[slot])
            if e == 0 { return nil }
            if equals(e - 1, key) { return e - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// Adds `key` with `value` (the key must not be present); returns its entry index.
    @discardableResult
    mutating func insert(_ key: UnsafeRawBufferPointer, value: Int32) -> Int {
        if (values.count + 1) * 2 > slots.count { rehash(slots.count * 2) }
        let entry = values.count
        starts.append(keyBytes.count)
        keyBytes.append(contentsOf: key)
        ends.append(keyBytes.count)
        values.append(value)
        place(entry, hash: Self.hash(key))
        return entry
    }

    private mutating func place(_ entry: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry + 1)
    }

    private mutating func rehash(_ size: Int) {
        slots = Array(repeating: 0, count: size)
        for e in 0..<values.count {
            let h = keyBytes.withUnsafeBytes { Self.hash(UnsafeRawBufferPointer(rebasing: $0[starts[e]..<ends[e]])) }
            place(e, hash: h)
        }
    }

    /// The entry of the key at position `ordinal` of a line's object: first the entry that key
    /// position had last time, else the hash table (and the guess is updated).
    @inline(__always) mutating func lookup(_ key: UnsafeRawBufferPointer, ordinal: Int) -> Int? {
        if ordinal < guesses.count {
            let guess = Int(guesses[ordinal])
            if guess >= 0 && equals(guess, key) { return guess }
        } else if ordinal < 4096 {
            guesses.append(contentsOf: repeatElement(-1, count: ordinal + 1 - guesses.count))
        }
        let found = find(key)
        if ordinal < guesses.count { guesses[ordinal] = Int32(found ?? -1) }
        return found
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
