// How window expressions are planned and refused: Spark's analysis errors, one Window node per
// (PARTITION BY, ORDER BY) with one shuffle per partitioning, predicate pushdown only on partition
// keys, pruning of unread windows, the single-partition warning, window expressions nested in
// others and over empty input.

@testable import Engine
@_spi(EmberInternal) import Planner
import Foundation
import Testing

@Suite(.serialized) struct WindowPlanTests {
    static func analysisError(_ df: DataFrame) -> String {
        do {
            _ = try df.schema()
            return "no error"
        } catch let e as EmberError {
            #expect(e.code == .analysis, "\(e)")
            return e.message
        } catch {
            return "\(error)"
        }
    }

    @Test func windowsThatSparkRefusesAreRefusedWithItsErrors() throws {
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let df = session.range(0, 10).select(col("id"), (col("id") % 3).alias("k"), (col("id") * 1.5).alias("x"))
        let unordered = Window.partitionBy("k")
        let ordered = unordered.orderBy("id")
        let cases: [(DataFrame, String)] = [
            (df.select(row_number().over(unordered)), "Window function row_number() requires window to be ordered, please add ORDER BY clause"),
            (df.select(lag(col("x")).over(unordered)), "Window function lag(x, 1, NULL) requires window to be ordered"),
            (df.select(rank().over(ordered.rowsBetween(-1, 1))),
             "Window Frame ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING must match the required frame ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"),
            (df.select(cume_dist().over(ordered.rowsBetween(Window.unboundedPreceding, 0))),
             "must match the required frame RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"),
            (df.select(lead(col("x")).over(ordered.rowsBetween(1, 1))), "Cannot specify window frame for lead function"),
            (df.select(countDistinct(col("x")).over(unordered)), "Distinct window functions are not supported: count(DISTINCT x) OVER (PARTITION BY k)"),
            (df.select(row_number()), "Window function row_number() requires an OVER clause."),
            (df.select(sum(col("x")).over(Window.partitionBy("k").orderBy("id", "x").rangeBetween(-1, 1))),
             "A range window frame with value boundaries cannot be used in a window specification with multiple order by expressions"),
            (df.select(sum(col("x")).over(unordered.rangeBetween(-1, 0))), "A range window frame cannot be used in an unordered window specification."),
            (df.select(sum(col("x")).over(Window.orderBy(col("x").cast(.string)).rangeBetween(-1, 0))),
             "The data type 'string' used in the order specification does not match the data type 'bigint' which is used in the range frame."),
            (df.select(sum(col("x")).over(ordered.rowsBetween(2, -1))),
             "Window frame upper bound '1 PRECEDING' does not follow the lower bound '2 FOLLOWING'."),
            (df.select(ntile(0).over(ordered)), "Buckets expression must be positive, but got: 0"),
            (df.filter(rank().over(ordered) > 1), "It is not allowed to use window functions here"),
            (df.groupBy("k").agg(sum(col("x")).over(ordered)), "It is not allowed to use window functions inside agg"),
            (df.select(sum(sum(col("x")).over(ordered)).over(ordered)), "It is not allowed to use window functions here"),
            (df.select(lower(col("x")).over(ordered)), "not supported within a window function"),
        ]
        for (query, message) in cases {
            let got = Self.analysisError(query)
            #expect(got.contains(message), "expected «\(message)», got «\(got)»")
        }
    }

    @Test func oneWindowPerSpecAndOneShufflePerPartitioning() throws {
        let session = try makeSession(executors: 1, cores: 1, partitions: 3)
        defer { session.stop() }
        let df = session.range(0, 100).select(col("id"), (col("id") % 3).alias("k"), (col("id") % 7).alias("v"))
        let a = Window.partitionBy("k").orderBy("v"), b = Window.partitionBy("k").orderBy(col("id").desc())
        let twoOrders = df.select(col("id"), rank().over(a).alias("r"), sum(col("v")).over(a).alias("s"), row_number().over(b).alias("n"))
        let plan = try session.planQuery(twoOrders.plan).physical.plan.treeString()
        #expect(plan.components(separatedBy: "Window [").count - 1 == 2, "two specs, two Window nodes:\n\(plan)")
        #expect(plan.components(separatedBy: "Exchange hashpartitioning(k").count - 1 == 1, "one shuffle by k:\n\(plan)")
        #expect(plan.contains("Sort [k#1 ASC NULLS FIRST, v#2 ASC NULLS FIRST]"), "\(plan)")
        #expect(plan.contains("rank() AS"), "\(plan)")
        let otherKeys = df.select(col("id"), rank().over(a).alias("r"), row_number().over(Window.partitionBy("v").orderBy("id")).alias("n"))
        #expect(try session.planQuery(otherKeys.plan).physical.plan.treeString().components(separatedBy: "Exchange hashpartitioning").count - 1 == 2)
        let single = df.select(col("id"), sum(col("v")).over(Window.orderBy("id")).alias("s"))
        let q = try session.planQuery(single.plan)
        #expect(q.physical.plan.treeString().contains("Exchange SinglePartition"))
        #expect(q.physical.warnings == ["No Partition Defined for Window operation! Moving all data to a single partition, this can cause serious performance degradation."])
        #expect(try session.planQuery(twoOrders.plan).physical.warnings.isEmpty)
        // Result rows of both specs, against sums computed here.
        let rows = try twoOrders.collect()
        #expect(rows.count == 100)
        for row in rows {
            let id = row.getLong(0)!, k = id % 3, v = id % 7
            let group = (0..<100).filter { $0 % 3 == k }
            #expect(row.getLong(1)! == Int64(group.filter { $0 % 7 < v }.count + 1))
            #expect(row.getLong(2)! == group.filter { $0 % 7 <= v }.reduce(0) { $0 + Int64($1 % 7) })
            #expect(row.getLong(3)! == Int64(group.filter { $0 > id }.count + 1))
        }
    }

