// The resolved window operator (Spark's logical Window and WindowExec share it): window functions
// that share one PARTITION BY and ORDER BY, each with its resolved frame. Its output is the child's
// columns followed by one column per function, so a filter or a projection above it still finds
// the child's columns at their positions.
//
//   Window [rank() ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW AS r, sum(x) RANGE … AS s],
//          partitionBy=[k#0], orderBy=[v#1 ASC NULLS FIRST]
//   output: child columns ++ [r, s]

/// A resolved window function: what the window operator computes for each row.
@_spi(EmberInternal) public enum BoundWindowFunction: Sendable, Codable, Hashable {
    case rowNumber, rank, denseRank, percentRank, cumeDist
    case ntile(Int)
    /// `input` of the row `offset` rows away within the partition (negative: before; lag is a negative
    /// offset), or `fallback` evaluated on the current row when there is no such row. With
    /// `ignoreNulls`, the offset counts only rows whose input is not null.
    case offset(input: BoundExpression, offset: Int, fallback: BoundExpression?, ignoreNulls: Bool)
    /// An aggregate over the function's frame.
    case aggregate(BoundAggregate)

    @_spi(EmberInternal) public var resultType: DataType {
        switch self {
        case .rowNumber, .rank, .denseRank, .ntile: return .long
        case .percentRank, .cumeDist: return .double
        case .offset(let input, _, _, _): return input.dataType
        case .aggregate(let a): return a.resultType
        }
    }

    /// Null never comes out of the ranking functions and counts.
    @_spi(EmberInternal) public var nullable: Bool {
        switch self {
        case .rowNumber, .rank, .denseRank, .ntile, .percentRank, .cumeDist: return false
        case .offset: return true
        case .aggregate(let a): return a.function != .count
        }
    }

    /// The expressions the function reads from its input rows.
    @_spi(EmberInternal) public var inputs: [BoundExpression] {
        switch self {
        case .rowNumber, .rank, .denseRank, .percentRank, .cumeDist, .ntile: return []
        case .offset(let input, _, let fallback, _): return [input] + (fallback.map { [$0] } ?? [])
        case .aggregate(let a): return a.input.map { [$0] } ?? []
        }
    }

    /// The same function reading columns through `mapping` (old index → new index).
    @_spi(EmberInternal) public func remapColumns(_ mapping: [Int: Int]) -> BoundWindowFunction {
        switch self {
        case .rowNumber, .rank, .denseRank, .percentRank, .cumeDist, .ntile: return self
        case .offset(let input, let offset, let fallback, let ignoreNulls):
            return .offset(input: input.remapColumns(mapping), offset: offset, fallback: fallback?.remapColumns(mapping), ignoreNulls: ignoreNulls)
        case .aggregate(let a):
            return .aggregate(BoundAggregate(function: a.function, input: a.input?.remapColumns(mapping), name: a.name))
        }
    }

    @_spi(EmberInternal) public func describe(_ schema: StructType) -> String {
        switch self {
        case .rowNumber: return "row_number()"
        case .rank: return "rank()"
        case .denseRank: return "dense_rank()"
        case .percentRank: return "percent_rank()"
        case .cumeDist: return "cume_dist()"
        case .ntile(let n): return "ntile(\(n))"
        case .offset(let input, let offset, let fallback, let ignoreNulls):
            let name = offset < 0 ? "lag" : "lead"
            return "\(name)(\(input.describe(schema)), \(offset.magnitude), \(fallback?.describe(schema) ?? "null"))" + (ignoreNulls ? " ignore nulls" : "")
        case .aggregate(let a): return "\(a.function.rawValue)(\(a.input?.describe(schema) ?? "*"))"
        }
    }
}

/// One function of a window operator with its frame and output name.
@_spi(EmberInternal) public struct BoundWindowExpression: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var function: BoundWindowFunction
    /// The resolved frame (defaults applied). Ranking and offset functions ignore it.
    @_spi(EmberInternal) public var frame: WindowFrame
    @_spi(EmberInternal) public var name: String
    @_spi(EmberInternal) public init(function: BoundWindowFunction, frame: WindowFrame, name: String) {
        self.function = function
        self.frame = frame
        self.name = name
    }
}

/// A window operator: its partition and order keys (over the child's columns) and its functions.
@_spi(EmberInternal) public struct BoundWindow: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var partitionBy: [BoundExpression]
    @_spi(EmberInternal) public var orderBy: [BoundSortOrder]
    @_spi(EmberInternal) public var functions: [BoundWindowExpression]
    @_spi(EmberInternal) public init(partitionBy: [BoundExpression], orderBy: [BoundSortOrder], functions: [BoundWindowExpression]) {
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.functions = functions
    }

    /// The operator's output: the child's columns, then one per function.
    @_spi(EmberInternal) public func schema(child: StructType) -> StructType {
        StructType(child.fields + functions.map { StructField($0.name, $0.function.resultType, nullable: $0.function.nullable) })
    }

    /// Child columns the operator reads.
    @_spi(EmberInternal) public var referencedColumns: Set<Int> {
        var out = Set<Int>()
        for p in partitionBy { out.formUnion(p.referencedColumns) }
        for o in orderBy { out.formUnion(o.expression.referencedColumns) }
        for f in functions { for e in f.function.inputs { out.formUnion(e.referencedColumns) } }
        return out
    }

    /// The same operator over a child whose columns moved (old index → new index).
    @_spi(EmberInternal) public func remapColumns(_ mapping: [Int: Int]) -> BoundWindow {
        BoundWindow(partitionBy: partitionBy.map { $0.remapColumns(mapping) },
                    orderBy: orderBy.map { BoundSortOrder(expression: $0.expression.remapColumns(mapping), ascending: $0.ascending, nullsFirst: $0.nullsFirst) },
                    functions: functions.map { BoundWindowExpression(function: $0.function.remapColumns(mapping), frame: $0.frame, name: $0.name) })
    }

    /// `Window [f FRAME AS name, …], partitionBy=[…], orderBy=[…]` for explain().
    @_spi(EmberInternal) public func describe(_ child: StructType) -> String {
        let fs = functions.map { f -> String in
            let frame: String
            switch f.function {
            case .aggregate: frame = " " + f.frame.sql
            default: frame = ""
            }
            return "\(f.function.describe(child))\(frame) AS \(f.name)"
        }
        return "Window [\(fs.joined(separator: ", "))], partitionBy=[\(partitionBy.map { $0.describe(child) }.joined(separator: ", "))], "
            + "orderBy=[\(orderBy.map { $0.describe(child) }.joined(separator: ", "))]"
    }
}
