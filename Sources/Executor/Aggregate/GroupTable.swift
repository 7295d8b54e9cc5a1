// GroupTable: interns grouping keys to dense group ids 0, 1, 2, … (open addressing, linear probing,
// power-of-two capacity, load factor ≤ 0.5, full 64-bit hash stored per group). Storage is manual
// (malloc'd), so probing pays no copy-on-write, exclusivity or reference-counting checks.
//
//   slots:   UInt64 × capacity   0 = empty, else the hash's high 32 bits (a tag) | group id + 1
//   hashes:  UInt64 per group    (compared before any key bytes; grow() rehashes from them)
//   keys:    by key shape (chosen once, from the key types):
//     .long     one bigint key          Int64 per group (+ one group for null)
//     .string   one string key          bytes in an arena, Int offsets per group (+ null group)
//     .encoded  anything else           each row's key encoded as bytes (null flag + value per
//                                       column), arena + offsets as for strings
//
// Probing is cache-conscious, for tables far larger than the caches (millions of keys): a slot
// holds its group's hash tag, so a probe touches a group's key only when the tags agree (a new key
// usually costs one cache miss, not one per occupied slot on its path), and the slot of the row a
// few ahead is prefetched while the current one is probed. A table can be sized up front
// (``reserve(groups:)``) from the rows a reducer will read, so it never grows and rehashes.
//
// Hashing is vectorized per batch (one pass per key column) with a seed that differs from the
// shuffle partitioner's, so a reducer's keys spread over the whole table. A null key never hashes
// or compares by its slot's value (single keys go to the null group; encoded keys hold only the
// null flag; FixedSeedHash ignores null slots), so all nulls are one key. The table belongs to one
// task's aggregate (never shared between threads), so its stored properties skip the dynamic
// exclusivity checks that would otherwise run on every probe.
//
// Memory is allocated on first use and grows by doubling; an allocation the system refuses is an
// OUT_OF_MEMORY error. The keys come out in pieces (``pieces(maxRows:maxKeyBytes:)``) small enough
// for a batch's Int32 string offsets, however many key bytes the table holds.

import CPrefetch
@_spi(EmberInternal) import Planner
#if canImport(Glibc)
import Glibc
#endif

final class GroupTable {
    enum Shape { case long, string, encoded }
    let keyTypes: [DataType]
    let shape: Shape
    /// Slots allocated on first use.
    private(set) var initialCapacity: Int

    @exclusivity(unchecked) private var slots: UnsafeMutablePointer<UInt64>?
    @exclusivity(unchecked) private var capacity = 0
    @exclusivity(unchecked) private var mask = 0
    @exclusivity(unchecked) private(set) var count = 0
    @exclusivity(unchecked) private var hashes = GrowableBuffer<UInt64>()
    @exclusivity(unchecked) private var longKeys = GrowableBuffer<Int64>()
    @exclusivity(unchecked) private var keyOffsets = GrowableBuffer<Int>()
    @exclusivity(unchecked) private var arena = GrowableBuffer<UInt8>()
    /// Group id of the null key (single-key shapes), or -1.
    @exclusivity(unchecked) private var nullGroup: Int32 = -1

    // Scratch reused across batches.
    @exclusivity(unchecked) private var rowHashes: [UInt64] = []
    @exclusivity(unchecked) private var encoded = GrowableBuffer<UInt8>()
    @exclusivity(unchecked) private var encodedOffsets = GrowableBuffer<Int>()
    /// Group ids from dictionary codes, while every key is a string that arrives with a dictionary.
    @exclusivity(unchecked) private var dictionaryLookup: DictionaryGroupLookup?

    init(keyTypes: [DataType], initialCapacity: Int = 1024) {
        self.keyTypes = keyTypes
        if keyTypes.count == 1 && (keyTypes[0] == .long || keyTypes[0] == .timestamp) {
            shape = .long
        } else if keyTypes.count == 1 && keyTypes[0] == .string {
            shape = .string
        } else {
            shape = .encoded
        }
        self.initialCapacity = Self.capacity(for: initialCapacity)
        if !keyTypes.isEmpty && keyTypes.allSatisfy({ $0 == .string }) { dictionaryLookup = DictionaryGroupLookup(keyCount: keyTypes.count) }
    }

