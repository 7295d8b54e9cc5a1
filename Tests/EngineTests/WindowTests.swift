// Window functions on real executor processes, against the naive evaluator (WindowReference) on
// seeded random data with nulls, ties and skew (a hot partition key, keys of one row, a null key,
// and shuffle partitions that receive no rows): every function, every kind of frame, several specs
// in one select, window expressions nested in others.

@testable import Engine
@_spi(EmberInternal) import Planner
import Foundation
import Testing

/// Rows [id, k, g, v, x, s, d]: id unique; k a skewed string key (one hot key, many small ones, one
/// key of one row, nulls); g a small bigint key; v a bigint with ties and nulls; x a double in
/// quarter steps with nulls; s a string with nulls; d a date with ties and nulls.
struct WindowTestTable {
    static let ddl = "id BIGINT, k STRING, g BIGINT, v BIGINT, x DOUBLE, s STRING, d DATE"
    static let names = ["id", "k", "g", "v", "x", "s", "d"]
    var rows: [[Value]] = []

    init(seed: UInt64, count: Int) {
        var rng = SeededRandom(seed: seed)
        for id in 0..<count {
            let r = rng.unit()
            let k: Value = r < 0.4 ? .string("hot") : r < 0.45 ? .null : id == count - 1 ? .string("lonely") : .string("k\(rng.below(30))")
            let g: Value = rng.unit() < 0.05 ? .null : .long(Int64(rng.below(4)))
            let v: Value = rng.unit() < 0.1 ? .null : .long(Int64(rng.below(20)) - 5)
            let x: Value = rng.unit() < 0.1 ? .null : .double(Double(rng.below(400)) / 4 - 50)
            let s: Value = rng.unit() < 0.1 ? .null : .string(["a", "b", "c", "dd", "é"][rng.below(5)])
            let d: Value = rng.unit() < 0.1 ? .null : .date(Int32(19_000 + rng.below(40)))
            rows.append([.long(Int64(id)), k, g, v, x, s, d])
        }
    }

    func dataFrame(_ session: Session, _ dir: ScratchDir) throws -> DataFrame {
        var text = Self.names.joined(separator: ",") + "\n"
        for row in rows {
            text += row.map { v -> String in
                switch v {
                case .null: return ""
                case .string(let s): return "\"\(s)\""
                case .double(let x): return "\(x)"
                default: return v.description
                }
            }.joined(separator: ",") + "\n"
        }
        return try session.read.option("header", true).schema(Self.ddl).csv(dir.write("t.csv", text))
    }
}

/// One window column under test: the engine's Column and the reference's function and spec.
struct WindowCase {
    var name: String
    var column: Engine.Column
    var partitionBy: [Int]
    var orderBy: [RefOrder]
    var function: RefFunction
}

/// Runs `df.select(id, cases…)` and checks every column of every row against the reference.
func checkWindowCases(_ df: DataFrame, _ table: WindowTestTable, _ cases: [WindowCase]) throws {
    let result = try df.select([col("id")] + cases.map { $0.column.alias($0.name) }).collect()
    #expect(result.count == table.rows.count)
    let expected = cases.map { WindowReference.evaluate(table.rows, partitionBy: $0.partitionBy, orderBy: $0.orderBy, $0.function) }
    var failures = 0
    for row in result {
        let id = Int(row.getLong(0)!)
        for (c, wc) in cases.enumerated() where failures < 20 {
            let got = row.values[c + 1], want = expected[c][id]
            if !WindowReference.matches(got, want) {
                failures += 1
                Issue.record("\(wc.name), row id \(id) \(table.rows[id]): got \(got), expected \(want)")
            }
        }
    }
}

@Suite(.serialized) struct WindowTests {
    static let k = 1, g = 2, v = 3, x = 4, s = 5, d = 6

