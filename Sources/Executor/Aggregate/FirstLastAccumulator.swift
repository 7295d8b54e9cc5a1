// FirstLastAccumulator: Spark's first / last (optionally ignoring nulls), with the buffer
// (value, valueSet) that crosses the shuffle:
//
//   first:  update keeps the first row's value (the first non-null one with ignoreNulls);
//           merge keeps the left buffer if it is set, else the right one
//   last:   update keeps each row's value (each non-null one with ignoreNulls);
//           merge takes the right buffer if it is set
//
// Which row is "first" depends on the order rows reach the task, as in Spark (first and last are
// non-deterministic after a shuffle). Per batch, one pass picks the row each touched group keeps
// and only then copies values, so `last` copies one string per group and batch, not one per row.

@_spi(EmberInternal) import Planner

final class FirstLastAccumulator: Accumulator {
    let isFirst: Bool
    let ignoreNulls: Bool
    let store: ValueSlots
    var valueSet: [Bool] = []
    /// Scratch: the batch row each group keeps (-1: none), and the groups touched by the batch.
    private var chosen: [Int32] = []
    private var touched: [Int32] = []

    init(function: AggregateFunction, type: DataType) {
        isFirst = function == .first || function == .firstIgnoreNulls
        ignoreNulls = function == .firstIgnoreNulls || function == .lastIgnoreNulls
        store = ValueSlots(type)
    }

    var variableBytes: Int { store.variableBytes }

    func resize(_ groups: Int) {
        if valueSet.count < groups {
            valueSet.append(contentsOf: repeatElement(false, count: groups - valueSet.count))
            chosen.append(contentsOf: repeatElement(-1, count: groups - chosen.count))
            store.resize(groups)
        }
    }

    /// Rows offered: `candidate(r)` says whether row r may be kept. First keeps a group's first
    /// candidate if the group is unset; last keeps its last candidate.
    private func fold(_ g: [Int32], _ column: ColumnVector, _ candidate: (Int) -> Bool) {
        for r in 0..<g.count where candidate(r) {
            let k = Int(g[r])
            if isFirst && (valueSet[k] || chosen[k] >= 0) { continue }
            if chosen[k] < 0 { touched.append(Int32(k)) }
            chosen[k] = Int32(r)
        }
        for k in touched {
            let r = Int(chosen[Int(k)])
            store.set(Int(k), from: column, row: r)
            valueSet[Int(k)] = true
            chosen[Int(k)] = -1
        }
        touched.removeAll(keepingCapacity: true)
    }

    func update(_ g: [Int32], _ input: ColumnVector?) {
        guard let input else { return }
        if ignoreNulls { fold(g, input) { !input.isNull($0) } } else { fold(g, input) { _ in true } }
    }

    func merge(_ g: [Int32], _ b: ArraySlice<ColumnVector>) {
        let values = b[b.startIndex]
        guard case .boolean(let set) = b[b.startIndex + 1].values else { return }
        fold(g, values) { set[$0] }
    }

    func buffers(_ groups: Range<Int>) -> [ColumnVector] {
        [store.column(groups), ColumnVector(.boolean(Array(valueSet[groups])))]
    }

    func result(_ groups: Range<Int>) -> ColumnVector { store.column(groups) }
}

/// One nullable value per group, of a fixed type, stored by kind (integers, doubles, bytes).
final class ValueSlots {
    let type: DataType
    var integers: [Int64] = []
    var doubles: [Double] = []
    var strings: [[UInt8]] = []
    var isNull: [Bool] = []
    private(set) var variableBytes = 0

    init(_ type: DataType) { self.type = type }

    func resize(_ groups: Int) {
        let more = groups - isNull.count
        guard more > 0 else { return }
        isNull.append(contentsOf: repeatElement(true, count: more))
        switch type {
        case .double: doubles.append(contentsOf: repeatElement(0, count: more))
        case .string: strings.append(contentsOf: repeatElement([], count: more))
        default: integers.append(contentsOf: repeatElement(0, count: more))
        }
    }

    func set(_ k: Int, from c: ColumnVector, row r: Int) {
        isNull[k] = c.isNull(r)
        switch c.values {
        case .long(let v), .timestamp(let v): integers[k] = v[r]
        case .date(let v): integers[k] = Int64(v[r])
        case .boolean(let v): integers[k] = v[r] ? 1 : 0
        case .double(let v): doubles[k] = v[r]
        case .string(let s):
            variableBytes -= strings[k].count
            strings[k] = Array(s.bytes[Int(s.offsets[r])..<Int(s.offsets[r + 1])])
            variableBytes += strings[k].count
        case .list: break
        }
    }

    func column(_ groups: Range<Int>) -> ColumnVector {
        let validity = validityOf(isNull[groups].map { !$0 }[...])
        switch type {
        case .double: return ColumnVector(.double(Array(doubles[groups])), validity: validity)
        case .string:
            var out = StringArray()
            for v in strings[groups] { out.append(utf8: v) }
            return ColumnVector(.string(out), validity: validity)
        case .date: return ColumnVector(.date(integers[groups].map { Int32(truncatingIfNeeded: $0) }), validity: validity)
        case .timestamp: return ColumnVector(.timestamp(Array(integers[groups])), validity: validity)
        case .boolean: return ColumnVector(.boolean(integers[groups].map { $0 != 0 }), validity: validity)
        default: return ColumnVector(.long(Array(integers[groups])), validity: validity)
        }
    }
}