    deinit {
        free(slots)
        hashes.free()
        longKeys.free()
        keyOffsets.free()
        arena.free()
        encoded.free()
        encodedOffsets.free()
    }

    /// Approximate bytes held (for memory accounting).
    var memoryBytes: Int {
        capacity * 8 + hashes.capacity * 8 + longKeys.capacity * 8 + keyOffsets.capacity * 8 + arena.capacity
            + (dictionaryLookup?.memoryBytes ?? 0)
    }

    /// What the table holds as soon as it is used: its first slots.
    var initialBytes: Int { initialCapacity * 8 }

    /// Slot bytes a table sized for `groups` groups holds (``reserve(groups:)``).
    static func slotBytes(groups: Int) -> Int { capacity(for: groups) * 8 }

    private static func capacity(for groups: Int) -> Int {
        var cap = 16
        while cap < groups * 2 && cap < 1 << 32 { cap <<= 1 }
        return cap
    }

    /// Sizes a table not yet used for `groups` groups: its slots, hashes and keys do not grow (and
    /// rehash) until it holds more.
    func reserve(groups: Int) throws {
        guard slots == nil, groups > 0 else { return }
        initialCapacity = Swift.max(initialCapacity, Self.capacity(for: groups))
        try prepare()
        try hashes.reserve(groups)
        if shape == .long { try longKeys.reserve(groups) } else { try keyOffsets.reserve(groups + 1) }
    }

    @inline(__always) private static func slot(_ hash: UInt64, _ group: Int32) -> UInt64 {
        (hash & tagMask) | UInt64(UInt32(bitPattern: group) &+ 1)
    }
    @inline(__always) private static func group(_ slot: UInt64) -> Int32 { Int32(truncatingIfNeeded: slot) &- 1 }
    private static let tagMask: UInt64 = 0xFFFF_FFFF_0000_0000
    /// Rows between the one probed and the one whose slot is prefetched; at half that distance, the
    /// prefetched slot is read and the key of the group it names is prefetched in turn.
    private static let prefetchDistance = 32
    /// Slots of the largest table probed without prefetching (with its keys, within the L2 cache;
    /// the tables of a partitioned Final aggregate's partitions are this small).
    private static let cachedCapacity = 1 << 15

    /// Allocates the first slots: a table costs nothing until its first key (or global group).
    @inline(__always) private func prepare() throws {
        if slots != nil { return }
        slots = try allocateZeroed(initialCapacity, for: "a hash table's slots")
        capacity = initialCapacity
        mask = capacity - 1
        if shape != .long { try keyOffsets.append(0) }
    }

    /// Creates the single group (id 0) of an aggregate without keys.
    func ensureGlobalGroup() throws {
        try prepare()
        if count == 0 {
            try hashes.append(0)
            try keyOffsets.append(0)
            count = 1
        }
    }

    /// Maps each row of the key columns to its group id, creating groups for new keys. `hashes`: the
    /// rows' key hashes when the caller has them (FixedSeedHash.hashRows with the aggregate seed).
    func groupIds(keys: [ColumnVector], numRows n: Int, into out: inout [Int32], hashes: [UInt64]? = nil) throws {
        try prepare()
        if let lookup = dictionaryLookup, !lookup.disabled {
            let dictionaries = keys.compactMap(\.dictionary)
            if dictionaries.count == keys.count {
                if out.count != n { out = [Int32](repeating: 0, count: n) }
                let done = try out.withUnsafeMutableBufferPointer { ids in
                    try lookup.groupIds(keys: keys, dictionaries: dictionaries, numRows: n, into: ids) { rows, count in
                        var resolved: [Int32] = []
                        try plainGroupIds(keys: rows, numRows: count, into: &resolved)
                        return resolved
                    }
                }
                if done { return }
            }
        }
        try plainGroupIds(keys: keys, numRows: n, into: &out, hashes: hashes)
    }