    /// Ranking and offset functions over a unique order (id breaks ties) and a tie-heavy one.
    @Test func rankingAndOffsetFunctionsMatchTheReference() throws {
        let session = try makeSession(partitions: 5)
        defer { session.stop() }
        let dir = ScratchDir("window-rank")
        defer { dir.cleanup() }
        let table = WindowTestTable(seed: 7, count: 2500)
        let df = try table.dataFrame(session, dir)
        let byV = Window.partitionBy("k").orderBy(col("v").desc(), col("id").asc())
        let ties = Window.partitionBy("k").orderBy(col("v").asc_nulls_last())
        let unique: [RefOrder] = [RefOrder(column: Self.v, ascending: false), RefOrder(column: 0)]
        let tied: [RefOrder] = [RefOrder(column: Self.v, nullsFirst: false)]
        let k = [Self.k]
        try checkWindowCases(df, table, [
            WindowCase(name: "rn", column: row_number().over(byV), partitionBy: k, orderBy: unique, function: .rowNumber),
            WindowCase(name: "rank", column: rank().over(ties), partitionBy: k, orderBy: tied, function: .rank),
            WindowCase(name: "dense", column: dense_rank().over(ties), partitionBy: k, orderBy: tied, function: .denseRank),
            WindowCase(name: "pct", column: percent_rank().over(ties), partitionBy: k, orderBy: tied, function: .percentRank),
            WindowCase(name: "cume", column: cume_dist().over(ties), partitionBy: k, orderBy: tied, function: .cumeDist),
            WindowCase(name: "ntile", column: ntile(7).over(byV), partitionBy: k, orderBy: unique, function: .ntile(7)),
            WindowCase(name: "lag", column: lag(col("x")).over(byV), partitionBy: k, orderBy: unique,
                       function: .offset(column: Self.x, offset: -1, fallback: .null, ignoreNulls: false)),
            WindowCase(name: "lag3", column: lag(col("s"), 3, "none").over(byV), partitionBy: k, orderBy: unique,
                       function: .offset(column: Self.s, offset: -3, fallback: .string("none"), ignoreNulls: false)),
            WindowCase(name: "lead2", column: lead(col("v"), 2, lit(-99)).over(byV), partitionBy: k, orderBy: unique,
                       function: .offset(column: Self.v, offset: 2, fallback: .long(-99), ignoreNulls: false)),
            WindowCase(name: "leadnn", column: lead(col("x"), 2, nil, ignoreNulls: true).over(byV), partitionBy: k, orderBy: unique,
                       function: .offset(column: Self.x, offset: 2, fallback: .null, ignoreNulls: true)),
            WindowCase(name: "lagnn", column: lag(col("d"), 1, nil, ignoreNulls: true).over(byV), partitionBy: k, orderBy: unique,
                       function: .offset(column: Self.d, offset: -1, fallback: .null, ignoreNulls: true)),
            WindowCase(name: "rn_all", column: row_number().over(Window.orderBy("id")), partitionBy: [], orderBy: [RefOrder(column: 0)],
                       function: .rowNumber),
        ])
    }

