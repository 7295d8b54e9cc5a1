// GroupTable: interns grouping keys to dense group ids 0, 1, 2, … (open addressing, linear probing,
// power-of-two capacity, load factor ≤ 0.5, full 64-bit hash stored per group). Storage is manual
// (malloc'd), so probing pays no copy-on-write, exclusivity or reference-counting checks.
//
//   slots:   Int32 × capacity    -1 = empty, else a group id
//   hashes:  UInt64 per group    (compared before any key bytes; grow() rehashes from them)
//   keys:    by key shape (chosen once, from the key types):
//     .long     one bigint key          Int64 per group (+ one group for null)
//     .string   one string key          bytes in an arena, Int offsets per group (+ null group)
//     .encoded  anything else           each row's key encoded as bytes (null flag + value per
//                                       column), arena + offsets as for strings
//
// Hashing is vectorized per batch (one pass per key column) with a seed that differs from the
// shuffle partitioner's, so a reducer's keys spread over the whole table. The table belongs to one
// task's aggregate (never shared between threads), so its stored properties skip the dynamic
// exclusivity checks that would otherwise run on every probe.

import Planner
#if canImport(Glibc)
import Glibc
#endif

final class GroupTable {
    enum Shape { case long, string, encoded }
    let keyTypes: [DataType]
    let shape: Shape

    @exclusivity(unchecked) private var slots: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var mask: Int
    @exclusivity(unchecked) private(set) var count = 0
    @exclusivity(unchecked) private var hashes: GrowableBuffer<UInt64>
    @exclusivity(unchecked) private var longKeys: GrowableBuffer<Int64>
    @exclusivity(unchecked) private var keyOffsets: GrowableBuffer<Int>
    @exclusivity(unchecked) private var arena: GrowableBuffer<UInt8>
    /// Group id of the null key (single-key shapes), or -1.
    @exclusivity(unchecked) private var nullGroup: Int32 = -1

    // Scratch reused across batches.
    @exclusivity(unchecked) private var rowHashes: [UInt64] = []
    @exclusivity(unchecked) private var encoded = GrowableBuffer<UInt8>()
    @exclusivity(unchecked) private var encodedOffsets = GrowableBuffer<Int>()

    init(keyTypes: [DataType], initialCapacity: Int = 1024) {
        self.keyTypes = keyTypes
        if keyTypes.count == 1 && (keyTypes[0] == .long || keyTypes[0] == .timestamp) {
            shape = .long
        } else if keyTypes.count == 1 && keyTypes[0] == .string {
            shape = .string
        } else {
            shape = .encoded
        }
        var cap = 16
        while cap < initialCapacity * 2 { cap <<= 1 }
        capacity = cap
        mask = cap - 1
        slots = .allocate(capacity: cap)
        slots.initialize(repeating: -1, count: cap)
        hashes = GrowableBuffer()
        longKeys = GrowableBuffer()
        keyOffsets = GrowableBuffer()
        arena = GrowableBuffer()
        keyOffsets.append(0)
        encodedOffsets.append(0)
    }

    deinit {
        slots.deallocate()
        hashes.free()
        longKeys.free()
        keyOffsets.free()
        arena.free()
        encoded.free()
        encodedOffsets.free()
    }

    /// Approximate bytes held (for memory accounting).
    var memoryBytes: Int { capacity * 4 + hashes.capacity * 8 + longKeys.capacity * 8 + keyOffsets.capacity * 8 + arena.capacity }

    /// Creates the single group (id 0) of an aggregate without keys.
    func ensureGlobalGroup() {
        if count == 0 {
            hashes.append(0)
            keyOffsets.append(0)
            count = 1
        }
    }

