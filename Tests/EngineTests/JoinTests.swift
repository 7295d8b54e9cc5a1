// Joins against a nested-loop reference: every join type, with and without a residual condition,
// with `=` and `<=>` keys, through each physical strategy (broadcast hash, shuffled hash, nested
// loop), on seeded random tables with null keys and duplicate keys, run on real executor processes.

import Engine
@_spi(EmberInternal) import Planner
import Foundation
import Testing

@Suite(.serialized) struct JoinTests {
    static let types = ["inner", "left", "right", "full", "left_semi", "left_anti"]

    /// Runs every join type with `=` and `<=>` keys, with and without a residual condition.
    func checkAllTypes(_ session: Session, _ dir: ScratchDir, hint: Bool, seed: UInt64, leftRows: Int = 700, rightRows: Int = 500) throws {
        let left = joinRows(leftRows, seed: seed, keys: 40), right = joinRows(rightRows, seed: seed + 1, keys: 40)
        let lp = dir.write("l\(seed).csv", joinCSV(left, ("k", "v", "s")))
        let rp = dir.write("r\(seed).csv", joinCSV(right, ("k2", "w", "t")))
        let l = try session.read.option("header", true).option("inferSchema", true).csv(lp)
        let r0 = try session.read.option("header", true).option("inferSchema", true).csv(rp)
        let r = hint ? broadcast(r0) : r0
        for how in Self.types {
            for nullSafe in [false, true] {
                for residual in [false, true] {
                    var condition = nullSafe ? l["k"] <=> r["k2"] : l["k"] === r["k2"]
                    if residual { condition = condition && l["v"] < r["w"] }
                    let joined = l.join(r, on: condition, how: how)
                    let expected = referenceJoin(left, right, how: how, nullSafe: nullSafe, residual: residual)
                    let actual = renderedRows(try joined.collect())
                    #expect(actual == expected, "\(how) nullSafe=\(nullSafe) residual=\(residual): \(actual.count) rows, expected \(expected.count)")
                }
            }
        }
    }

    /// A session whose joins shuffle (no broadcast unless hinted).
    func shufflingSession(partitions: Int, _ configure: (inout SessionConfig) -> Void = { _ in }) throws -> Session {
        var config = testConfig()
        config.shufflePartitions = partitions
        config.autoBroadcastJoinThreshold = -1
        configure(&config)
        return try Session(config: config)
    }

    @Test func shuffledHashJoinsMatchTheNestedLoopReference() throws {
        let dir = ScratchDir("join-shuffled")
        defer { dir.cleanup() }
        let session = try shufflingSession(partitions: 5)
        defer { session.stop() }
        try checkAllTypes(session, dir, hint: false, seed: 11)
        // The smaller side is built, so with the sides' sizes swapped outer joins build their
        // preserved side and emit its unmatched rows at the end.
        try checkAllTypes(session, dir, hint: false, seed: 13, leftRows: 300, rightRows: 900)
        let a = try session.read.option("header", true).csv(dir.write("a.csv", "k,v\n1,2\n"))
        let b = try session.read.option("header", true).csv(dir.write("b.csv", "k,w\n1,3\n"))
        let plan = try a.join(b, on: a["k"] === b["k"]).explainString(false)
        #expect(plan.contains("ShuffledHashJoin Inner, BuildRight"), "\(plan)")
        #expect(try a.join(broadcast(b), on: "k").explainString(false).contains("BroadcastHashJoin Inner, BuildRight"))
    }

    /// A filter leaves the planned build side (the smaller file) larger than the other side's
    /// shuffle partitions: each task builds the side its shuffle inputs show smaller, for every
    /// join type (outer joins then emit the built side's unmatched rows at the end, semi and anti
    /// joins the left rows the right side matched or did not).
    @Test func everyJoinTypeBuildsTheSideItsShufflesShowSmaller() throws {
        let dir = ScratchDir("join-adaptive")
        defer { dir.cleanup() }
        let session = try shufflingSession(partitions: 4)
        defer { session.stop() }
        // The filter keeps about a fifteenth of the larger file.
        try checkSwitchedBuildSides(session, dir, left: joinRows(6000, seed: 31, keys: 300), right: joinRows(1500, seed: 32, keys: 300),
                                    keepAbove: 17, types: Self.types, keys: [(false, false), (false, true), (true, false), (true, true)])
    }

