// Accumulators: per-group aggregate state stored column-wise, indexed by dense group id.
// Each one updates from raw input (Partial mode), merges partial buffers (Final mode), emits its
// buffer columns (what crosses the shuffle) and its final result, with Spark's null semantics:
// count(*) counts rows, count(x) non-null values; sum/avg/min/max skip nulls; over only nulls they
// are null (count is 0).

@_spi(EmberInternal) import Planner

protocol Accumulator: AnyObject {
    /// Grows state to `groups` groups.
    func resize(_ groups: Int)
    /// Makes room for `groups` groups ahead of ``resize(_:)`` (a table sized up front).
    func reserve(_ groups: Int)
    /// Partial mode: folds raw input values (nil input = count(*)).
    func update(_ groupIds: [Int32], _ input: ColumnVector?)
    /// Final mode: folds buffer columns produced by `buffers()` of partial aggregates.
    func merge(_ groupIds: [Int32], _ buffers: ArraySlice<ColumnVector>)
    /// Buffer columns for groups `groups`.
    func buffers(_ groups: Range<Int>) -> [ColumnVector]
    /// Final values for groups `groups`.
    func result(_ groups: Range<Int>) -> ColumnVector
    /// Bytes held per group beyond the fixed-width slots the aggregate counts (variable-length
    /// state such as the strings of min/max), so the aggregate's reservation covers them.
    var variableBytes: Int { get }
}

extension Accumulator {
    var variableBytes: Int { 0 }
    func reserve(_ groups: Int) {}
}

/// Builds the accumulator for an aggregate.
func makeAccumulator(_ agg: BoundAggregate) -> any Accumulator {
    switch agg.function {
    case .count: return CountAccumulator()
    case .sum: return agg.inputType == .double ? SumDoubleAccumulator() : SumLongAccumulator()
    case .avg: return AvgAccumulator()
    case .min, .max:
        let isMin = agg.function == .min
        switch agg.inputType ?? .long {
        case .double: return MinMaxDoubleAccumulator(isMin: isMin)
        case .string, .array: return MinMaxStringAccumulator(isMin: isMin)
        case let t: return MinMaxIntegerAccumulator(isMin: isMin, type: t)
        }
    case .first, .last, .firstIgnoreNulls, .lastIgnoreNulls: return FirstLastAccumulator(function: agg.function, type: agg.inputType ?? .long)
    case .stddevSamp, .stddevPop, .varSamp, .varPop: return CentralMomentAccumulator(agg.function)
    }
}

@inline(__always) func validityOf(_ seen: ArraySlice<Bool>) -> Bitmap? {
    var bits = Bitmap(count: seen.count, value: true)
    var any = false
    for (i, s) in seen.enumerated() where !s { bits[i] = false; any = true }
    return any ? bits : nil
}

final class CountAccumulator: Accumulator {
    var counts: [Int64] = []
    func reserve(_ groups: Int) { counts.reserveCapacity(groups) }
    func resize(_ groups: Int) { if counts.count < groups { counts.append(contentsOf: repeatElement(0, count: groups - counts.count)) } }
    func update(_ g: [Int32], _ input: ColumnVector?) {
        counts.withUnsafeMutableBufferPointer { c in
            g.withUnsafeBufferPointer { ids in
                if let input, let validity = input.validity {
                    for r in 0..<ids.count where validity[r] { c[Int(ids[r])] &+= 1 }
                } else {
                    for r in 0..<ids.count { c[Int(ids[r])] &+= 1 }
                }
            }
        }
    }
    func merge(_ g: [Int32], _ b: ArraySlice<ColumnVector>) {
        guard case .long(let v) = b[b.startIndex].values else { return }
        counts.withUnsafeMutableBufferPointer { c in
            g.withUnsafeBufferPointer { ids in
                v.withUnsafeBufferPointer { x in for r in 0..<ids.count { c[Int(ids[r])] &+= x[r] } }
            }
        }
    }
    func buffers(_ groups: Range<Int>) -> [ColumnVector] { [result(groups)] }
    func result(_ groups: Range<Int>) -> ColumnVector { ColumnVector(.long(Array(counts[groups]))) }
}

final class SumLongAccumulator: Accumulator {
    var sums: [Int64] = []
    var seen: [Bool] = []
    func reserve(_ groups: Int) {
        sums.reserveCapacity(groups)
        seen.reserveCapacity(groups)
    }
    func resize(_ groups: Int) {
        if sums.count < groups {
            sums.append(contentsOf: repeatElement(0, count: groups - sums.count))
            seen.append(contentsOf: repeatElement(false, count: groups - seen.count))
        }
    }
    func fold(_ g: [Int32], _ c: ColumnVector) {
        guard case .long(let v) = c.values else { return }
        let validity = c.validity
        sums.withUnsafeMutableBufferPointer { sum in
            seen.withUnsafeMutableBufferPointer { seen in
                g.withUnsafeBufferPointer { ids in
                    v.withUnsafeBufferPointer { x in
                        for r in 0..<ids.count where validity?[r] ?? true {
                            let k = Int(ids[r])
                            sum[k] &+= x[r]
                            seen[k] = true
                        }
                    }
                }
            }
        }
    }
    func update(_ g: [Int32], _ input: ColumnVector?) { if let input { fold(g, input) } }
    func merge(_ g: [Int32], _ b: ArraySlice<ColumnVector>) { fold(g, b[b.startIndex]) }
    func buffers(_ groups: Range<Int>) -> [ColumnVector] { [result(groups)] }
    func result(_ groups: Range<Int>) -> ColumnVector { ColumnVector(.long(Array(sums[groups])), validity: validityOf(seen[groups])) }
}

