// Window expressions (Spark's WindowExpression, WindowSpecDefinition, SpecifiedWindowFrame), as a
// front end builds them: `f OVER (PARTITION BY p… ORDER BY o… frame)`. The DataFrame API builds
// them with `Window.partitionBy(…).orderBy(…).rowsBetween(…)` and `column.over(spec)`; SQL's
// `OVER (…)` builds the same values:
//
//   Expression.window(function, WindowSpecDefinition(partitionBy:, orderBy:, frame:))
//     function: .windowFunction(kind, args)   row_number(), rank(), lag(x, 1, d) …
//               .aggregate(f, arg)            sum(x), count(*), first(x) … (any aggregate but DISTINCT)
//     frame:    nil = unspecified (Spark's defaults, chosen by the analyzer), or
//               WindowFrame(.rows | .range, lower, upper) with bounds
//               .unboundedPreceding | .unboundedFollowing | .currentRow | .offset(value)
//               (a negative offset lies before the current row: `3 PRECEDING` is .offset(-3))

/// ROWS frames count rows; RANGE frames compare the ORDER BY value (peers share a frame).
@_spi(EmberInternal) public enum WindowFrameType: String, Sendable, Codable, Hashable {
    case rows = "ROWS", range = "RANGE"
}

/// One end of a window frame.
@_spi(EmberInternal) public enum WindowBound: Sendable, Codable, Hashable {
    case unboundedPreceding
    case unboundedFollowing
    case currentRow
    /// Rows (ROWS) or ORDER BY value distance (RANGE) from the current row: negative = PRECEDING.
    /// A long, or for RANGE over a double key a double (dates take a long number of days).
    case offset(Value)

    /// The bound a front end's integer means, as Spark's rowsBetween/rangeBetween read it:
    /// Long.min and below-or-equal = UNBOUNDED PRECEDING, Long.max = UNBOUNDED FOLLOWING, 0 = CURRENT ROW.
    @_spi(EmberInternal) public static func fromLong(_ n: Int64) -> WindowBound {
        switch n {
        case .min: return .unboundedPreceding
        case .max: return .unboundedFollowing
        case 0: return .currentRow
        default: return .offset(.long(n))
        }
    }

    /// Spark's text: `UNBOUNDED PRECEDING`, `CURRENT ROW`, `3 PRECEDING`, `2 FOLLOWING`.
    @_spi(EmberInternal) public var sql: String {
        switch self {
        case .unboundedPreceding: return "UNBOUNDED PRECEDING"
        case .unboundedFollowing: return "UNBOUNDED FOLLOWING"
        case .currentRow: return "CURRENT ROW"
        case .offset(let v):
            switch v {
            case .long(let n): return n < 0 ? "\(n.magnitude) PRECEDING" : "\(n) FOLLOWING"
            case .double(let x): return x < 0 ? "\(formatDouble(-x)) PRECEDING" : "\(formatDouble(x)) FOLLOWING"
            default: return "\(v) FOLLOWING"
            }
        }
    }

    /// The offset as a signed number (0 for CURRENT ROW; nil when unbounded).
    @_spi(EmberInternal) public var offsetValue: Value? {
        switch self {
        case .currentRow: return .long(0)
        case .offset(let v): return v
        case .unboundedPreceding, .unboundedFollowing: return nil
        }
    }
}

/// A frame: which rows of the partition, relative to the current row, a function sees.
@_spi(EmberInternal) public struct WindowFrame: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var type: WindowFrameType
    @_spi(EmberInternal) public var lower: WindowBound
    @_spi(EmberInternal) public var upper: WindowBound
    @_spi(EmberInternal) public init(_ type: WindowFrameType, _ lower: WindowBound, _ upper: WindowBound) {
        self.type = type
        self.lower = lower
        self.upper = upper
    }

    /// ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING: the whole partition.
    @_spi(EmberInternal) public static let wholePartition = WindowFrame(.rows, .unboundedPreceding, .unboundedFollowing)
    /// RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW: the default with ORDER BY (peers included).
    @_spi(EmberInternal) public static let rangeToCurrentRow = WindowFrame(.range, .unboundedPreceding, .currentRow)
    /// ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW: what ranking functions use.
    @_spi(EmberInternal) public static let rowsToCurrentRow = WindowFrame(.rows, .unboundedPreceding, .currentRow)

    @_spi(EmberInternal) public var sql: String { "\(type.rawValue) BETWEEN \(lower.sql) AND \(upper.sql)" }
}

/// `OVER (PARTITION BY … ORDER BY … frame)`, unresolved (names).
@_spi(EmberInternal) public struct WindowSpecDefinition: Sendable, Hashable {
    @_spi(EmberInternal) public var partitionBy: [Expression]
    @_spi(EmberInternal) public var orderBy: [SortOrder]
    /// nil: no frame clause (the analyzer applies Spark's default for the function).
    @_spi(EmberInternal) public var frame: WindowFrame?
    @_spi(EmberInternal) public init(partitionBy: [Expression] = [], orderBy: [SortOrder] = [], frame: WindowFrame? = nil) {
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.frame = frame
    }

    /// `PARTITION BY k ORDER BY v ASC NULLS FIRST ROWS BETWEEN …`, as in Spark's column names.
    @_spi(EmberInternal) public var sql: String {
        var parts: [String] = []
        if !partitionBy.isEmpty { parts.append("PARTITION BY " + partitionBy.map(\.displayName).joined(separator: ", ")) }
        if !orderBy.isEmpty {
            parts.append("ORDER BY " + orderBy.map {
                "\($0.expression.displayName) \($0.ascending ? "ASC" : "DESC") NULLS \($0.nullsFirst ? "FIRST" : "LAST")"
            }.joined(separator: ", "))
        }
        if let frame { parts.append(frame.sql) }
        return parts.joined(separator: " ")
    }
}

/// The window functions proper (Spark's AggregateWindowFunction and offset functions); aggregates
/// over a window are `Expression.aggregate` inside `Expression.window`.
@_spi(EmberInternal) public enum WindowFunctionKind: Sendable, Codable, Hashable {
    case rowNumber, rank, denseRank, percentRank, cumeDist
    /// `ntile(n)`: bucket 1…n, sizes differing by at most one (the first buckets are larger).
    case ntile(Int)
    /// `lag(input[, default])`: `input` `offset` rows before the current row (default when there is no such row).
    case lag(offset: Int, ignoreNulls: Bool)
    /// `lead(input[, default])`: `input` `offset` rows after the current row.
    case lead(offset: Int, ignoreNulls: Bool)

    /// Spark's name of the function (`row_number`, `dense_rank`, …).
    @_spi(EmberInternal) public var name: String {
        switch self {
        case .rowNumber: return "row_number"
        case .rank: return "rank"
        case .denseRank: return "dense_rank"
        case .percentRank: return "percent_rank"
        case .cumeDist: return "cume_dist"
        case .ntile: return "ntile"
        case .lag: return "lag"
        case .lead: return "lead"
        }
    }

    /// The column name Spark gives the bare function (`row_number()`, `lag(x, 1, NULL)`).
    @_spi(EmberInternal) public func displayName(_ args: [Expression]) -> String {
        switch self {
        case .rowNumber, .rank, .denseRank, .percentRank, .cumeDist: return "\(name)()"
        case .ntile(let n): return "ntile(\(n))"
        case .lag(let offset, _), .lead(let offset, _):
            let input = args.first?.displayName ?? "?"
            let fallback = args.count > 1 ? args[1].displayName : "NULL"
            return "\(name)(\(input), \(offset), \(fallback))"
        }
    }
}