    /// Maps each row of the key columns to its group id, creating groups for new keys.
    func groupIds(keys: [ColumnVector], numRows n: Int, into out: inout [Int32]) {
        FixedSeedHash.hashRows(keys, numRows: n, seed: FixedSeedHash.aggregateSeed, into: &rowHashes)
        if out.count != n { out = [Int32](repeating: 0, count: n) }
        out.withUnsafeMutableBufferPointer { ids in
            rowHashes.withUnsafeBufferPointer { h in
                switch shape {
                case .long:
                    let column = keys[0]
                    guard case .long(let values) = column.values else {
                        if case .timestamp(let t) = column.values { probeLongs(t, column.validity, h, ids) }
                        return
                    }
                    probeLongs(values, column.validity, h, ids)
                case .string:
                    guard case .string(let s) = keys[0].values else { return }
                    let validity = keys[0].validity
                    s.offsets.withUnsafeBufferPointer { o in
                        s.bytes.withUnsafeBytes { b in
                            for r in 0..<n {
                                if let validity, !validity[r] { ids[r] = nullGroupId(); continue }
                                let start = Int(o[r]), end = Int(o[r + 1])
                                ids[r] = findOrInsertBytes(b.baseAddress.map { $0 + start }, end - start, h[r])
                            }
                        }
                    }
                case .encoded:
                    encode(keys, n)
                    let base = encoded.base
                    for r in 0..<n {
                        let start = encodedOffsets[r], end = encodedOffsets[r + 1]
                        ids[r] = findOrInsertBytes(UnsafeRawPointer(base! + start), end - start, h[r])
                    }
                }
            }
        }
    }

    /// Group id of one string key given as bytes (string-keyed tables).
    @inline(__always)
    func groupId(bytes: UnsafeRawPointer?, count: Int) -> Int32 {
        let hash = FixedSeedHash.combine(FixedSeedHash.aggregateSeed,
                                         FixedSeedHash.hash(bytes: UnsafeRawBufferPointer(start: bytes, count: count), seed: FixedSeedHash.aggregateSeed))
        return findOrInsertBytes(bytes, count, hash)
    }

    private func nullGroupId() -> Int32 {
        if nullGroup < 0 {
            nullGroup = Int32(count)
            hashes.append(FixedSeedHash.nullHash)
            if shape == .long { longKeys.append(0) } else { keyOffsets.append(arena.count) }
            count += 1
        }
        return nullGroup
    }