final class SumDoubleAccumulator: Accumulator {
    var sums: [Double] = []
    var seen: [Bool] = []
    func reserve(_ groups: Int) {
        sums.reserveCapacity(groups)
        seen.reserveCapacity(groups)
    }
    func resize(_ groups: Int) {
        if sums.count < groups {
            sums.append(contentsOf: repeatElement(0, count: groups - sums.count))
            seen.append(contentsOf: repeatElement(false, count: groups - seen.count))
        }
    }
    func fold(_ g: [Int32], _ c: ColumnVector) {
        guard case .double(let v) = c.values else { return }
        let validity = c.validity
        sums.withUnsafeMutableBufferPointer { sum in
            seen.withUnsafeMutableBufferPointer { seen in
                g.withUnsafeBufferPointer { ids in
                    v.withUnsafeBufferPointer { x in
                        for r in 0..<ids.count where validity?[r] ?? true {
                            let k = Int(ids[r])
                            sum[k] += x[r]
                            seen[k] = true
                        }
                    }
                }
            }
        }
    }
    func update(_ g: [Int32], _ input: ColumnVector?) { if let input { fold(g, input) } }
    func merge(_ g: [Int32], _ b: ArraySlice<ColumnVector>) { fold(g, b[b.startIndex]) }
    func buffers(_ groups: Range<Int>) -> [ColumnVector] { [result(groups)] }
    func result(_ groups: Range<Int>) -> ColumnVector { ColumnVector(.double(Array(sums[groups])), validity: validityOf(seen[groups])) }
}

final class AvgAccumulator: Accumulator {
    var sums: [Double] = []
    var counts: [Int64] = []
    func reserve(_ groups: Int) {
        sums.reserveCapacity(groups)
        counts.reserveCapacity(groups)
    }
    func resize(_ groups: Int) {
        if sums.count < groups {
            sums.append(contentsOf: repeatElement(0, count: groups - sums.count))
            counts.append(contentsOf: repeatElement(0, count: groups - counts.count))
        }
    }
    func update(_ g: [Int32], _ input: ColumnVector?) {
        guard let input else { return }
        let validity = input.validity
        sums.withUnsafeMutableBufferPointer { sum in
            counts.withUnsafeMutableBufferPointer { count in
                g.withUnsafeBufferPointer { ids in
                    switch input.values {
                    case .long(let v):
                        v.withUnsafeBufferPointer { x in
                            for r in 0..<ids.count where validity?[r] ?? true { sum[Int(ids[r])] += Double(x[r]); count[Int(ids[r])] &+= 1 }
                        }
                    case .double(let v):
                        v.withUnsafeBufferPointer { x in
                            for r in 0..<ids.count where validity?[r] ?? true { sum[Int(ids[r])] += x[r]; count[Int(ids[r])] &+= 1 }
                        }
                    default: break
                    }
                }
            }
        }
    }
    func merge(_ g: [Int32], _ b: ArraySlice<ColumnVector>) {
        guard case .double(let s) = b[b.startIndex].values, case .long(let c) = b[b.startIndex + 1].values else { return }
        sums.withUnsafeMutableBufferPointer { sum in
            counts.withUnsafeMutableBufferPointer { count in
                for r in 0..<g.count { sum[Int(g[r])] += s[r]; count[Int(g[r])] &+= c[r] }
            }
        }
    }
    func buffers(_ groups: Range<Int>) -> [ColumnVector] { [ColumnVector(.double(Array(sums[groups]))), ColumnVector(.long(Array(counts[groups])))] }
    func result(_ groups: Range<Int>) -> ColumnVector {
        let values = zip(sums[groups], counts[groups]).map { $1 == 0 ? 0 : $0 / Double($1) }
        return ColumnVector(.double(values), validity: validityOf(counts[groups].map { $0 > 0 }[...]))
    }
}

