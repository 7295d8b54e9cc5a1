// SelectionMask: the rows of a batch that a predicate's conjuncts hold for so far, one byte a row
// (1 selected, 0 not), and how many. Conjuncts fold in with a byte-wise AND and the rows are listed
// by a compaction that writes every index and advances by the row's byte: no branch per row, so a
// predicate true for about half the rows costs no mispredictions (a list of row indices per
// conjunct, intersected, did: a branch per row in both).

@_spi(EmberInternal) public struct SelectionMask {
    @_spi(EmberInternal) public private(set) var bytes: [UInt8]
    /// Rows selected.
    @_spi(EmberInternal) public private(set) var selected: Int

    /// All `rows` rows selected.
    @_spi(EmberInternal) public init(rows: Int) {
        bytes = [UInt8](repeating: 1, count: rows)
        selected = rows
    }

    /// Keeps only the rows where `condition` (a boolean column of as many rows) is also true; null
    /// counts as false.
    @_spi(EmberInternal) public mutating func and(_ condition: ColumnVector) throws {
        guard case .boolean(let values) = condition.values else { throw typeError("a filter condition", condition) }
        let n = bytes.count
        guard values.count == n else {
            throw EmberError(.internal, "a filter condition gave \(values.count) values for \(n) rows", hint: "please report it")
        }
        let validity = condition.validity
        if let validity { precondition(validity.words.count * 64 >= n, "a validity bitmap shorter than its column") }
        var total = 0
        bytes.withUnsafeMutableBufferPointer { mask in
            values.withUnsafeBytes { v in   // a Bool is one byte, 0 or 1, read as a raw byte
                if let words = validity?.words {
                    words.withUnsafeBufferPointer { w in
                        for i in 0..<n {
                            let m = mask[i] & v[i] & UInt8(truncatingIfNeeded: w[i >> 6] >> UInt64(i & 63))
                            mask[i] = m
                            total &+= Int(m)
                        }
                    }
                } else {
                    for i in 0..<n {
                        let m = mask[i] & v[i]
                        mask[i] = m
                        total &+= Int(m)
                    }
                }
            }
        }
        selected = total
    }

    /// The selected rows' indices, ascending.
    @_spi(EmberInternal) public func rows() -> [Int32] {
        let n = bytes.count
        return [Int32](unsafeUninitializedCapacity: selected) { out, initialized in
            var k = 0
            bytes.withUnsafeBufferPointer { mask in
                // The last selected row is written at k < selected; an index after it would land at
                // k == selected: the loop stops at that point.
                var i = 0
                while i < n && k < selected {
                    out[k] = Int32(truncatingIfNeeded: i)
                    k &+= Int(mask[i])
                    i += 1
                }
            }
            initialized = k
        }
    }
}
