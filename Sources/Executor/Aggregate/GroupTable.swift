// GroupTable: interns grouping keys to dense group ids 0, 1, 2, … (open addressing, linear probing,
// power-of-two capacity, load factor ≤ 0.5, full 64-bit hash stored per group).
//
//   slots:  [Int32]   -1 = empty, else a group id          (capacity = 2^k)
//   hashes: [UInt64]  per group
//   keys:   arena [UInt8] + keyOffsets [Int]: group g's encoded key is arena[off[g] ..< off[g+1]]
//
// Encoded key, per key column: 1 null-flag byte, then (if not null) 8 bytes for bigint/double/
// timestamp (doubles normalized: -0.0 → 0.0, one NaN), 4 for date, 1 for boolean, 4-byte length +
// bytes for strings. Keys of a whole batch are encoded and hashed in column-wise passes.
// The hash seed differs from the shuffle partitioner's.

import Planner

struct GroupTable {
    let keyTypes: [DataType]
    private(set) var slots: [Int32]
    private(set) var hashes: [UInt64] = []
    private(set) var keyOffsets: [Int] = [0]
    private(set) var arena: [UInt8] = []
    private var mask: Int

    // Scratch buffers reused across batches to avoid reallocations.
    private var rowKeys: [UInt8] = []
    private var rowOffsets: [Int] = []
    private var rowHashes: [UInt64] = []

    init(keyTypes: [DataType], initialCapacity: Int = 1024) {
        self.keyTypes = keyTypes
        var cap = 16
        while cap < initialCapacity * 2 { cap <<= 1 }
        slots = [Int32](repeating: -1, count: cap)
        mask = cap - 1
    }

    var count: Int { hashes.count }

    /// Approximate bytes held (for memory accounting).
    var memoryBytes: Int { slots.count * 4 + hashes.count * 8 + keyOffsets.count * 8 + arena.count }

    /// Maps each row of the key columns to its group id, creating groups for new keys.
    mutating func groupIds(keys: [ColumnVector], numRows: Int, into out: inout [Int32]) {
        out.removeAll(keepingCapacity: true)
        encodeRows(keys, numRows)
        rowHashes.removeAll(keepingCapacity: true)
        rowKeys.withUnsafeBytes { raw in
            for r in 0..<numRows {
                let piece = UnsafeRawBufferPointer(rebasing: raw[rowOffsets[r]..<rowOffsets[r + 1]])
                rowHashes.append(FixedSeedHash.hash(bytes: piece, seed: FixedSeedHash.aggregateSeed))
            }
        }
        out.reserveCapacity(numRows)
        for r in 0..<numRows {
            out.append(findOrInsert(row: r, hash: rowHashes[r]))
        }
    }

    /// Returns the single group (id 0) used by aggregates without keys, creating it if needed.
    mutating func ensureGlobalGroup() {
        if hashes.isEmpty {
            hashes.append(0)
            keyOffsets.append(0)
        }
    }

    private mutating func findOrInsert(row: Int, hash: UInt64) -> Int32 {
        let start = rowOffsets[row], end = rowOffsets[row + 1]
        var pos = Int(truncatingIfNeeded: hash) & mask
        while true {
            let g = slots[pos]
            if g < 0 { break }
            if hashes[Int(g)] == hash {
                let a = keyOffsets[Int(g)], b = keyOffsets[Int(g) + 1]
                if b - a == end - start && arena[a..<b].elementsEqual(rowKeys[start..<end]) { return g }
            }
            pos = (pos + 1) & mask
        }
        let id = Int32(hashes.count)
        slots[pos] = id
        hashes.append(hash)
        arena.append(contentsOf: rowKeys[start..<end])
        keyOffsets.append(arena.count)
        if hashes.count * 2 > slots.count { grow() }
        return id
    }

    private mutating func grow() {
        let cap = slots.count * 2
        var newSlots = [Int32](repeating: -1, count: cap)
        let newMask = cap - 1
        for (g, h) in hashes.enumerated() {
            var pos = Int(truncatingIfNeeded: h) & newMask
            while newSlots[pos] >= 0 { pos = (pos + 1) & newMask }
            newSlots[pos] = Int32(g)
        }
        slots = newSlots
        mask = newMask
    }

