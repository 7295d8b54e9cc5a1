// The window functions of a WindowExec, each evaluated over one partition group a batch of rows
// at a time, in row order (a fresh evaluator per group):
//
//   row_number, rank, dense_rank, percent_rank   from the current rows: a new peer group starts where
//                                                the ORDER BY keys differ from the previous row's
//   cume_dist                                    (end of the current row's peers + 1) / n
//   ntile(k)                                     from the row number and n: the first n mod k
//                                                buckets hold one row more
//   lag / lead                                   a forward cursor at row i ± offset; with ignoreNulls
//                                                one that counts the non-null inputs it passes
//   aggregates                                   WindowAggregateEvaluator

@_spi(EmberInternal) import Planner

protocol WindowEvaluator {
    /// Appends the function's value for each row of the context's batch.
    mutating func fill(_ ctx: WindowBatchContext, into out: inout ColumnBuilder) throws
}

/// row_number, rank, dense_rank, percent_rank, ntile.
struct RankingEvaluator: WindowEvaluator {
    let function: BoundWindowFunction
    let count: Int
    /// The ORDER BY key columns of the previous batch and its last row.
    private var previous: (keys: [ColumnVector], row: Int)?
    private var rank = 0
    private var denseRank = 0

    init(_ function: BoundWindowFunction, count: Int) {
        self.function = function
        self.count = count
    }

    mutating func fill(_ ctx: WindowBatchContext, into out: inout ColumnBuilder) throws {
        let n = ctx.batch.numRows
        let peers: Bool
        switch function {
        case .rank, .denseRank, .percentRank: peers = true
        default: peers = false
        }
        let changes = peers ? WindowKeyChanges.changes(ctx.keys.columns, count: n, previous: previous) : []
        for r in 0..<n {
            let i = ctx.start + r
            let newPeers = peers && changes[r]
            if newPeers {
                rank = i + 1
                denseRank += 1
            }
            switch function {
            case .rowNumber: out.appendLong(Int64(i + 1))
            case .rank: out.appendLong(Int64(rank))
            case .denseRank: out.appendLong(Int64(denseRank))
            case .percentRank: out.appendDouble(count > 1 ? Double(rank - 1) / Double(count - 1) : 0)
            case .ntile(let buckets): out.appendLong(Int64(Self.ntile(row: i, count: count, buckets: buckets)))
            default: out.appendNull()
            }
        }
        if n > 0 { previous = (ctx.keys.columns, n - 1) }
    }

    /// Spark's NTile: bucket sizes n / k, the first n mod k buckets one row larger.
    static func ntile(row i: Int, count n: Int, buckets k: Int) -> Int {
        let size = n / k, padded = n % k
        let paddedRows = (size + 1) * padded
        if i < paddedRows { return i / (size + 1) + 1 }
        return padded + (i - paddedRows) / Swift.max(size, 1) + 1
    }
}

/// cume_dist(): rows up to the last peer of the current row, over the group's rows.
struct CumeDistEvaluator: WindowEvaluator {
    var bounds: WindowFrameBounds

    mutating func fill(_ ctx: WindowBatchContext, into out: inout ColumnBuilder) throws {
        for r in 0..<ctx.batch.numRows {
            let (_, hi) = try bounds.bounds(ctx, r)
            out.appendDouble(Double(hi + 1) / Double(bounds.count))
        }
    }
}

/// lag / lead: the input `offset` rows away (counting only non-null inputs with ignoreNulls), or
/// the default evaluated on the current row.
struct OffsetEvaluator: WindowEvaluator {
    let offset: Int
    let ignoreNulls: Bool
    /// Work batch columns of the input and of the default (nil: null).
    let input: Int
    let fallback: Int?
    let count: Int
    private var cursor: GroupCursor
    /// ignoreNulls: the cursor's row, and how many non-null inputs lie before it.
    private var scanRow = 0
    private var nonNullsBeforeScan = 0
    private var nonNullsThroughCurrent = 0

    init(offset: Int, ignoreNulls: Bool, input: Int, fallback: Int?, buffer: WindowGroupBuffer) {
        self.offset = offset
        self.ignoreNulls = ignoreNulls
        self.input = input
        self.fallback = fallback
        self.count = buffer.count
        cursor = buffer.cursor()
    }

    mutating func fill(_ ctx: WindowBatchContext, into out: inout ColumnBuilder) throws {
        let column = ctx.batch.columns[input]
        for r in 0..<ctx.batch.numRows {
            let i = ctx.start + r
            let currentIsNull = column.isNull(r)
            if !currentIsNull { nonNullsThroughCurrent += 1 }
            var found: Value? = nil
            if offset == 0 {
                found = column.value(at: r)
            } else if !ignoreNulls {
                let (target, overflow) = i.addingReportingOverflow(offset)
                if !overflow && target >= 0 && target < count {
                    try cursor.seek(target)
                    found = cursor.value(input)
                }
            } else {
                // The t-th non-null input of the group (0-based): after the current row for lead,
                // before it for lag.
                let before = nonNullsThroughCurrent - (currentIsNull ? 0 : 1)
                let (t, overflow) = offset > 0 ? (nonNullsThroughCurrent - 1).addingReportingOverflow(offset) : before.addingReportingOverflow(offset)
                if !overflow && t >= 0 { found = try nonNull(number: t) }
            }
            if let found {
                out.append(found)
            } else if let fallback {
                out.append(ctx.batch.columns[fallback].value(at: r))
            } else {
                out.appendNull()
            }
        }
    }

    /// The t-th non-null input of the group (t never decreases between calls), nil if there is none.
    private mutating func nonNull(number t: Int) throws -> Value? {
        while scanRow < count {
            try cursor.seek(scanRow)
            if !cursor.isNull(input) {
                if nonNullsBeforeScan == t { return cursor.value(input) }
                nonNullsBeforeScan += 1
            }
            scanRow += 1
        }
        return nil
    }
}