    /// As above with memory refused above 144 KiB per task (a right-side scan batch fits): the
    /// switched build sides (about 5,000 rows a task) do not fit, and sort (spilling) and merge.
    @Test func switchedBuildSidesThatDoNotFitSortAndMerge() throws {
        let dir = ScratchDir("join-adaptive-spill")
        defer { dir.cleanup() }
        let session = try shufflingSession(partitions: 2) { $0.faults.refuseMemoryAbove = 144 << 10 }
        defer { session.stop() }
        // Narrow rows the filter drops make the left file the larger one, as planned. (`<=>` keys
        // would pair every null key with every other: millions of rows.)
        let filler = [JoinRow](repeating: JoinRow(k: 1, v: -20, s: nil), count: 60_000)
        try checkSwitchedBuildSides(session, dir, left: joinRows(12_000, seed: 61, keys: 40_000) + filler, right: joinRows(40_000, seed: 62, keys: 40_000),
                                    keepAbove: -20, types: ["left_semi", "left_anti", "left", "full"], keys: [(false, true), (false, false)], spills: true)
    }

    /// `left` filtered to the rows whose v is above `keepAbove`, joined with `right`; the plan
    /// builds the right side and the tasks the left.
    func checkSwitchedBuildSides(_ session: Session, _ dir: ScratchDir, left: [JoinRow], right: [JoinRow], keepAbove: Int64,
                                 types: [String], keys: [(nullSafe: Bool, residual: Bool)], spills: Bool = false) throws {
        let l = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("big.csv", joinCSV(left, ("k", "v", "s"))))
        let r = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("small.csv", joinCSV(right, ("k2", "w", "t"))))
        let few = l.filter(l["v"] > keepAbove)
        let kept = left.filter { ($0.v ?? Int64.min) > keepAbove }
        for how in types {
            for (nullSafe, residual) in keys {
                var condition = nullSafe ? few["k"] <=> r["k2"] : few["k"] === r["k2"]
                if residual { condition = condition && few["v"] < r["w"] }
                let joined = few.join(r, on: condition, how: how)
                #expect(try joined.explainString(false).contains("BuildRight"), "\(how)")
                let expected = referenceJoin(kept, right, how: how, nullSafe: nullSafe, residual: residual)
                let actual = renderedRows(try joined.collect())
                #expect(actual == expected, "\(how) nullSafe=\(nullSafe) residual=\(residual): \(actual.count) rows, expected \(expected.count)")
                if spills {
                    #expect(session.lastJobTasks.reduce(0) { $0 + $1.metrics.spillCount } > 0, "\(how): the join's tasks should have spilled")
                }
            }
        }
    }

    @Test func broadcastHashJoinsMatchTheNestedLoopReference() throws {
        let dir = ScratchDir("join-broadcast")
        defer { dir.cleanup() }
        let session = try shufflingSession(partitions: 3)
        defer { session.stop() }
        try checkAllTypes(session, dir, hint: true, seed: 21)
    }

    @Test func sortMergeJoinsMatchTheNestedLoopReference() throws {
        let dir = ScratchDir("join-smj")
        defer { dir.cleanup() }
        let session = try shufflingSession(partitions: 4) { $0.preferSortMergeJoin = true }
        defer { session.stop() }
        try checkAllTypes(session, dir, hint: false, seed: 41)
        try checkAllTypes(session, dir, hint: false, seed: 43, leftRows: 300, rightRows: 900)
        let a = try session.read.option("header", true).csv(dir.write("a.csv", "k,v\n1,2\n"))
        let b = try session.read.option("header", true).csv(dir.write("b.csv", "k,w\n1,3\n"))
        #expect(try a.join(b, on: "k").explainString(false).contains("SortMergeJoin Inner"))
    }

    /// One key with more build-side rows than a task's memory: the merge join writes the key's
    /// group to disk and reads it back for the probe rows of that key, instead of holding it.
    @Test func aSkewedKeyGroupLargerThanMemorySpills() throws {
        let dir = ScratchDir("join-skew")
        defer { dir.cleanup() }
        let session = try shufflingSession(partitions: 2) {
            $0.preferSortMergeJoin = true
            $0.faults.refuseMemoryAbove = 1 << 20
        }
        defer { session.stop() }
        let heavy = (0..<150_000).map { "7,\($0),padding-padding-padding-\($0)" }.joined(separator: "\n")
        let l = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("l.csv", "k,v\n7,1\n7,2\n8,3\n"))
        let r = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("r.csv", "k2,w,t\n" + heavy + "\n9,0,x\n"))
        let joined = l.join(r, on: l["k"] === r["k2"] && r["w"] % 1000 === 0, how: "full")
        let rows = try joined.collect()
        #expect(rows.count == 2 * 150 + 1 + (150_000 - 150) + 1)   // 2 × 150 pairs; k=8; unmatched right rows; k2=9
        #expect(rows.filter { !$0.values[0].isNull && !$0.values[2].isNull }.count == 300)
        #expect(session.lastJobTasks.reduce(0) { $0 + $1.metrics.spillCount } > 0)
    }

    /// With memory refused above 1 MiB per task, shuffled hash joins' build sides do not fit: each
    /// task sorts (spilling) and merges instead, and the answers stay right.
    @Test func buildSidesThatDoNotFitSortAndMergeWithinMemory() throws {
        let dir = ScratchDir("join-spill")
        defer { dir.cleanup() }
        let session = try shufflingSession(partitions: 2) { $0.faults.refuseMemoryAbove = 1 << 20 }
        defer { session.stop() }
        let left = joinRows(60_000, seed: 51, keys: 20_000), right = joinRows(50_000, seed: 52, keys: 20_000)
        let l = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("l.csv", joinCSV(left, ("k", "v", "s"))))
        let r = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("r.csv", joinCSV(right, ("k2", "w", "t"))))
        for how in ["inner", "full", "left_anti"] {
            let joined = l.join(r, on: l["k"] === r["k2"] && l["v"] < r["w"], how: how)
            let expected = referenceJoin(left, right, how: how, nullSafe: false, residual: true)
            #expect(renderedRows(try joined.collect()) == expected, "\(how)")
            let spills = session.lastJobTasks.reduce(0) { $0 + $1.metrics.spillCount }
            #expect(spills > 0, "\(how): the join's tasks should have spilled")
        }
        // A broadcast build side that does not fit: each task sorts it and merges its partition.
        let broadcastJoin = l.join(broadcast(r), on: l["k"] === r["k2"] && l["v"] < r["w"], how: "left")
        #expect(try broadcastJoin.explainString(false).contains("BroadcastHashJoin LeftOuter"))
        #expect(renderedRows(try broadcastJoin.collect()) == referenceJoin(left, right, how: "left", nullSafe: false, residual: true))
        // A sparse probe side: the merge reads past the build rows no probe row wants.
        let sparse = joinRows(300, seed: 53, keys: 20_000)
        let s = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("s.csv", joinCSV(sparse, ("k", "v", "s"))))
        for how in ["inner", "left", "left_semi"] {
            let joined = s.join(broadcast(r), on: s["k"] === r["k2"] && s["v"] < r["w"], how: how)
            #expect(renderedRows(try joined.collect()) == referenceJoin(sparse, right, how: how, nullSafe: false, residual: true), "\(how)")
        }
    }

    @Test func joinsWithoutEquiKeysUseNestedLoops() throws {
        let dir = ScratchDir("join-nl")
        defer { dir.cleanup() }
        let session = try Session(config: testConfig())
        defer { session.stop() }
        let left = joinRows(120, seed: 31, keys: 5), right = joinRows(90, seed: 32, keys: 5)
        let l = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("l.csv", joinCSV(left, ("k", "v", "s"))))
        let r = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("r.csv", joinCSV(right, ("k2", "w", "t"))))
        for how in Self.types {
            let joined = l.join(r, on: l["v"] < r["w"], how: how)
            var expected: [String] = []
            var rightMatched = [Bool](repeating: false, count: right.count)
            for a in left {
                var any = false
                for (j, b) in right.enumerated() {
                    guard let x = a.v, let y = b.v, x < y else { continue }
                    any = true
                    rightMatched[j] = true
                    if how != "left_semi" && how != "left_anti" { expected.append((joinCells(a) + joinCells(b)).joined(separator: "|")) }
                }
                if (how == "left_semi" && any) || (how == "left_anti" && !any) { expected.append(joinCells(a).joined(separator: "|")) }
                if (how == "left" || how == "full") && !any { expected.append((joinCells(a) + joinCells(nil)).joined(separator: "|")) }
            }
            if how == "right" || how == "full" {
                for (j, b) in right.enumerated() where !rightMatched[j] { expected.append((joinCells(nil) + joinCells(b)).joined(separator: "|")) }
            }
            #expect(renderedRows(try joined.collect()) == expected.sorted(), "\(how)")
        }
        #expect(try l.crossJoin(r).count() == Int64(left.count * right.count))
    }

    @Test func usingJoinsQualifiedColumnsAndAliases() throws {
        let dir = ScratchDir("join-using")
        defer { dir.cleanup() }
        let session = try Session(config: testConfig())
        defer { session.stop() }
        let a = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("a.csv", "id,x\n1,10\n2,20\n3,30\n"))
        let b = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("b.csv", "id,y\n2,200\n3,300\n4,400\n"))
        #expect(a.join(b, on: "id").columns == ["id", "x", "y"])
        #expect(renderedRows(try a.join(b, on: ["id"], how: "full").collect()) == ["1|10|null", "2|20|200", "3|30|300", "4|null|400"])
        #expect(renderedRows(try a.join(b, on: ["id"], how: "right").collect()) == ["2|20|200", "3|30|300", "4|null|400"])
        let aliased = a.alias("p").join(a.alias("q"), on: col("p.id") + 1 === col("q.id")).select(col("p.id"), col("q.x"))
        #expect(renderedRows(try aliased.collect()) == ["1|20", "2|30"])
        // A qualified column keeps its own name, as in Spark.
        #expect(a.alias("p").select(col("p.id"), col("p.x")).columns == ["id", "x"])
        #expect(a.alias("p").groupBy(col("p.id")).count().columns == ["id", "count"])
        // After a left `using` join the key holds the left side's value: the right side's key is
        // not silently that column (Spark keeps it hidden; here it is an error, never a wrong value).
        #expect(renderedRows(try a.join(b, on: "id", how: "left").filter(a["id"] > 1).collect()) == ["2|20|200", "3|30|300"])
        #expect(throws: EmberError.self) { try a.join(b, on: "id", how: "left").filter(b["id"].isNull()).collect() }
        // An unqualified name both sides have is ambiguous; the error names both.
        #expect(throws: EmberError.self) { try a.join(b, on: a["id"] === b["id"]).select(col("id")).collect() }
        let error = #expect(throws: EmberError.self) { try a.join(b, on: a["id"] === b["id"], how: "sideways").collect() }
        #expect(error?.message.contains("sideways") == true)
    }

    /// Size estimates of joins of joins saturate (products); planning and explaining a join of
    /// such inputs must not overflow.
    @Test func hugeSizeEstimatesAreExplainedWithoutOverflow() throws {
        let schema = StructType([StructField("k", .long)])
        let huge = FileScan(paths: ["/nonexistent"], format: .text, dataSchema: schema,
                            splits: [FileSplit(path: "/nonexistent", start: 0, length: Int64.max / 2, fileLength: Int64.max / 2)])
        let join = ResolvedPlan.join(ResolvedJoin(type: .inner, condition: nil, schema: StructType(schema.fields + schema.fields)),
                                     .scan(huge), .scan(huge))
        let plan = PhysicalPlanner.plan(join, shufflePartitions: 2).plan
        #expect(plan.treeString().contains("over autoBroadcastJoinThreshold"), "\(plan.treeString())")
    }
}