    /// ``groupIds(keys:numRows:into:)`` from the key values: hashed per batch, probed per row.
    private func plainGroupIds(keys: [ColumnVector], numRows n: Int, into out: inout [Int32], hashes: [UInt64]? = nil) throws {
        if let hashes, hashes.count == n {
            rowHashes = hashes
        } else {
            FixedSeedHash.hashRows(keys, numRows: n, seed: FixedSeedHash.aggregateSeed, into: &rowHashes)
        }
        if out.count != n { out = [Int32](repeating: 0, count: n) }
        // A table within the cache is probed without prefetching: the hints would only cost.
        let prefetch = capacity > Self.cachedCapacity
        try out.withUnsafeMutableBufferPointer { ids in
            try rowHashes.withUnsafeBufferPointer { h in
                switch shape {
                case .long:
                    let column = keys[0]
                    switch column.values {
                    case .long(let values), .timestamp(let values): try probeLongs(values, column.validity, h, ids, prefetch: prefetch)
                    default: throw EmberError(.internal, "a bigint key column holds \(column.dataType)")
                    }
                case .string:
                    guard case .string(let s) = keys[0].values else {
                        throw EmberError(.internal, "a string key column holds \(keys[0].dataType)")
                    }
                    let validity = keys[0].validity
                    try s.offsets.withUnsafeBufferPointer { o in
                        try s.bytes.withUnsafeBytes { b in
                            for r in 0..<n {
                                if prefetch { prefetchAhead(h, r) }
                                if let validity, !validity[r] { ids[r] = try nullGroupId(hash: h[r]); continue }
                                let start = Int(o[r]), end = Int(o[r + 1])
                                ids[r] = try findOrInsertBytes(b.baseAddress.map { $0 + start }, end - start, h[r])
                            }
                        }
                    }
                case .encoded:
                    try encode(keys, n)
                    let base = UnsafeRawPointer(encoded.base)
                    for r in 0..<n {
                        if prefetch { prefetchAhead(h, r) }
                        let start = encodedOffsets[r], end = encodedOffsets[r + 1]
                        ids[r] = try findOrInsertBytes(base.map { $0 + start }, end - start, h[r])
                    }
                }
            }
        }
    }

