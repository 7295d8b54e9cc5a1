// SingleKeySlots: the build side's buckets for the common join on one bigint, date or timestamp
// `=` key. Each distinct key owns one slot (open addressing, linear probing) holding the key next
// to the first row with it, and `next` chains the rows that share the key. A probe reads one slot
// (key and chain head in the same 16 bytes) instead of a bucket head, then the build key of every
// row on a shared chain, then its successor: one cache miss instead of three on large build sides,
// and the rows it walks all match.
//
//   slots[hash & mask, +1, +2 …] = (key, first row) ─► next[row] ─► row ─► … ─► -1

import CPrefetch

struct SingleKeySlots {
    struct Slot {
        var key: Int64
        var head: Int32
    }
    private(set) var slots: [Slot]
    let mask: UInt64

    /// Bytes the slots take for `rows` build rows.
    static func bytes(rows: Int) -> Int { JoinHashTable.bucketCount(rows) * MemoryLayout<Slot>.stride }

    /// Inserts the rows whose `insert(row)` is true, in reverse so each chain lists rows in input
    /// order; `next` gets each row's successor.
    init<T: BinaryInteger>(keys: UnsafeBufferPointer<T>, hashes: [UInt64], next: inout [Int32], insert: (Int) -> Bool) {
        let count = JoinHashTable.bucketCount(keys.count)
        mask = UInt64(count - 1)
        slots = [Slot](repeating: Slot(key: 0, head: -1), count: count)
        let mask = self.mask
        slots.withUnsafeMutableBufferPointer { s in
            next.withUnsafeMutableBufferPointer { next in
                for row in stride(from: keys.count - 1, through: 0, by: -1) {
                    // The slot of a row a few ahead (rows go backwards): its miss overlaps this insert.
                    if row >= JoinHashTable.prefetchDistance {
                        ember_prefetch(s.baseAddress! + Int(hashes[row - JoinHashTable.prefetchDistance] & mask))
                    }
                    guard insert(row) else { continue }
                    let key = Int64(keys[row])
                    var b = Int(hashes[row] & mask)
                    while true {
                        if s[b].head < 0 {
                            s[b] = Slot(key: key, head: Int32(row))
                            break
                        }
                        if s[b].key == key {
                            next[row] = s[b].head
                            s[b].head = Int32(row)
                            break
                        }
                        b = (b + 1) & Int(mask)
                    }
                }
            }
        }
    }

    /// The first build row whose key is `key` (-1: none); the rest follow through `next`.
    @inline(__always)
    func first(_ key: Int64, hash: UInt64) -> Int32 {
        slots.withUnsafeBufferPointer { s in Self.first(s, mask: mask, key, hash: hash) }
    }

    @inline(__always)
    static func first(_ s: UnsafeBufferPointer<Slot>, mask: UInt64, _ key: Int64, hash: UInt64) -> Int32 {
        var b = Int(hash & mask)
        while true {
            let slot = s[b]
            if slot.head < 0 || slot.key == key { return slot.head }
            b = (b + 1) & Int(mask)
        }
    }
}