    /// Encodes every row's key into `rowKeys`, column by column.
    private mutating func encodeRows(_ keys: [ColumnVector], _ numRows: Int) {
        // Pass 1: lengths.
        rowOffsets.removeAll(keepingCapacity: true)
        rowOffsets.append(contentsOf: repeatElement(0, count: numRows + 1))
        for column in keys {
            switch column.values {
            case .long, .double, .timestamp: for r in 0..<numRows { rowOffsets[r + 1] += column.isNull(r) ? 1 : 9 }
            case .date: for r in 0..<numRows { rowOffsets[r + 1] += column.isNull(r) ? 1 : 5 }
            case .boolean: for r in 0..<numRows { rowOffsets[r + 1] += column.isNull(r) ? 1 : 2 }
            case .string(let s): for r in 0..<numRows { rowOffsets[r + 1] += column.isNull(r) ? 1 : 5 + s.length(at: r) }
            case .list:
                for r in 0..<numRows { rowOffsets[r + 1] += 1 + 4 + column.value(at: r).description.utf8.count }
            }
        }
        for r in 0..<numRows { rowOffsets[r + 1] += rowOffsets[r] }
        rowKeys.removeAll(keepingCapacity: true)
        rowKeys.append(contentsOf: repeatElement(0, count: rowOffsets[numRows]))
        // Pass 2: bytes, with a cursor per row.
        var cursor = Array(rowOffsets.prefix(numRows))
        rowKeys.withUnsafeMutableBytes { out in
            for column in keys {
                let validity = column.validity
                @inline(__always) func header(_ r: Int) -> Bool {
                    if let validity, !validity[r] { out[cursor[r]] = 0; cursor[r] += 1; return false }
                    out[cursor[r]] = 1
                    cursor[r] += 1
                    return true
                }
                switch column.values {
                case .long(let v), .timestamp(let v):
                    for r in 0..<numRows where header(r) { out.storeBytes(of: v[r], toByteOffset: cursor[r], as: Int64.self); cursor[r] += 8 }
                case .double(let v):
                    for r in 0..<numRows where header(r) {
                        let d = v[r] == 0 ? 0.0 : (v[r].isNaN ? Double.nan : v[r])
                        out.storeBytes(of: d.bitPattern, toByteOffset: cursor[r], as: UInt64.self)
                        cursor[r] += 8
                    }
                case .date(let v):
                    for r in 0..<numRows where header(r) { out.storeBytes(of: v[r], toByteOffset: cursor[r], as: Int32.self); cursor[r] += 4 }
                case .boolean(let v):
                    for r in 0..<numRows where header(r) { out[cursor[r]] = v[r] ? 1 : 0; cursor[r] += 1 }
                case .string(let s):
                    s.bytes.withUnsafeBytes { src in
                        for r in 0..<numRows where header(r) {
                            let a = Int(s.offsets[r]), b = Int(s.offsets[r + 1])
                            out.storeBytes(of: Int32(b - a), toByteOffset: cursor[r], as: Int32.self)
                            cursor[r] += 4
                            if b > a {
                                UnsafeMutableRawBufferPointer(rebasing: out[cursor[r]..<(cursor[r] + b - a)])
                                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: src[a..<b]))
                            }
                            cursor[r] += b - a
                        }
                    }
                case .list:
                    for r in 0..<numRows {
                        let text = Array(column.value(at: r).description.utf8)
                        out[cursor[r]] = 1
                        out.storeBytes(of: Int32(text.count), toByteOffset: cursor[r] + 1, as: Int32.self)
                        cursor[r] += 5
                        for byte in text { out[cursor[r]] = byte; cursor[r] += 1 }
                    }
                }
            }
        }
    }

    /// Decodes the keys of all groups back into columns (group id order).
    func keyColumns() -> [ColumnVector] {
        var builders = keyTypes.map { ColumnBuilder(type: $0, capacity: count) }
        arena.withUnsafeBytes { raw in
            for g in 0..<count {
                var p = keyOffsets[g]
                for (c, t) in keyTypes.enumerated() {
                    let present = raw[p] == 1
                    p += 1
                    if !present { builders[c].appendNull(); continue }
                    switch t {
                    case .long: builders[c].appendLong(raw.loadUnaligned(fromByteOffset: p, as: Int64.self)); p += 8
                    case .timestamp: builders[c].append(.timestamp(raw.loadUnaligned(fromByteOffset: p, as: Int64.self))); p += 8
                    case .double: builders[c].appendDouble(Double(bitPattern: raw.loadUnaligned(fromByteOffset: p, as: UInt64.self))); p += 8
                    case .date: builders[c].appendDate(raw.loadUnaligned(fromByteOffset: p, as: Int32.self)); p += 4
                    case .boolean: builders[c].appendBool(raw[p] == 1); p += 1
                    case .string, .array:
                        let n = Int(raw.loadUnaligned(fromByteOffset: p, as: Int32.self))
                        p += 4
                        builders[c].appendString(bytes: UnsafeRawBufferPointer(rebasing: raw[p..<(p + n)]))
                        p += n
                    }
                }
            }
        }
        return builders.map { $0.finish() }
    }
}