    private func probeLongs(_ values: [Int64], _ validity: Bitmap?, _ h: UnsafeBufferPointer<UInt64>, _ ids: UnsafeMutableBufferPointer<Int32>) {
        values.withUnsafeBufferPointer { v in
            for r in 0..<v.count {
                if let validity, !validity[r] { ids[r] = nullGroupId(); continue }
                let key = v[r], hash = h[r]
                var pos = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let g = slots[pos]
                    if g < 0 {
                        ids[r] = insert(at: pos, hash: hash) { longKeys.append(key) }
                        break
                    }
                    if longKeys[Int(g)] == key && Int32(g) != nullGroup {
                        ids[r] = g
                        break
                    }
                    pos = (pos + 1) & mask
                }
            }
        }
    }

    @inline(__always)
    private func findOrInsertBytes(_ key: UnsafeRawPointer?, _ length: Int, _ hash: UInt64) -> Int32 {
        var pos = Int(truncatingIfNeeded: hash) & mask
        while true {
            let g = slots[pos]
            if g < 0 { break }
            if hashes[Int(g)] == hash {
                let a = keyOffsets[Int(g)], b = keyOffsets[Int(g) + 1]
                if b - a == length && bytesEqual(arena.base! + a, key, length) && g != nullGroup { return g }
            }
            pos = (pos + 1) & mask
        }
        return insert(at: pos, hash: hash) {
            if length > 0 { arena.append(UnsafeRawBufferPointer(start: key, count: length)) }
            keyOffsets.append(arena.count)
        }
    }

    @inline(__always)
    private func insert(at pos: Int, hash: UInt64, storeKey: () -> Void) -> Int32 {
        let id = Int32(count)
        slots[pos] = id
        hashes.append(hash)
        storeKey()
        count += 1
        if count * 2 > capacity { grow() }
        return id
    }

    private func grow() {
        let newCapacity = capacity * 2
        let newSlots = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        newSlots.initialize(repeating: -1, count: newCapacity)
        let newMask = newCapacity - 1
        for g in 0..<count where Int32(g) != nullGroup {
            var pos = Int(truncatingIfNeeded: hashes[g]) & newMask
            while newSlots[pos] >= 0 { pos = (pos + 1) & newMask }
            newSlots[pos] = Int32(g)
        }
        slots.deallocate()
        slots = newSlots
        capacity = newCapacity
        mask = newMask
    }

    // MARK: multi-column keys

    /// Encodes every row's key into `encoded`: per column a null-flag byte, then the value
    /// (8 bytes for bigint/double/timestamp with doubles normalized, 4 for date, 1 for boolean,
    /// 4-byte length + bytes for strings).
    private func encode(_ keys: [ColumnVector], _ n: Int) {
        encodedOffsets.removeAll()
        encodedOffsets.append(0)
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
        for r in 0..<n { total += lengths[r]; encodedOffsets.append(total) }
        encoded.removeAll()
        encoded.reserve(total)
        let out = encoded.base!
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

    /// The keys of all groups as columns, in group id order.
    func keyColumns() -> [ColumnVector] {
        switch shape {
        case .long:
            var validity: Bitmap? = nil
            if nullGroup >= 0 {
                var bits = Bitmap(count: count, value: true)
                bits[Int(nullGroup)] = false
                validity = bits
            }
            let values = Array(UnsafeBufferPointer(start: longKeys.base, count: count))
            return [ColumnVector(keyTypes[0] == .timestamp ? .timestamp(values) : .long(values), validity: validity)]
        case .string:
            var validity: Bitmap? = nil
            if nullGroup >= 0 {
                var bits = Bitmap(count: count, value: true)
                bits[Int(nullGroup)] = false
                validity = bits
            }
            let offsets = (0...count).map { Int32(keyOffsets[$0]) }
            let bytes = Array(UnsafeBufferPointer(start: arena.base, count: arena.count))
            return [ColumnVector(.string(StringArray(offsets: offsets, bytes: bytes)), validity: validity)]
        case .encoded:
            return decodeKeys()
        }
    }

    private func decodeKeys() -> [ColumnVector] {
        var builders = keyTypes.map { ColumnBuilder(type: $0, capacity: count) }
        guard let raw = arena.base.map({ UnsafeRawPointer($0) }) else {
            // No key bytes at all: the global group, or only empty encodings.
            return builders.map { $0.finish() }
        }
        for g in 0..<count {
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

/// Byte equality; short keys (most words) are compared inline instead of calling memcmp.
@inline(__always)
func bytesEqual(_ a: UnsafeMutablePointer<UInt8>, _ b: UnsafeRawPointer?, _ n: Int) -> Bool {
    guard n > 0, let b else { return true }
    if n <= 16 {
        var i = 0
        while i < n {
            if a[i] != b.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }
    return memcmp(a, b, n) == 0
}

/// A growable buffer of trivial values over malloc'd memory (no copy-on-write, no exclusivity checks).
struct GrowableBuffer<T: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<T>?
    var count = 0
    private(set) var capacity = 0

    @inline(__always) subscript(i: Int) -> T { base![i] }

    mutating func reserve(_ n: Int) {
        guard n > capacity else { return }
        var newCapacity = Swift.max(capacity * 2, 64)
        while newCapacity < n { newCapacity *= 2 }
        let raw = realloc(base, newCapacity * MemoryLayout<T>.stride)!
        base = raw.assumingMemoryBound(to: T.self)
        capacity = newCapacity
    }

    @inline(__always) mutating func append(_ value: T) {
        if count == capacity { reserve(count + 1) }
        base![count] = value
        count += 1
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) where T == UInt8 {
        reserve(count + bytes.count)
        UnsafeMutableRawPointer(base! + count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        count += bytes.count
    }

    mutating func removeAll() { count = 0 }

    func free() { Glibc.free(base) }
}
