// Dictionary tables of the Parquet writer: value → dictionary id, ids assigned 0, 1, 2… in order of
// first appearance. Both kinds share one open-addressing slot array (linear probing over a power
// of two; slot = id + 1, 0 = empty; grown at half full). Fixed-width values are keyed by their bit
// pattern (so -0.0 and 0.0, and NaNs with different payloads, stay distinct and round-trip
// exactly); byte strings by their bytes, kept back to back in one buffer.

@_spi(EmberInternal) import Planner

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The slots of a dictionary's hash table: where each id lives, found by its hash.
struct DictionarySlots {
    private var slots: [UInt32]
    private var mask: Int

    init(capacity: Int) {
        let size = max(16, (capacity * 2).nextPowerOfTwo)
        slots = [UInt32](repeating: 0, count: size)
        mask = size - 1
    }

    /// The id whose hash is `hash` and that `matches`, or the empty slot where a new one goes.
    @inline(__always) func find(_ hash: UInt64, matches: (Int) -> Bool) -> (slot: Int, id: UInt32?) {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return (slot, nil) }
            if matches(Int(entry &- 1)) { return (slot, entry &- 1) }
            slot = (slot &+ 1) & mask
        }
    }

    /// Puts `id` (the `count`-th entry) in the empty `slot`; rebuilds twice as large at half full.
    @inline(__always) mutating func insert(_ id: UInt32, at slot: Int, count: Int, hashOf: (Int) -> UInt64) {
        slots[slot] = id &+ 1
        guard count * 2 > slots.count else { return }
        slots = [UInt32](repeating: 0, count: slots.count * 2)
        mask = slots.count - 1
        for existing in 0..<count {
            var s = Int(truncatingIfNeeded: hashOf(existing)) & mask
            while slots[s] != 0 { s = (s &+ 1) & mask }
            slots[s] = UInt32(existing + 1)
        }
    }

    mutating func removeAll() {
        for i in slots.indices { slots[i] = 0 }
    }
}

/// Dictionary of fixed-width values (INT32, INT64, DOUBLE), keyed by bit pattern.
struct FixedWidthDictionary<Value: ParquetFixedWidthValue>: PlainDictionary {
    /// The dictionary's values by id (as bit patterns widened to 64 bits).
    private(set) var keys: [UInt64] = []
    private var slots = DictionarySlots(capacity: 1024)

    var count: Int { keys.count }
    var plainSize: Int { keys.count * MemoryLayout<Value>.size }
    func plainSize(of id: Int) -> Int { MemoryLayout<Value>.size }
    func appendPlain(_ id: Int, to out: OutputBuffer) { out.appendPlain(Value(dictionaryKey: keys[id])) }

    /// The id of `key`, added if new.
    @inline(__always) mutating func id(of key: UInt64) -> UInt32 {
        let found = keys.withUnsafeBufferPointer { stored in
            slots.find(FixedSeedHash.mix64(key)) { stored[$0] == key }
        }
        if let id = found.id { return id }
        let id = UInt32(keys.count)
        keys.append(key)
        slots.insert(id, at: found.slot, count: keys.count) { [keys] in FixedSeedHash.mix64(keys[$0]) }
        return id
    }

    mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        slots.removeAll()
    }
}

/// Dictionary of byte strings (BYTE_ARRAY).
struct ByteArrayDictionary: PlainDictionary {
    /// Value id occupies bytes[offsets[id] ..< offsets[id + 1]].
    private(set) var values = StringArray()
    private var hashes: [UInt64] = []
    private var slots = DictionarySlots(capacity: 1024)
    static let seed: UInt64 = 0x7061_7271_7565_7431

    var count: Int { hashes.count }
    /// Bytes of the dictionary's PLAIN encoding (4-byte length + bytes per value).
    var plainSize: Int { values.bytes.count + 4 * count }
    func plainSize(of id: Int) -> Int { 4 + values.length(at: id) }
    func appendPlain(_ id: Int, to out: OutputBuffer) {
        let start = Int(values.offsets[id]), end = Int(values.offsets[id + 1])
        out.appendLittleEndian(UInt32(end - start))
        values.bytes.withUnsafeBytes { out.append(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// The id of `bytes`, added if new.
    @inline(__always) mutating func id(of bytes: UnsafeRawBufferPointer) -> UInt32 {
        let hash = FixedSeedHash.hash(bytes: bytes, seed: Self.seed)
        let found = hashes.withUnsafeBufferPointer { h in
            values.offsets.withUnsafeBufferPointer { offsets in
                values.bytes.withUnsafeBytes { stored in
                    slots.find(hash) { id in
                        guard h[id] == hash else { return false }
                        let start = Int(offsets[id]), length = Int(offsets[id + 1]) - start
                        guard length == bytes.count else { return false }
                        guard length > 0, let a = stored.baseAddress, let b = bytes.baseAddress else { return true }
                        return memcmp(a + start, b, length) == 0
                    }
                }
            }
        }
        if let id = found.id { return id }
        let id = UInt32(hashes.count)
        hashes.append(hash)
        values.append(bytes: bytes)
        slots.insert(id, at: found.slot, count: hashes.count) { [hashes] in hashes[$0] }
        return id
    }

    mutating func removeAll() {
        values = StringArray()
        hashes.removeAll(keepingCapacity: true)
        slots.removeAll()
    }
}

extension Int {
    /// The smallest power of two ≥ self (1 for self ≤ 1).
    var nextPowerOfTwo: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}
