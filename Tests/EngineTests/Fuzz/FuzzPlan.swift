// FuzzPlan: the differential fuzzer's own description of a query: expressions (FuzzExpr), steps
// (FuzzStep) and a whole plan over one source table (FuzzPlan; a join's or set operation's second
// input is built from the same table). One value serves three readers:
//   - `dataFrame(...)` builds the query through the public DataFrame API, as a user would write it;
//   - the reference evaluator (FuzzReference) runs it row at a time with Spark's semantics;
//   - `swiftText` prints it as Swift statements, so a failing seed can be read and replayed.
// Types follow Spark's rules (non-ANSI): see `FuzzExpr.type(in:)`.

import Engine
@_spi(EmberInternal) import Planner

enum FuzzArithmetic: String, CaseIterable, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
}

enum FuzzComparison: String, CaseIterable, Sendable {
    case equal = "===", notEqual = "=!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    /// Null-safe equality: true for two nulls, false for one, never null.
    case nullSafeEqual = "<=>"
}

enum FuzzStringFunction: String, CaseIterable, Sendable {
    case lower, upper, trim, length
}

indirect enum FuzzExpr: Sendable {
    case column(String)
    /// A typed literal; `.null` with a type is `litNull()`, which takes the other operand's type.
    case literal(Value, DataType)
    case arithmetic(FuzzArithmetic, FuzzExpr, FuzzExpr)
    case negate(FuzzExpr)
    case compare(FuzzComparison, FuzzExpr, FuzzExpr)
    case and(FuzzExpr, FuzzExpr)
    case or(FuzzExpr, FuzzExpr)
    case not(FuzzExpr)
    case isNull(FuzzExpr)
    case isNotNull(FuzzExpr)
    case string(FuzzStringFunction, FuzzExpr)
    case coalesce([FuzzExpr])
    case cast(FuzzExpr, DataType)
    /// CASE WHEN, isin, LIKE, substring, round, dates… (FuzzFunctions).
    case call(FuzzCall, [FuzzExpr])

    /// The result type with Spark's coercions (columns looked up in `schema`).
    func type(in schema: [String: DataType]) -> DataType {
        switch self {
        case .column(let name): return schema[name] ?? .string
        case .literal(_, let t): return t
        case .arithmetic(let op, let l, let r):
            if op == .divide { return .double }
            return l.type(in: schema) == .double || r.type(in: schema) == .double ? .double : .long
        case .negate(let e): return e.type(in: schema)
        case .compare, .and, .or, .not, .isNull, .isNotNull: return .boolean
        case .string(let f, _): return f == .length ? .long : .string
        case .coalesce(let es):
            let types = es.map { $0.type(in: schema) }
            return types.contains(.double) ? .double : types[0]
        case .cast(_, let t): return t
        case .call(let f, let args): return f.type(args, in: schema)
        }
    }

    /// Column names the expression reads.
    var columns: Set<String> {
        switch self {
        case .column(let n): return [n]
        case .literal: return []
        case .arithmetic(_, let l, let r), .compare(_, let l, let r), .and(let l, let r), .or(let l, let r):
            return l.columns.union(r.columns)
        case .negate(let e), .not(let e), .isNull(let e), .isNotNull(let e), .string(_, let e), .cast(let e, _):
            return e.columns
        case .coalesce(let es), .call(_, let es): return es.reduce(into: Set<String>()) { $0.formUnion($1.columns) }
        }
    }

    /// The expression as a Column of the public API.
    var column: Engine.Column {
        switch self {
        case .column(let n): return col(n)
        case .literal(let v, _):
            switch v {
            case .long(let x): return lit(x)
            case .double(let x): return lit(x)
            case .string(let x): return lit(x)
            case .boolean(let x): return lit(x)
            case .date(let d): return lit(date: formatDate(d))
            default: return litNull()
            }
        case .arithmetic(let op, let l, let r):
            switch op {
            case .add: return l.column + r.column
            case .subtract: return l.column - r.column
            case .multiply: return l.column * r.column
            case .divide: return l.column / r.column
            case .remainder: return l.column % r.column
            }
        case .negate(let e): return -e.column
        case .compare(let op, let l, let r):
            switch op {
            case .equal: return l.column === r.column
            case .notEqual: return l.column =!= r.column
            case .less: return l.column < r.column
            case .lessOrEqual: return l.column <= r.column
            case .greater: return l.column > r.column
            case .greaterOrEqual: return l.column >= r.column
            case .nullSafeEqual: return l.column <=> r.column
            }
        case .and(let l, let r): return l.column && r.column
        case .or(let l, let r): return l.column || r.column
        case .not(let e): return !e.column
        case .isNull(let e): return e.column.isNull()
        case .isNotNull(let e): return e.column.isNotNull()
        case .string(let f, let e):
            switch f {
            case .lower: return lower(e.column)
            case .upper: return upper(e.column)
            case .trim: return trim(e.column)
            case .length: return length(e.column)
            }
        case .coalesce(let es): return Engine.Column(.function(.coalesce, es.map(\.column.expression)))
        case .cast(let e, let t): return e.column.cast(t)
        case .call(let f, let args): return f.column(args)
        }
    }

    /// Swift source text of the Column (`(col("a") + lit(1))`).
    var swiftText: String {
        switch self {
        case .column(let n): return "col(\(quoted(n)))"
        case .literal(let v, _):
            switch v {
            case .long(let x): return "lit(\(x))"
            case .double(let x): return "lit(\(x))"
            case .string(let x): return "lit(\(quoted(x)))"
            case .boolean(let x): return "lit(\(x))"
            case .date(let d): return "lit(date: \"\(formatDate(d))\")"
            default: return "litNull()"
            }
        case .arithmetic(let op, let l, let r): return "(\(l.swiftText) \(op.rawValue) \(r.swiftText))"
        case .negate(let e): return "-\(e.swiftText)"
        case .compare(let op, let l, let r): return "(\(l.swiftText) \(op.rawValue) \(r.swiftText))"
        case .and(let l, let r): return "(\(l.swiftText) && \(r.swiftText))"
        case .or(let l, let r): return "(\(l.swiftText) || \(r.swiftText))"
        case .not(let e): return "!\(e.swiftText)"
        case .isNull(let e): return "\(e.swiftText).isNull()"
        case .isNotNull(let e): return "\(e.swiftText).isNotNull()"
        case .string(let f, let e): return "\(f.rawValue)(\(e.swiftText))"
        case .coalesce(let es): return "coalesce(\(es.map(\.swiftText).joined(separator: ", ")))"
        case .cast(let e, let t): return "\(e.swiftText).cast(.\(t))"
        case .call(let f, let args): return f.swiftText(args)
        }
    }
}