    /// Aggregates over the default frames, ROWS frames (running, sliding, shrinking, empty) and
    /// RANGE frames (peers, offsets over bigint, double and date keys, descending keys).
    @Test func aggregatesOverEveryKindOfFrameMatchTheReference() throws {
        let session = try makeSession(partitions: 6)
        defer { session.stop() }
        let dir = ScratchDir("window-frames")
        defer { dir.cleanup() }
        let table = WindowTestTable(seed: 11, count: 2000)
        let df = try table.dataFrame(session, dir)
        let unique = Window.partitionBy("k").orderBy(col("v"), col("id"))
        let uniqueRef: [RefOrder] = [RefOrder(column: Self.v), RefOrder(column: 0)]
        let byV = Window.partitionBy("k").orderBy(col("v"))
        let byVDesc = Window.partitionBy("g").orderBy(col("v").desc())
        let byX = Window.partitionBy("k").orderBy(col("x"))
        let byD = Window.partitionBy("g").orderBy(col("d").desc_nulls_first())
        let k = [Self.k], g = [Self.g]
        func agg(_ f: AggregateFunction, _ c: Int?, _ frame: WindowFrame) -> RefFunction { .aggregate(f, column: c, frame: frame) }
        let rows = { (l: Int64, u: Int64) in WindowFrame(.rows, .fromLong(l), .fromLong(u)) }
        let range = { (l: Int64, u: Int64) in WindowFrame(.range, .fromLong(l), .fromLong(u)) }
        let up = Window.unboundedPreceding, uf = Window.unboundedFollowing
        try checkWindowCases(df, table, [
            // Defaults: RANGE UNBOUNDED PRECEDING .. CURRENT ROW with ORDER BY (peers), whole partition without.
            WindowCase(name: "sum_default", column: sum(col("v")).over(byV), partitionBy: k, orderBy: [RefOrder(column: Self.v)],
                       function: agg(.sum, Self.v, .rangeToCurrentRow)),
            WindowCase(name: "count_all", column: count(col("*")).over(Window.partitionBy("k")), partitionBy: k, orderBy: [],
                       function: agg(.count, nil, .wholePartition)),
            WindowCase(name: "avg_all", column: avg(col("x")).over(Window.partitionBy("g")), partitionBy: g, orderBy: [],
                       function: agg(.avg, Self.x, .wholePartition)),
            WindowCase(name: "last_default", column: last(col("s")).over(byV), partitionBy: k, orderBy: [RefOrder(column: Self.v)],
                       function: agg(.last, Self.s, .rangeToCurrentRow)),
            // ROWS frames.
            WindowCase(name: "running_max", column: max(col("s")).over(unique.rowsBetween(up, 0)), partitionBy: k, orderBy: uniqueRef,
                       function: agg(.max, Self.s, rows(up, 0))),
            WindowCase(name: "sliding_sum", column: sum(col("x")).over(unique.rowsBetween(-2, 1)), partitionBy: k, orderBy: uniqueRef,
                       function: agg(.sum, Self.x, rows(-2, 1))),
            WindowCase(name: "sliding_min", column: min(col("v")).over(unique.rowsBetween(-3, 0)), partitionBy: k, orderBy: uniqueRef,
                       function: agg(.min, Self.v, rows(-3, 0))),
            WindowCase(name: "ahead_count", column: count(col("x")).over(unique.rowsBetween(1, 3)), partitionBy: k, orderBy: uniqueRef,
                       function: agg(.count, Self.x, rows(1, 3))),
            WindowCase(name: "behind_avg", column: avg(col("v")).over(unique.rowsBetween(-4, -2)), partitionBy: k, orderBy: uniqueRef,
                       function: agg(.avg, Self.v, rows(-4, -2))),
            WindowCase(name: "shrink_max", column: max(col("x")).over(unique.rowsBetween(0, uf)), partitionBy: k, orderBy: uniqueRef,
                       function: agg(.max, Self.x, rows(0, uf))),
            WindowCase(name: "shrink_first_nn", column: first(col("v"), ignoreNulls: true).over(unique.rowsBetween(-1, uf)),
                       partitionBy: k, orderBy: uniqueRef, function: agg(.firstIgnoreNulls, Self.v, rows(-1, uf))),
            WindowCase(name: "slide_last_nn", column: last(col("x"), ignoreNulls: true).over(unique.rowsBetween(-2, 0)),
                       partitionBy: k, orderBy: uniqueRef, function: agg(.lastIgnoreNulls, Self.x, rows(-2, 0))),
            WindowCase(name: "slide_first", column: first(col("d")).over(unique.rowsBetween(-1, 1)), partitionBy: k, orderBy: uniqueRef,
                       function: agg(.first, Self.d, rows(-1, 1))),
            WindowCase(name: "slide_var", column: var_pop(col("v")).over(unique.rowsBetween(-5, 5)), partitionBy: k, orderBy: uniqueRef,
                       function: agg(.varPop, Self.v, rows(-5, 5))),
            WindowCase(name: "whole_stddev", column: stddev(col("x")).over(unique.rowsBetween(up, uf)), partitionBy: k, orderBy: uniqueRef,
                       function: agg(.stddevSamp, Self.x, rows(up, uf))),
            // RANGE frames.
            WindowCase(name: "range_sum", column: sum(col("id")).over(byV.rangeBetween(-2, 1)), partitionBy: k, orderBy: [RefOrder(column: Self.v)],
                       function: agg(.sum, 0, range(-2, 1))),
            WindowCase(name: "range_desc", column: count(col("*")).over(byVDesc.rangeBetween(-1, 3)), partitionBy: g,
                       orderBy: [RefOrder(column: Self.v, ascending: false)], function: agg(.count, nil, range(-1, 3))),
            WindowCase(name: "range_x", column: min(col("id")).over(byX.rangeBetween(-5, 0)), partitionBy: k, orderBy: [RefOrder(column: Self.x)],
                       function: agg(.min, 0, range(-5, 0))),
            WindowCase(name: "range_date", column: max(col("v")).over(byD.rangeBetween(-3, uf)), partitionBy: g,
                       orderBy: [RefOrder(column: Self.d, ascending: false, nullsFirst: true)], function: agg(.max, Self.v, range(-3, uf))),
            WindowCase(name: "range_peers", column: sum(col("x")).over(byV.rangeBetween(0, 0)), partitionBy: k, orderBy: [RefOrder(column: Self.v)],
                       function: agg(.sum, Self.x, range(0, 0))),
            WindowCase(name: "range_tail", column: count(col("s")).over(byV.rangeBetween(0, uf)), partitionBy: k, orderBy: [RefOrder(column: Self.v)],
                       function: agg(.count, Self.s, range(0, uf))),
        ])
    }
}
