// DictionaryGroupLookup: group ids for rows whose string keys all arrive dictionary-encoded
// (StringDictionary), without hashing or comparing a key byte per row.
//
//   per key column:  dictionary code ──translation──► local id (0 = null, 1… = distinct values seen
//                    by this table, interned by bytes, stable across batches and dictionaries)
//   per row:         local ids packed side by side (a few bits per column) ──► flat[packed] = group id
//
// A packed index not seen before is resolved once through the group table's plain path (one
// representative row per new index, in one call), so group ids, key storage and output are
// exactly the plain path's. Translations are cached per dictionary id (a dictionary with the same
// id only grows), so a batch costs its new dictionary values plus one pass per key column.
// When the packed index would need more than `maxBits` bits (too many distinct values for a small
// flat array), the lookup turns itself off and the table stays on the plain path.

@_spi(EmberInternal) import Planner
#if canImport(Glibc)
import Glibc
#endif

final class DictionaryGroupLookup {
    static let maxBits = 16

    /// One key column's translation from dictionary codes to local ids.
    private struct KeyColumn {
        var dictionaryId: UInt64 = 0
        /// Index code + 1 → local id (index 0: the null code -1 → local id 0).
        var localIds: [Int32] = [0]
        var bits = 0
        var shift = 0
    }

    @exclusivity(unchecked) private var columns: [KeyColumn]
    /// Distinct key values of every column → local id (shared interning, per column by index).
    @exclusivity(unchecked) private var interned: [[[UInt8]: Int32]]
    @exclusivity(unchecked) private var flat: UnsafeMutablePointer<Int32>?
    @exclusivity(unchecked) private var flatCount = 0
    @exclusivity(unchecked) private(set) var disabled = false
    @exclusivity(unchecked) private var packed: [Int32] = []
    @exclusivity(unchecked) private var representatives: [Int32] = []

    init(keyCount: Int) {
        columns = Array(repeating: KeyColumn(), count: keyCount)
        interned = Array(repeating: [:], count: keyCount)
    }

    deinit { free(flat) }

    var memoryBytes: Int { flatCount * 4 + packed.capacity * 4 }

    /// Fills `ids` for `n` rows and returns true, or returns false (having changed nothing) when
    /// the lookup is off. `resolve` maps key rows to group ids through the table's plain path.
    func groupIds(keys: [ColumnVector], dictionaries: [StringDictionary], numRows n: Int, into ids: UnsafeMutableBufferPointer<Int32>,
                  resolve: ([ColumnVector], Int) throws -> [Int32]) throws -> Bool {
        guard !disabled else { return false }
        try translate(dictionaries)
        if disabled { return false }
        if packed.count < n { packed = [Int32](repeating: 0, count: n) }
        try packed.withUnsafeMutableBufferPointer { packed in
            for (c, dictionary) in dictionaries.enumerated() {
                let shift = Int32(columns[c].shift)
                columns[c].localIds.withUnsafeBufferPointer { local in
                    dictionary.codes.withUnsafeBufferPointer { codes in
                        if c == 0 {
                            for r in 0..<n { packed[r] = local[Int(codes[r]) &+ 1] }
                        } else {
                            for r in 0..<n { packed[r] |= local[Int(codes[r]) &+ 1] &<< shift }
                        }
                    }
                }
            }
            let flat = self.flat.unsafelyUnwrapped
            representatives.removeAll(keepingCapacity: true)
            for r in 0..<n {
                let index = Int(packed[r])
                let g = flat[index]
                ids[r] = g
                if g == -1 {
                    flat[index] = -2 - Int32(representatives.count)
                    representatives.append(Int32(r))
                }
            }
            guard !representatives.isEmpty else { return }
            let newIds: [Int32]
            do {
                newIds = try resolve(keys.map { $0.take(representatives) }, representatives.count)
            } catch {
                for r in representatives { flat[Int(packed[Int(r)])] = -1 }   // no pending marker outlives the batch
                throw error
            }
            for (k, r) in representatives.enumerated() { flat[Int(packed[Int(r)])] = newIds[k] }
            for r in 0..<n where ids[r] < 0 { ids[r] = flat[Int(packed[r])] }
        }
        return true
    }

    /// Extends each column's translation to its dictionary's values; re-lays out the flat array
    /// when a column needs more bits, or turns the lookup off.
    private func translate(_ dictionaries: [StringDictionary]) throws {
        var relayout = false
        for (c, dictionary) in dictionaries.enumerated() {
            if columns[c].dictionaryId != dictionary.id {
                columns[c].dictionaryId = dictionary.id
                columns[c].localIds = [0]
            }
            let values = dictionary.values
            while columns[c].localIds.count <= values.count {
                let code = columns[c].localIds.count - 1
                let bytes = values.withBytes(at: code) { [UInt8]($0) }
                let local: Int32
                if let known = interned[c][bytes] {
                    local = known
                } else {
                    local = Int32(interned[c].count + 1)
                    interned[c][bytes] = local
                }
                columns[c].localIds.append(local)
            }
            let needed = Int.bitWidth - (interned[c].count).leadingZeroBitCount
            if needed > columns[c].bits {
                columns[c].bits = needed
                relayout = true
            }
        }
        guard relayout || flat == nil else { return }
        var shift = 0
        for c in columns.indices {
            columns[c].shift = shift
            shift += columns[c].bits
        }
        free(flat)
        flat = nil
        flatCount = 0
        guard shift <= Self.maxBits else {
            disabled = true
            interned = []
            columns = []
            packed = []
            return
        }
        let count = 1 << shift
        guard let memory = malloc(count * 4) else {
            throw EmberError(.outOfMemory, "cannot allocate \(count * 4) bytes for a dictionary group lookup")
        }
        flat = memory.assumingMemoryBound(to: Int32.self)
        flat?.initialize(repeating: -1, count: count)
        flatCount = count
    }
}