/// Swift string literal text.
func quoted(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default: out.unicodeScalars.append(u)
        }
    }
    return out + "\""
}

struct FuzzAggregate: Sendable {
    var function: AggregateFunction
    /// nil: count(*).
    var input: FuzzExpr?
    var alias: String
    /// count(DISTINCT input) (function is .count).
    var distinct = false
    /// An expression over the aggregate inside agg(...): count(…) + k, or avg(…) * 2 when k is 0.
    var plus: Int64? = nil

    var column: Engine.Column {
        guard let plus else { return aggregateColumn }
        let unaliased = FuzzAggregate(function: function, input: input, alias: alias, distinct: distinct).aggregateColumnUnaliased
        return (function == .avg ? unaliased * 2 : unaliased + plus).alias(alias)
    }

    private var aggregateColumn: Engine.Column { aggregateColumnUnaliased.alias(alias) }

    private var aggregateColumnUnaliased: Engine.Column {
        let c: Engine.Column
        switch function {
        case .count: c = input.map { count($0.column) } ?? count("*")
        case .sum: c = sum(input!.column)
        case .avg: c = avg(input!.column)
        case .min: c = min(input!.column)
        case .max: c = max(input!.column)
        case .first: c = first(input!.column)
        case .last: c = last(input!.column)
        case .firstIgnoreNulls: c = first(input!.column, ignoreNulls: true)
        case .lastIgnoreNulls: c = last(input!.column, ignoreNulls: true)
        case .stddevSamp: c = stddev(input!.column)
        case .stddevPop: c = stddev_pop(input!.column)
        case .varSamp: c = variance(input!.column)
        case .varPop: c = var_pop(input!.column)
        }
        if distinct, let input { return countDistinct(input.column) }
        return c
    }

    var swiftText: String {
        guard let plus else { return aggregateText + ".alias(\(quoted(alias)))" }
        return "(" + aggregateText + (function == .avg ? " * 2" : " + \(plus)") + ").alias(\(quoted(alias)))"
    }

