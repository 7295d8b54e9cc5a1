// WindowAggregateEvaluator: an aggregate over each row's frame. The frame's ends only move forward,
// so rows enter the state once (a cursor at the frame's end) and leave it once (a cursor at its
// start), whatever the frame:
//
//   whole partition (UNBOUNDED .. UNBOUNDED)    every row enters for the first row; then constant
//   running (UNBOUNDED PRECEDING .. x)          rows only enter
//   sliding / shrinking (x .. y)                rows enter and leave: subtracted (count, sum, avg,
//                                               stddev, variance) or dropped from the min/max deque
//   a frame that jumps past the rows in the state starts the state afresh at its start
//   a state that subtraction can no longer keep exact (a variance after a large value left) is
//                                               rebuilt from the frame's rows, read by a copy of
//                                               the leaving cursor (it stands before the frame)
//
// first and last read the frame's ends instead: first = the row at lo, last = the row at hi; with
// ignoreNulls, a cursor that finds the first non-null at or after lo, and the last non-null seen
// up to hi (both move forward only).

@_spi(EmberInternal) import Planner

struct WindowAggregateEvaluator: WindowEvaluator {
    let aggregate: BoundAggregate
    /// Work batch column of the input (nil: count(*)).
    let input: Int?
    let count: Int
    /// first/last read the frame's ends; the others keep a state.
    private let readsEnds: Bool
    /// Rows leave the state by subtraction (else by position, from the min/max deque).
    private let subtracts: Bool
    private var bounds: WindowFrameBounds
    private var state: WindowAggregateState
    private var enter: GroupCursor
    private var leave: GroupCursor
    /// Functions that subtract read their numbers through these instead (no Value per row).
    private var enterNumbers: NumberCursor
    private var leaveNumbers: NumberCursor
    /// Rows in the state: [firstHeld, nextToEnter).
    private var firstHeld = 0
    private var nextToEnter = 0
    /// first/last with ignoreNulls: the scan for the first non-null at or after lo, and the last
    /// non-null row seen up to hi.
    private var firstNonNullRow = 0
    private var lastNonNull: (row: Int, value: Value)? = nil

    init(_ aggregate: BoundAggregate, input: Int?, frame: WindowFrame, buffer: WindowGroupBuffer, layout: WindowLayout) {
        self.aggregate = aggregate
        self.input = input
        self.count = buffer.count
        readsEnds = aggregate.function.isFirstOrLast
        subtracts = WindowAggregateState.subtracts(aggregate.function)
        bounds = WindowFrameBounds(frame: frame, buffer: buffer, layout: layout)
        state = WindowAggregateState(function: aggregate.function, resultType: aggregate.resultType)
        enter = buffer.cursor()
        leave = buffer.cursor()
        enterNumbers = NumberCursor(buffer.cursor(), column: input)
        leaveNumbers = NumberCursor(buffer.cursor(), column: input)
    }

    mutating func fill(_ ctx: WindowBatchContext, into out: inout ColumnBuilder) throws {
        for r in 0..<ctx.batch.numRows {
            let (lo, hi) = try bounds.bounds(ctx, r)
            if readsEnds {
                out.append(try firstOrLast(lo, hi))
            } else {
                try frameAggregate(lo, hi)
                state.appendResult(to: &out)
            }
        }
    }

    /// The input of group row `j` through `cursor` (count(*) counts every row as a non-null one).
    /// Static, so that moving one of the evaluator's cursors does not copy the evaluator.
    private static func value(_ cursor: inout GroupCursor, _ j: Int, _ input: Int?) throws -> Value {
        guard let input else { return .long(1) }
        try cursor.seek(j)
        return cursor.value(input)
    }

    /// Brings the state to the rows of the frame [lo, hi].
    private mutating func frameAggregate(_ lo: Int, _ hi: Int) throws {
        let end = Swift.max(lo, hi + 1)
        if lo >= nextToEnter {
            state.reset()
            firstHeld = lo
            nextToEnter = lo
        }
        if subtracts {
            while nextToEnter < end {
                state.add(try enterNumbers.read(nextToEnter))
                nextToEnter += 1
            }
            while firstHeld < lo {
                state.remove(try leaveNumbers.read(firstHeld))
                firstHeld += 1
            }
            if state.needsRebuild {
                state.reset()
                var rows = leaveNumbers
                for j in lo..<end { state.add(try rows.read(j)) }
            }
        } else {
            while nextToEnter < end {
                state.add(try Self.value(&enter, nextToEnter, input), row: nextToEnter)
                nextToEnter += 1
            }
            state.evict(before: lo)
            firstHeld = lo
        }
    }

    private mutating func firstOrLast(_ lo: Int, _ hi: Int) throws -> Value {
        guard lo <= hi else { return .null }
        switch aggregate.function {
        case .first: return try Self.value(&leave, lo, input)
        case .last: return try Self.value(&enter, hi, input)
        case .firstIgnoreNulls:
            firstNonNullRow = Swift.max(firstNonNullRow, lo)
            while firstNonNullRow <= hi {
                let v = try Self.value(&leave, firstNonNullRow, input)
                if !v.isNull { return v }
                firstNonNullRow += 1
            }
            return .null
        default:
            while nextToEnter <= hi {
                let v = try Self.value(&enter, nextToEnter, input)
                if !v.isNull { lastNonNull = (nextToEnter, v) }
                nextToEnter += 1
            }
            guard let last = lastNonNull, last.row >= lo else { return .null }
            return last.value
        }
    }
}
