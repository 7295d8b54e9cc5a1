// SortKeyPointers: the sort keys of several batches, read through pointers captured once, for the
// comparisons of a comparison sort. SortKeys.compare reads each key column as a ColumnVector,
// which copies its arrays' references (a retain and a release each) on every comparison; sorting
// strings that tie on their prefix (word count's words of equal counts) spent a quarter of its
// time on those. Same order as SortKeys.compare: nulls where `nullsFirst` puts them, doubles by
// doubleCompare (NaN last), strings by their bytes.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(EmberInternal) import Planner

final class SortKeyPointers {
    /// A key column of one batch, by pointer (valid while `keys` holds the batches' columns).
    private struct Column {
        enum Kind { case long, timestamp, double, date, boolean, string, other }
        var kind: Kind
        var values: UnsafeRawPointer?
        var bytes: UnsafePointer<UInt8>?
        var validity: UnsafePointer<UInt64>?
    }

    private let keys: [SortKeys]
    private let keyCount: Int
    private let ascending: [Bool]
    private let nullsFirst: [Bool]
    /// columns[batch * keyCount + k]
    private let columns: UnsafeMutablePointer<Column>

    /// `keys`: one per batch, all of the same orders.
    init(_ keys: [SortKeys]) {
        self.keys = keys
        let orders = keys.first?.orders ?? []
        keyCount = orders.count
        ascending = orders.map(\.ascending)
        nullsFirst = orders.map(\.nullsFirst)
        columns = .allocate(capacity: max(1, keys.count * keyCount))
        for (b, batchKeys) in keys.enumerated() {
            for k in 0..<keyCount {
                let column = batchKeys.columns[k]
                var c = Column(kind: .other, values: nil, bytes: nil, validity: nil)
                c.validity = column.validity?.words.withUnsafeBufferPointer { $0.baseAddress }
                switch column.values {
                case .long(let v): c.kind = .long; c.values = v.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
                case .timestamp(let v): c.kind = .timestamp; c.values = v.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
                case .double(let v): c.kind = .double; c.values = v.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
                case .date(let v): c.kind = .date; c.values = v.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
                case .boolean(let v): c.kind = .boolean; c.values = v.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
                case .string(let s):
                    c.kind = .string
                    c.values = s.offsets.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
                    c.bytes = s.bytes.withUnsafeBufferPointer { $0.baseAddress }
                case .list: c.kind = .other
                }
                (columns + b * keyCount + k).initialize(to: c)
            }
        }
    }

    deinit { columns.deallocate() }

    /// Compares row `i` of batch `a` with row `j` of batch `b`: < 0, 0 or > 0.
    @inline(__always)
    func compare(_ a: Int, _ i: Int, _ b: Int, _ j: Int) -> Int {
        for k in 0..<keyCount {
            let x = columns[a * keyCount + k], y = columns[b * keyCount + k]
            let xNull = x.validity.map { ($0[i >> 6] >> UInt64(i & 63)) & 1 == 0 } ?? false
            let yNull = y.validity.map { ($0[j >> 6] >> UInt64(j & 63)) & 1 == 0 } ?? false
            if xNull || yNull {
                if xNull && yNull { continue }
                return (xNull ? -1 : 1) * (nullsFirst[k] ? 1 : -1)
            }
            var c = 0
            switch (x.kind, y.kind) {
            case (.long, .long), (.timestamp, .timestamp):
                let p = x.values!.assumingMemoryBound(to: Int64.self)[i], q = y.values!.assumingMemoryBound(to: Int64.self)[j]
                c = p < q ? -1 : (p == q ? 0 : 1)
            case (.double, .double):
                c = doubleCompare(x.values!.assumingMemoryBound(to: Double.self)[i], y.values!.assumingMemoryBound(to: Double.self)[j])
            case (.date, .date):
                let p = x.values!.assumingMemoryBound(to: Int32.self)[i], q = y.values!.assumingMemoryBound(to: Int32.self)[j]
                c = p < q ? -1 : (p == q ? 0 : 1)
            case (.boolean, .boolean):
                let p = x.values!.assumingMemoryBound(to: Bool.self)[i], q = y.values!.assumingMemoryBound(to: Bool.self)[j]
                c = p == q ? 0 : (p ? 1 : -1)
            case (.string, .string):
                c = Self.compareBytes(x, i, y, j)
            default:
                c = compareValues(keys[a].columns[k].value(at: i), keys[b].columns[k].value(at: j))
            }
            if c != 0 { return ascending[k] ? c : -c }
        }
        return 0
    }

    @inline(__always)
    private static func compareBytes(_ x: Column, _ i: Int, _ y: Column, _ j: Int) -> Int {
        let xo = x.values!.assumingMemoryBound(to: Int32.self), yo = y.values!.assumingMemoryBound(to: Int32.self)
        let a0 = Int(xo[i]), a1 = Int(xo[i + 1]), b0 = Int(yo[j]), b1 = Int(yo[j + 1])
        let n = min(a1 - a0, b1 - b0)
        if n > 0 {
            let c = memcmp(x.bytes! + a0, y.bytes! + b0, n)
            if c != 0 { return c < 0 ? -1 : 1 }
        }
        return (a1 - a0) < (b1 - b0) ? -1 : ((a1 - a0) == (b1 - b0) ? 0 : 1)
    }
}