    @Test func filtersCrossAWindowOnlyOnItsPartitionKeysAndUnreadWindowsArePruned() throws {
        let session = try makeSession(executors: 1, cores: 1, partitions: 2)
        defer { session.stop() }
        let df = session.range(0, 60).select(col("id"), (col("id") % 4).alias("k"), (col("id") % 5).alias("v"))
        let w = Window.partitionBy("k").orderBy(col("v").desc(), col("id").asc())
        let ranked = df.select(col("id"), col("k"), col("v"), rank().over(w).alias("r"))
            .filter(col("k") =!= 1 && col("r") <= 2)
        let optimized = try session.planQuery(ranked.plan).optimized.treeString()
        let lines = optimized.split(separator: "\n").map(String.init)
        let windowLine = try #require(lines.firstIndex { $0.contains("Window [") })
        #expect(lines[..<windowLine].contains { $0.contains("Filter") && $0.contains("#3 <= 2") }, "the filter on the rank stays above:\n\(optimized)")
        #expect(lines[windowLine...].contains { $0.contains("Filter") && $0.contains("% 4) != 1") }, "the filter on k goes below:\n\(optimized)")
        let rows = try ranked.collect().map { $0.values }
        var expected: [[Value]] = []
        for k in [0, 2, 3] {
            let group = (0..<60).filter { $0 % 4 == k }.sorted { ($0 % 5, -$0) > ($1 % 5, -$1) }
            for (p, id) in group.enumerated() where p < 2 { expected.append([.long(Int64(id)), .long(Int64(k)), .long(Int64(id % 5)), .long(Int64(p + 1))]) }
        }
        #expect(rows.sorted { $0[0].longValue! < $1[0].longValue! } == expected.sorted { $0[0].longValue! < $1[0].longValue! })
        let unread = df.select(col("id"), rank().over(w).alias("r")).select(col("id"))
        #expect(!(try unread.explainString(false)).contains("Window"), "a window no one reads is pruned")
        #expect(try unread.count() == 60)
    }

    @Test func windowExpressionsNestInOthersAndRunOverEmptyInput() throws {
        let session = try makeSession(executors: 1, cores: 2, partitions: 4)
        defer { session.stop() }
        let df = session.range(0, 40).select(col("id"), (col("id") % 2).alias("k"))
        let w = Window.partitionBy("k")
        let half: Engine.Column = (sum(col("id")).over(w) / 2).alias("half")
        let counted: Engine.Column = count(col("*")).over(w) + row_number().over(w.orderBy("id"))
        let share: Engine.Column = col("id") / sum(col("id")).over(w)
        let nested = try df.select(col("id"), half, counted.alias("c"), col("k")).withColumn("share", share).collect()
        #expect(nested.count == 40)
        for row in nested {
            let id = row.getLong(0)!, total = Double((0..<40).filter { $0 % 2 == id % 2 }.reduce(0, +))
            #expect(row.values[1] == .double(total / 2))
            #expect(row.values[2] == .long(20 + id / 2 + 1))
            #expect(row.values[4] == .double(Double(id) / total))
        }
        let columns = try df.select(col("*"), rank().over(w.orderBy("id"))).schema().names
        #expect(columns == ["id", "k", "rank() OVER (PARTITION BY k ORDER BY id ASC NULLS FIRST)"])
        // Beside a scalar subquery: `*` is still the input's columns, not the join's or the window's.
        let withSubquery = df.select(col("*"), df.agg(max(col("id"))).scalar().alias("m"), (col("id") - min(col("id")).over(w)).alias("d"))
        #expect(try withSubquery.schema().names == ["id", "k", "m", "d"])
        let firstRows = try withSubquery.filter(col("id") < 4).orderBy("id").collect().map(\.values)
        let expectedRows: [[Value]] = (Int64(0)..<4).map { id in [.long(id), .long(id % 2), .long(39), .long(id - id % 2)] }
        #expect(firstRows == expectedRows)
        let empty = try df.filter(col("id") < 0).select(col("id"), row_number().over(w.orderBy("id")), sum(col("id")).over(Window.orderBy("id"))).collect()
        #expect(empty.isEmpty)
        let whole = try df.select(max(col("id")).over().alias("m")).limit(3).collect()
        #expect(whole.map(\.values) == Array(repeating: [.long(39)], count: 3))
    }
}