/// min/max over bigint, date, timestamp and boolean, kept as Int64.
final class MinMaxIntegerAccumulator: Accumulator {
    let isMin: Bool
    let type: DataType
    var values: [Int64] = []
    var seen: [Bool] = []
    init(isMin: Bool, type: DataType) { self.isMin = isMin; self.type = type }
    func resize(_ groups: Int) {
        if values.count < groups {
            values.append(contentsOf: repeatElement(0, count: groups - values.count))
            seen.append(contentsOf: repeatElement(false, count: groups - seen.count))
        }
    }
    func fold(_ g: [Int32], _ c: ColumnVector) {
        let validity = c.validity
        func run(_ get: (Int) -> Int64) {
            for r in 0..<g.count where validity?[r] ?? true {
                let k = Int(g[r]), v = get(r)
                if !seen[k] || (isMin ? v < values[k] : v > values[k]) { values[k] = v; seen[k] = true }
            }
        }
        switch c.values {
        case .long(let v), .timestamp(let v): run { v[$0] }
        case .date(let v): run { Int64(v[$0]) }
        case .boolean(let v): run { v[$0] ? 1 : 0 }
        default: break
        }
    }
    func update(_ g: [Int32], _ input: ColumnVector?) { if let input { fold(g, input) } }
    func merge(_ g: [Int32], _ b: ArraySlice<ColumnVector>) { fold(g, b[b.startIndex]) }
    func buffers(_ groups: Range<Int>) -> [ColumnVector] { [result(groups)] }
    func result(_ groups: Range<Int>) -> ColumnVector {
        let validity = validityOf(seen[groups])
        let values = self.values[groups]
        switch type {
        case .date: return ColumnVector(.date(values.map { Int32(truncatingIfNeeded: $0) }), validity: validity)
        case .timestamp: return ColumnVector(.timestamp(Array(values)), validity: validity)
        case .boolean: return ColumnVector(.boolean(values.map { $0 != 0 }), validity: validity)
        default: return ColumnVector(.long(Array(values)), validity: validity)
        }
    }
}

final class MinMaxDoubleAccumulator: Accumulator {
    let isMin: Bool
    var values: [Double] = []
    var seen: [Bool] = []
    init(isMin: Bool) { self.isMin = isMin }
    func resize(_ groups: Int) {
        if values.count < groups {
            values.append(contentsOf: repeatElement(0, count: groups - values.count))
            seen.append(contentsOf: repeatElement(false, count: groups - seen.count))
        }
    }
    func fold(_ g: [Int32], _ c: ColumnVector) {
        guard case .double(let v) = c.values else { return }
        let validity = c.validity
        for r in 0..<g.count where validity?[r] ?? true {
            let k = Int(g[r])
            let cmp = doubleCompare(v[r], values[k])
            if !seen[k] || (isMin ? cmp < 0 : cmp > 0) { values[k] = v[r]; seen[k] = true }
        }
    }
    func update(_ g: [Int32], _ input: ColumnVector?) { if let input { fold(g, input) } }
    func merge(_ g: [Int32], _ b: ArraySlice<ColumnVector>) { fold(g, b[b.startIndex]) }
    func buffers(_ groups: Range<Int>) -> [ColumnVector] { [result(groups)] }
    func result(_ groups: Range<Int>) -> ColumnVector { ColumnVector(.double(Array(values[groups])), validity: validityOf(seen[groups])) }
}

final class MinMaxStringAccumulator: Accumulator {
    let isMin: Bool
    var values: [[UInt8]] = []
    var seen: [Bool] = []
    /// The bytes of the kept strings, with each array's header and allocation rounding.
    private(set) var variableBytes = 0
    init(isMin: Bool) { self.isMin = isMin }

    /// Keeps `candidate` as group k's value, accounting its bytes.
    private func keep(_ candidate: ArraySlice<UInt8>, for k: Int) {
        variableBytes -= Self.heldBytes(values[k].count)
        values[k] = Array(candidate)
        variableBytes += Self.heldBytes(candidate.count)
    }

    /// An array's heap: 32 bytes of header, rounded up to malloc's 16; an empty one shares storage.
    private static func heldBytes(_ count: Int) -> Int { count == 0 ? 0 : (32 + count + 15) & ~15 }
    func resize(_ groups: Int) {
        if values.count < groups {
            values.append(contentsOf: repeatElement([], count: groups - values.count))
            seen.append(contentsOf: repeatElement(false, count: groups - seen.count))
        }
    }
    func fold(_ g: [Int32], _ c: ColumnVector) {
        guard case .string(let s) = c.values else { return }
        let validity = c.validity
        for r in 0..<g.count where validity?[r] ?? true {
            let k = Int(g[r])
            let candidate = s.bytes[Int(s.offsets[r])..<Int(s.offsets[r + 1])]
            if !seen[k] {
                keep(candidate, for: k)
                seen[k] = true
            } else {
                let less = candidate.lexicographicallyPrecedes(values[k])
                let greater = values[k].lexicographicallyPrecedes(candidate)
                if isMin ? less : greater { keep(candidate, for: k) }
            }
        }
    }
    func update(_ g: [Int32], _ input: ColumnVector?) { if let input { fold(g, input) } }
    func merge(_ g: [Int32], _ b: ArraySlice<ColumnVector>) { fold(g, b[b.startIndex]) }
    func buffers(_ groups: Range<Int>) -> [ColumnVector] { [result(groups)] }
    func result(_ groups: Range<Int>) -> ColumnVector {
        var out = StringArray()
        for v in values[groups] { out.append(utf8: v) }
        return ColumnVector(.string(out), validity: validityOf(seen[groups]))
    }
}