    /// Calls `body` with the key hashes of groups `groups`: each what FixedSeedHash.hashRows gives its
    /// key with FixedSeedHash.aggregateSeed.
    func withHashes<R>(_ groups: Range<Int>, _ body: (UnsafeBufferPointer<UInt64>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: hashes.base.map { $0 + groups.lowerBound }, count: groups.count))
    }

    /// Group id of one string key given as bytes (string-keyed tables), hashed as a string column's
    /// row is, so it may be mixed with ``groupIds(keys:numRows:into:)``.
    @inline(__always)
    func groupId(bytes: UnsafeRawPointer?, count: Int) throws -> Int32 {
        try prepare()
        let hash = FixedSeedHash.combine(FixedSeedHash.aggregateSeed,
                                         FixedSeedHash.hash(bytes: UnsafeRawBufferPointer(start: bytes, count: count), seed: FixedSeedHash.aggregateSeed))
        return try findOrInsertBytes(bytes, count, hash)
    }

    /// The null key's group; `hash` is what hashing its row gave (every null row hashes alike), so
    /// the group's stored hash is the one its rows have (RadixPartitions partitions by either).
    private func nullGroupId(hash: UInt64) throws -> Int32 {
        if nullGroup < 0 {
            try checkRoom()
            try hashes.append(hash)
            if shape == .long { try longKeys.append(0) } else { try keyOffsets.append(arena.count) }
            nullGroup = Int32(count)
            count += 1
        }
        return nullGroup
    }

    /// Asks for the slot of row `row` (if there is one) ahead of its probe.
    /// Prefetches ahead of the probe of row `row`: the slot of row `row + distance`; the key (or key
    /// offsets) of the group in the (by now cached) slot of row `row + distance / 2`, when its tag
    /// agrees; and for byte keys, the bytes those offsets name for row `row + distance / 4`. Only
    /// hints: what the probe itself reads decides.
    @inline(__always) private func prefetchAhead(_ h: UnsafeBufferPointer<UInt64>, _ row: Int) {
        let slots = self.slots.unsafelyUnwrapped
        let far = row + Self.prefetchDistance
        if far < h.count { ember_prefetch(slots + (Int(truncatingIfNeeded: h[far]) & mask)) }
        let near = row + Self.prefetchDistance / 2
        guard near < h.count else { return }
        let hash = h[near]
        let slot = slots[Int(truncatingIfNeeded: hash) & mask]
        guard slot != 0 && slot & Self.tagMask == hash & Self.tagMask else { return }
        let g = Int(Self.group(slot))
        if shape == .long {
            ember_prefetch(longKeys.base.unsafelyUnwrapped + g)
            return
        }
        ember_prefetch(keyOffsets.base.unsafelyUnwrapped + g)
        let nearest = row + Self.prefetchDistance / 4
        let nearHash = h[nearest]
        let nearSlot = slots[Int(truncatingIfNeeded: nearHash) & mask]
        guard nearSlot != 0 && nearSlot & Self.tagMask == nearHash & Self.tagMask, let arena = arena.base else { return }
        ember_prefetch(arena + keyOffsets[Int(Self.group(nearSlot))])
    }

    private func probeLongs(_ values: [Int64], _ validity: Bitmap?, _ h: UnsafeBufferPointer<UInt64>, _ ids: UnsafeMutableBufferPointer<Int32>,
                            prefetch: Bool) throws {
        var slots = self.slots.unsafelyUnwrapped   // reloaded after an insert, which may grow them
        try values.withUnsafeBufferPointer { v in
            for r in 0..<v.count {
                if prefetch { prefetchAhead(h, r) }
                if let validity, !validity[r] { ids[r] = try nullGroupId(hash: h[r]); continue }
                let key = v[r], hash = h[r], tag = hash & Self.tagMask
                var pos = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let slot = slots[pos]
                    if slot == 0 {
                        try longKeys.append(key)
                        ids[r] = try insert(at: pos, hash: hash)
                        slots = self.slots.unsafelyUnwrapped
                        break
                    }
                    if slot & Self.tagMask == tag {
                        let g = Self.group(slot)
                        if longKeys[Int(g)] == key && g != nullGroup {
                            ids[r] = g
                            break
                        }
                    }
                    pos = (pos + 1) & mask
                }
            }
        }
    }

    @inline(__always)
    private func findOrInsertBytes(_ key: UnsafeRawPointer?, _ length: Int, _ hash: UInt64) throws -> Int32 {
        let slots = self.slots.unsafelyUnwrapped
        let tag = hash & Self.tagMask
        var pos = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[pos]
            if slot == 0 { break }
            if slot & Self.tagMask == tag {
                // The tag stands in for the full hash: comparing that too would cost another miss.
                let g = Self.group(slot)
                let a = keyOffsets[Int(g)], b = keyOffsets[Int(g) + 1]
                if b - a == length && g != nullGroup && bytesEqual(arena.base.map { UnsafeRawPointer($0 + a) }, key, length) { return g }
            }
            pos = (pos + 1) & mask
        }
        try arena.append(UnsafeRawBufferPointer(start: key, count: length))
        try keyOffsets.append(arena.count)
        return try insert(at: pos, hash: hash)
    }

    /// Takes slot `pos` for a new group whose key is already stored; grows the slots past half full.
    @inline(__always)
    private func insert(at pos: Int, hash: UInt64) throws -> Int32 {
        try checkRoom()
        let id = Int32(count)
        slots.unsafelyUnwrapped[pos] = Self.slot(hash, id)
        try hashes.append(hash)
        count += 1
        if count * 2 > capacity { try grow() }
        return id
    }

    /// Group ids are Int32: a table holds fewer than 2^31 - 1 groups.
    @inline(__always) private func checkRoom() throws {
        if count == Int(Int32.max) {
            throw EmberError(.outOfMemory, "a hash table cannot hold more than \(Int32.max) groups",
                             hint: "use more shuffle partitions, so each task aggregates fewer keys")
        }
    }

    private func grow() throws {
        let newCapacity = capacity * 2
        let newSlots = try allocateZeroed(newCapacity, for: "a hash table's slots")
        let newMask = newCapacity - 1
        for g in 0..<count where Int32(g) != nullGroup {
            var pos = Int(truncatingIfNeeded: hashes[g]) & newMask
            while newSlots[pos] != 0 { pos = (pos + 1) & newMask }
            newSlots[pos] = Self.slot(hashes[g], Int32(g))
        }
        free(slots)
        slots = newSlots
        capacity = newCapacity
        mask = newMask
    }

    // MARK: multi-column keys

    /// Encodes every row's key into `encoded`: per column a null-flag byte, then the value
    /// (8 bytes for bigint/double/timestamp with doubles normalized, 4 for date, 1 for boolean,
    /// 4-byte length + bytes for strings).
    private func encode(_ keys: [ColumnVector], _ n: Int) throws {
        encodedOffsets.removeAll()
        try encodedOffsets.append(0)
        let lengths = UnsafeMutablePointer<Int>.allocate(capacity: Swift.max(n, 1))
        defer { lengths.deallocate() }
        lengths.initialize(repeating: 0, count: n)
        for column in keys {
            switch column.values {
            case .long, .double, .timestamp: for r in 0..<n { lengths[r] += column.isNull(r) ? 1 : 9 }
            case .date: for r in 0..<n { lengths[r] += column.isNull(r) ? 1 : 5 }
            case .boolean: for r in 0..<n { lengths[r] += column.isNull(r) ? 1 : 2 }
            case .string(let s): for r in 0..<n { lengths[r] += column.isNull(r) ? 1 : 5 + s.length(at: r) }
            case .list: for r in 0..<n { lengths[r] += 1 }
            }
        }
        var total = 0
        for r in 0..<n { total += lengths[r]; try encodedOffsets.append(total) }
        encoded.removeAll()
        try encoded.reserve(total)
        guard let out = encoded.base else { return }
        let cursor = UnsafeMutablePointer<Int>.allocate(capacity: Swift.max(n, 1))
        defer { cursor.deallocate() }
        for r in 0..<n { cursor[r] = encodedOffsets[r] }
        for column in keys {
            let validity = column.validity
            @inline(__always) func present(_ r: Int) -> Bool {
                if let validity, !validity[r] { out[cursor[r]] = 0; cursor[r] += 1; return false }
                out[cursor[r]] = 1
                cursor[r] += 1
                return true
            }
            switch column.values {
            case .long(let v), .timestamp(let v):
                for r in 0..<n where present(r) { UnsafeMutableRawPointer(out + cursor[r]).storeBytes(of: v[r], as: Int64.self); cursor[r] += 8 }
            case .double(let v):
                for r in 0..<n where present(r) {
                    let d = v[r] == 0 ? 0.0 : (v[r].isNaN ? Double.nan : v[r])
                    UnsafeMutableRawPointer(out + cursor[r]).storeBytes(of: d.bitPattern, as: UInt64.self)
                    cursor[r] += 8
                }
            case .date(let v):
                for r in 0..<n where present(r) { UnsafeMutableRawPointer(out + cursor[r]).storeBytes(of: v[r], as: Int32.self); cursor[r] += 4 }
            case .boolean(let v):
                for r in 0..<n where present(r) { out[cursor[r]] = v[r] ? 1 : 0; cursor[r] += 1 }
            case .string(let s):
                s.offsets.withUnsafeBufferPointer { o in
                    s.bytes.withUnsafeBytes { src in
                        for r in 0..<n where present(r) {
                            let a = Int(o[r]), b = Int(o[r + 1])
                            UnsafeMutableRawPointer(out + cursor[r]).storeBytes(of: Int32(b - a), as: Int32.self)
                            cursor[r] += 4
                            if b > a { UnsafeMutableRawPointer(out + cursor[r]).copyMemory(from: src.baseAddress! + a, byteCount: b - a) }
                            cursor[r] += b - a
                        }
                    }
                }
            case .list:
                for r in 0..<n { out[cursor[r]] = 0; cursor[r] += 1 }   // the analyzer rejects array keys
            }
        }
        encoded.count = total
    }

    // MARK: output

    /// Largest key bytes one output piece holds (well below what Int32 string offsets can address).
    static let maxPieceKeyBytes = 64 << 20

    /// Consecutive ranges of group ids covering the table, each of at most `maxRows` groups and
    /// `maxKeyBytes` key bytes (or one group, if a single key is larger).
    func pieces(maxRows: Int = ColumnarBatch.defaultCapacity, maxKeyBytes: Int = GroupTable.maxPieceKeyBytes) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        while start < count {
            var end = start + Swift.min(maxRows, count - start)
            if shape != .long {
                // Binary search for the longest run within the byte limit (offsets only grow).
                var low = start + 1, high = end
                while low < high {
                    let mid = (low + high + 1) / 2
                    if keyOffsets[mid] - keyOffsets[start] <= maxKeyBytes { low = mid } else { high = mid - 1 }
                }
                end = low
            }
            out.append(start..<end)
            start = end
        }
        return out
    }

    /// The keys of groups `groups` as columns, in group id order.
    func keyColumns(_ groups: Range<Int>) -> [ColumnVector] {
        var validity: Bitmap? = nil
        if nullGroup >= 0 && groups.contains(Int(nullGroup)) {
            var bits = Bitmap(count: groups.count, value: true)
            bits[Int(nullGroup) - groups.lowerBound] = false
            validity = bits
        }
        switch shape {
        case .long:
            let values = Array(UnsafeBufferPointer(start: longKeys.base.map { $0 + groups.lowerBound }, count: groups.count))
            return [ColumnVector(keyTypes[0] == .timestamp ? .timestamp(values) : .long(values), validity: validity)]
        case .string:
            let first = keyOffsets[groups.lowerBound]
            let offsets = (groups.lowerBound...groups.upperBound).map { Int32(keyOffsets[$0] - first) }
            let bytes = Array(UnsafeBufferPointer(start: arena.base.map { $0 + first }, count: keyOffsets[groups.upperBound] - first))
            return [ColumnVector(.string(StringArray(offsets: offsets, bytes: bytes)), validity: validity)]
        case .encoded:
            return decodeKeys(groups)
        }
    }

    private func decodeKeys(_ groups: Range<Int>) -> [ColumnVector] {
        var builders = keyTypes.map { ColumnBuilder(type: $0, capacity: groups.count) }
        guard let raw = arena.base.map({ UnsafeRawPointer($0) }) else {
            // No key bytes at all: the global group, or only empty encodings.
            return builders.map { $0.finish() }
        }
        for g in groups {
            var p = keyOffsets[g]
            for (c, t) in keyTypes.enumerated() {
                let present = raw.load(fromByteOffset: p, as: UInt8.self) == 1
                p += 1
                if !present { builders[c].appendNull(); continue }
                switch t {
                case .long: builders[c].appendLong(raw.loadUnaligned(fromByteOffset: p, as: Int64.self)); p += 8
                case .timestamp: builders[c].append(.timestamp(raw.loadUnaligned(fromByteOffset: p, as: Int64.self))); p += 8
                case .double: builders[c].appendDouble(Double(bitPattern: raw.loadUnaligned(fromByteOffset: p, as: UInt64.self))); p += 8
                case .date: builders[c].appendDate(raw.loadUnaligned(fromByteOffset: p, as: Int32.self)); p += 4
                case .boolean: builders[c].appendBool(raw.load(fromByteOffset: p, as: UInt8.self) == 1); p += 1
                case .string, .array:
                    let n = Int(raw.loadUnaligned(fromByteOffset: p, as: Int32.self))
                    p += 4
                    builders[c].appendString(bytes: UnsafeRawBufferPointer(start: raw + p, count: n))
                    p += n
                }
            }
        }
        return builders.map { $0.finish() }
    }
}