    private var aggregateText: String {
        let name: String
        switch function {
        case _ where distinct: name = "countDistinct"
        case .firstIgnoreNulls, .lastIgnoreNulls:
            return "\(function == .firstIgnoreNulls ? "first" : "last")(\(input!.swiftText), ignoreNulls: true)"
        case .stddevSamp: name = "stddev"
        case .varSamp: name = "variance"
        default: name = function.rawValue
        }
        return "\(name)(\(input?.swiftText ?? "\"*\""))"
    }
}

/// A grouping key: a column as it is, or an expression with an alias.
struct FuzzKey: Sendable {
    var expr: FuzzExpr
    var alias: String?
    var name: String { alias ?? { if case .column(let n) = expr { return n } else { return "?" } }() }
    var column: Engine.Column { alias.map { expr.column.alias($0) } ?? expr.column }
    var swiftText: String { alias.map { "\(expr.swiftText).alias(\(quoted($0)))" } ?? expr.swiftText }
}

struct FuzzSortKey: Sendable {
    var column: String
    var ascending: Bool
    /// Nulls on the side opposite to the default (`asc_nulls_last`, `desc_nulls_first`).
    var flipNulls: Bool
    var nullsFirst: Bool { flipNulls ? !ascending : ascending }

    var sortColumn: SortColumn {
        switch (ascending, flipNulls) {
        case (true, false): return col(column).asc()
        case (true, true): return col(column).asc_nulls_last()
        case (false, false): return col(column).desc()
        case (false, true): return col(column).desc_nulls_first()
        }
    }
    var swiftText: String {
        let method = ascending ? (flipNulls ? "asc_nulls_last" : "asc") : (flipNulls ? "desc_nulls_first" : "desc")
        return "col(\(quoted(column))).\(method)()"
    }
}

enum FuzzStep: Sendable {
    case filter(FuzzExpr)
    /// select: each item is a column as it is (alias nil) or an aliased expression.
    case select([FuzzKey])
    case withColumn(String, FuzzExpr)
    /// groupBy(keys).agg(aggs); no keys: a global aggregate, df.agg(aggs).
    case aggregate(keys: [FuzzKey], aggs: [FuzzAggregate])
    case orderBy([FuzzSortKey])
    /// Sorts each partition; the rows stay the same (a later limit is ambiguous).
    case sortWithinPartitions([FuzzSortKey])
    case limit(Int)
    case repartition(Int, [String])
    /// Merges neighbouring partitions into at most n (no shuffle); the rows stay the same.
    case coalesce(Int)
    case cache
    /// select(col("*"), explode(split(col(source), pattern)).alias(alias))
    case explode(source: String, pattern: String, alias: String)
    /// A join with a second input built from the source table (FuzzJoinSteps).
    case join(FuzzJoin)
    /// union, intersect or subtract with a second input built from the source table.
    case setOperation(FuzzSetOperation)
    case distinct
    /// dropDuplicates(cols) then select(cols): which row of a key is kept is arbitrary (as in
    /// Spark), so only the keys are compared.
    case dropDuplicates([String])
    /// A filter by a subquery over a second input built from the source table (FuzzSubquerySteps).
    case subquery(FuzzSubquery)
    /// withColumn(alias, f.over(spec)) (FuzzWindow).
    case window(FuzzWindow)

    /// The step over `df`; `source` is the source table, where a second input starts.
    func apply(_ df: DataFrame, source: DataFrame) throws -> DataFrame {
        switch self {
        case .join(let j): return try j.apply(df, source: source)
        case .setOperation(let s): return try s.apply(df, source: source)
        case .subquery(let s): return try s.apply(df, source: source)
        case .distinct: return df.distinct()
        case .window(let w): return try df.withColumn(w.alias, w.column)
        case .dropDuplicates(let cols): return df.dropDuplicates(cols).select(cols.map { col($0) })
        case .filter(let e): return df.filter(e.column)
        case .select(let items): return df.select(items.map(\.column))
        case .withColumn(let name, let e): return try df.withColumn(name, e.column)
        case .aggregate(let keys, let aggs):
            // No keys: df.agg(...), which is groupBy() with no columns.
            return df.groupBy(keys.map(\.column)).agg(aggs.map(\.column))
        case .orderBy(let keys): return df.orderBy(keys.map(\.sortColumn))
        case .sortWithinPartitions(let keys): return df.sortWithinPartitions(keys.map(\.sortColumn))
        case .limit(let n): return df.limit(n)
        case .repartition(let n, let cols):
            // repartition is variadic only; the generator uses at most two columns.
            switch cols.count {
            case 0: return df.repartition(n)
            case 1: return df.repartition(n, col(cols[0]))
            default: return df.repartition(n, col(cols[0]), col(cols[1]))
            }
        case .coalesce(let n): return df.coalesce(n)
        case .cache: return df.cache()
        case .explode(let source, let pattern, let alias):
            return df.select(col("*"), Engine.explode(Engine.split(col(source), pattern)).alias(alias))
        }
    }

    /// The step as a method call; joins and set operations print through FuzzPlan.swiftText.
    var swiftText: String {
        switch self {
        case .join: return ".join(…)"
        case .subquery(let s): return s.swiftText(inner: "…")
        case .setOperation(let s): return s.swiftText(right: "…")
        case .distinct: return ".distinct()"
        case .window(let w): return w.swiftText
        case .dropDuplicates(let cols):
            let names = cols.map(quoted).joined(separator: ", ")
            return ".dropDuplicates([\(names)]).select(\(cols.map { "col(\(quoted($0)))" }.joined(separator: ", ")))"
        case .filter(let e): return ".filter(\(e.swiftText))"
        case .select(let items): return ".select(\(items.map(\.swiftText).joined(separator: ", ")))"
        case .withColumn(let name, let e): return ".withColumn(\(quoted(name)), \(e.swiftText))"
        case .aggregate(let keys, let aggs):
            let a = aggs.map(\.swiftText).joined(separator: ", ")
            if keys.isEmpty { return ".agg(\(a))" }
            return ".groupBy(\(keys.map(\.swiftText).joined(separator: ", "))).agg(\(a))"
        case .orderBy(let keys): return ".orderBy(\(keys.map(\.swiftText).joined(separator: ", ")))"
        case .sortWithinPartitions(let keys): return ".sortWithinPartitions(\(keys.map(\.swiftText).joined(separator: ", ")))"
        case .limit(let n): return ".limit(\(n))"
        case .repartition(let n, let cols): return ".repartition(\(([String(n)] + cols.map { "col(\(quoted($0)))" }).joined(separator: ", ")))"
        case .coalesce(let n): return ".coalesce(\(n))"
        case .cache: return ".cache()"
        case .explode(let source, let pattern, let alias):
            return ".select(col(\"*\"), explode(split(col(\(quoted(source))), \(quoted(pattern)))).alias(\(quoted(alias))))"
        }
    }
}

/// A query: steps over one source table (joins and set operations build their second input from
/// it too).
struct FuzzPlan: Sendable {
    var steps: [FuzzStep]

    func dataFrame(_ source: DataFrame) throws -> DataFrame {
        try steps.reduce(source) { try $1.apply($0, source: source) }
    }

    /// Swift statements that build the query as `df`: `let source = …`, one `let rightN = …` (and
    /// `let leftN = …`) per join or set operation, then `let df = …`.
    func swiftText(source: String) -> String {
        var statements = ["let source = " + source]
        var current = "source"
        for (n, step) in steps.enumerated() {
            switch step {
            case .join(let j):
                statements.append("let right\(n) = " + Self.chain("source", j.right))
                statements.append("let left\(n) = " + current)
                current = j.swiftText(left: "left\(n)", right: "right\(n)")
            case .setOperation(let s):
                statements.append("let right\(n) = " + Self.chain("source", s.right))
                statements.append("let left\(n) = " + current)
                current = "left\(n)\n    " + s.swiftText(right: "right\(n)")
            case .subquery(let s):
                statements.append("let inner\(n) = " + Self.chain("source", s.inner))
                current += "\n    " + s.swiftText(inner: "inner\(n)")
            default:
                current += "\n    " + step.swiftText
            }
        }
        return (statements + ["let df = " + current]).joined(separator: "\n")
    }

    /// What the plan exercises beyond single-input steps ("join left_outer", "union", …).
    var features: [String] {
        steps.compactMap { step in
            switch step {
            case .join(let j): return "join \(j.type.rawValue)" + (j.keys.isEmpty ? " (no keys)" : "")
            case .setOperation(let s): return s.kind.rawValue
            case .distinct: return "distinct"
            case .window(let w): return "window \(w.functionName)"
            case .dropDuplicates: return "dropDuplicates"
            case .subquery(let s): return "subquery \(s.kind.rawValue)" + (s.correlation == nil ? "" : " (correlated)")
            default: return nil
            }
        }
    }

    static func chain(_ start: String, _ steps: [FuzzStep]) -> String {
        ([start] + steps.map { "    " + $0.swiftText }).joined(separator: "\n")
    }
}
