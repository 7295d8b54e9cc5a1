// Adaptive broadcast joins on real executor processes: a shuffled join whose side turns out small
// at run time reads that side whole and computes the other side in place, skipping its shuffle.
// Answers are checked against JoinReference for every join type (null keys, duplicate keys,
// residual conditions), with the conversion on, off and refused, in map and result stages; and
// with a corrupt map output and a killed executor under the converted stage.

import Engine
@_spi(EmberInternal) import Planner
import Foundation
import Testing

@Suite(.serialized) struct AdaptiveJoinTests {
    static let types = ["inner", "left", "right", "full", "left_semi", "left_anti"]

    /// Static planning never broadcasts; adaptive execution broadcasts sides up to `adaptive` bytes.
    func session(adaptive: Int64, _ configure: (inout SessionConfig) -> Void = { _ in }) throws -> Session {
        var config = testConfig()
        config.shufflePartitions = 4
        config.autoBroadcastJoinThreshold = -1
        config.adaptiveAutoBroadcastJoinThreshold = adaptive
        configure(&config)
        return try Session(config: config)
    }

    /// A large left file (3,000 rows, about 120 KB as rows) and a right file filtered down to about
    /// 220 rows (9 KB), or the other way round,
    /// joined under a repartition so the join runs in a map stage. Returns the stages that ran.
    func checkJoins(_ session: Session, _ dir: ScratchDir, seed: UInt64, smallLeft: Bool) throws -> [Set<StageID>] {
        let big = joinRows(3000, seed: seed, keys: 200), small = joinRows(2000, seed: seed + 1, keys: 200)
        let (leftRows, rightRows) = smallLeft ? (small, big) : (big, small)
        let l0 = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("l\(seed).csv", joinCSV(leftRows, ("k", "v", "s"))))
        let r0 = try session.read.option("header", true).option("inferSchema", true).csv(dir.write("r\(seed).csv", joinCSV(rightRows, ("k2", "w", "t"))))
        // The filter keeps about a tenth of the small side; the planner cannot know.
        let l = smallLeft ? l0.filter(l0["v"] > 15) : l0
        let r = smallLeft ? r0 : r0.filter(r0["w"] > 15)
        let kept = { (rs: [JoinRow]) in rs.filter { ($0.v ?? Int64.min) > 15 } }
        var stages: [Set<StageID>] = []
        for how in Self.types {
            for (nullSafe, residual) in [(false, false), (false, true), (true, false), (true, true)] {
                var condition = nullSafe ? l["k"] <=> r["k2"] : l["k"] === r["k2"]
                if residual { condition = condition && l["v"] < r["w"] }
                let joined = l.join(r, on: condition, how: how).repartition(3)
                let expected = referenceJoin(smallLeft ? kept(leftRows) : leftRows, smallLeft ? rightRows : kept(rightRows), how: how,
                                             nullSafe: nullSafe, residual: residual)
                let actual = renderedRows(try joined.collect())
                #expect(actual == expected, "\(how) nullSafe=\(nullSafe) residual=\(residual): \(actual.count) rows, expected \(expected.count)")
                stages.append(Set(session.lastJobTasks.map(\.stageId)))
            }
        }
        return stages
    }

    @Test func smallSidesAreBroadcastAndTheOtherSideIsNotShuffled() throws {
        let dir = ScratchDir("adaptive-join")
        defer { dir.cleanup() }
        // Between the filtered side (9 KB) and the other (120 KB).
        let on = try session(adaptive: 32 << 10)
        defer { on.stop() }
        let off = try session(adaptive: -1)
        defer { off.stop() }
        for smallLeft in [false, true] {
            let converted = try checkJoins(on, dir, seed: smallLeft ? 41 : 51, smallLeft: smallLeft)
            let planned = try checkJoins(off, dir, seed: smallLeft ? 41 : 51, smallLeft: smallLeft)
            for (i, how) in Self.types.enumerated() {
                // Each join ran as three stages (two sides, then the join and the repartition's
                // write) plus the result; a converted join skips the large side's stage.
                // Semi and anti joins without a residual condition shuffle the right side's
                // distinct keys (at most 201 here): small enough even from the large side.
                for (j, residual) in zip((4 * i)..<(4 * i + 4), [false, true, false, true]) {
                    let keysOnly = (how == "left_semi" || how == "left_anti") && !residual
                    let buildable = how == "full" ? false : how == "right" ? smallLeft : how == "inner" || keysOnly ? true : !smallLeft
                    #expect(planned[j].count == 4, "\(how) without adaptive execution ran \(planned[j].count) stages")
                    #expect(converted[j].count == (buildable ? 3 : 4), "\(how), residual \(residual), small \(smallLeft ? "left" : "right"): ran \(converted[j].count) stages")
                }
            }
        }
        let l = try on.read.option("header", true).csv(dir.write("a.csv", "k,v\n1,2\n"))
        let r = try on.read.option("header", true).csv(dir.write("b.csv", "k2,w\n1,3\n"))
        let plan = try l.join(r, on: l["k"] === r["k2"]).explainString(false)
        #expect(plan.contains("broadcast at run time if a buildable side's shuffle output is ≤ 32768 bytes"), "\(plan)")
        // A semi join shuffles the right side's distinct keys; with a residual condition, its rows.
        let semi = try l.join(r, on: l["k"] === r["k2"], how: "left_semi").explainString(false)
        #expect(semi.contains("HashAggregate(mode=Partial, keys=[k2#0], functions=[])"), "\(semi)")
        let residual = try l.join(r, on: l["k"] === r["k2"] && l["v"] < r["w"], how: "left_semi").explainString(false)
        #expect(!residual.contains("functions=[]"), "\(residual)")
    }

    /// Of an inner join's sides, a filtered one runs first even when it reads more bytes of files
    /// (up to 8 times as many): here the filter keeps a twentieth of the wider file, small enough to
    /// broadcast, and the narrower unfiltered side, too large to broadcast, is then never shuffled.
    @Test func aFilteredSideRunsFirstThoughItReadsMoreBytes() throws {
        let dir = ScratchDir("adaptive-join-filtered-first")
        defer { dir.cleanup() }
        let s = try session(adaptive: 32 << 10)
        defer { s.stop() }
        let wide = joinRows(3000, seed: 91, keys: 200)
        var rng = SeededRandom(seed: 92)
        let narrow = (0..<1500).map { _ in JoinRow(k: Int64.random(in: 0..<200, using: &rng), v: Int64.random(in: 0..<9, using: &rng), s: nil) }
        let narrowText = "k2,w\n" + narrow.map { "\($0.k!),\($0.v!)\n" }.joined()
        let narrowPath = dir.write("narrow.csv", narrowText), widePath = dir.write("wide.csv", joinCSV(wide, ("k", "v", "s")))
        let sizes = try [widePath, narrowPath].map { try FileManager.default.attributesOfItem(atPath: $0)[.size] as! Int }
        #expect(sizes[0] > 2 * sizes[1] && sizes[0] < 8 * sizes[1], "file sizes \(sizes)")
        let l0 = try s.read.option("header", true).option("inferSchema", true).csv(widePath)
        let r = try s.read.option("header", true).option("inferSchema", true).csv(narrowPath)
        let l = l0.filter(l0["v"] === 7)
        let joined = l.join(r, on: l["k"] === r["k2"]).repartition(3)
        let kept = wide.filter { $0.v == 7 }
        var expected: [String] = []
        for a in kept {
            for b in narrow where a.k != nil && a.k == b.k {
                expected.append([a.k.map(String.init) ?? "null", String(a.v!), a.s ?? "null", String(b.k!), String(b.v!)].joined(separator: "|"))
            }
        }
        #expect(renderedRows(try joined.collect()) == expected.sorted())
        // The filtered side, then the join (the narrow side scanned in its tasks), then the result.
        #expect(Set(s.lastJobTasks.map(\.stageId)).count == 3, "stages \(Set(s.lastJobTasks.map(\.stageId)))")
    }

    /// A join in the job's last stage converts too: its results arrive numbered by the other
    /// side's splits, and sorted ones are still merged in order, limits still hold.
    @Test func resultStagesConvertAndKeepTheirOrder() throws {
        let dir = ScratchDir("adaptive-join-result")
        defer { dir.cleanup() }
        let s = try session(adaptive: 32 << 10) { $0.maxPartitionBytes = 4 << 10 }   // several splits per file
        defer { s.stop() }
        let big = joinRows(3000, seed: 81, keys: 200), small = joinRows(2000, seed: 82, keys: 200)
        let l = try s.read.option("header", true).option("inferSchema", true).csv(dir.write("big.csv", joinCSV(big, ("k", "v", "s"))))
        let r0 = try s.read.option("header", true).option("inferSchema", true).csv(dir.write("small.csv", joinCSV(small, ("k2", "w", "t"))))
        let r = r0.filter(r0["w"] > 15)
        let expected = referenceJoin(big, small.filter { ($0.v ?? Int64.min) > 15 }, how: "inner", nullSafe: false, residual: false)
        let joined = l.join(r, on: l["k"] === r["k2"])
        #expect(renderedRows(try joined.collect()) == expected)
        #expect(Set(s.lastJobTasks.map(\.stageId)).count == 2, "the small side's stage and the joining result stage")
        let tasksPerStage = Dictionary(grouping: s.lastJobTasks, by: \.stageId).values.map(\.count)
        #expect(tasksPerStage.max() ?? 0 >= 6, "one task per split of the large file (about 30 KB), not 4 shuffle partitions")
        // Sorted by every column: the rows in the reference's order (nulls first, as Spark's ascending).
        let sorted = try joined.orderBy(l["k"].asc(), l["v"].asc(), l["s"].asc(), r["k2"].asc(), r["w"].asc(), r["t"].asc()).collect()
        let keys = sorted.map { row in row.values.map { $0.isNull ? "" : $0.description } }
        #expect(renderedRows(sorted) == expected)
        #expect(zip(keys, keys.dropFirst()).allSatisfy { (a: [String], b: [String]) -> Bool in
            for (x, y) in zip(a, b) where x != y {
                if x.isEmpty || y.isEmpty { return x.isEmpty }
                if let i = Int64(x), let j = Int64(y) { return i < j }
                return x < y
            }
            return true
        }, "sorted output")
        #expect(try joined.limit(7).collect().count == 7)
    }

    /// The size and memory estimates: TPC-H Q10's customers with their comments (57,069 rows, 4.4 MB
    /// compressed) are small enough to broadcast by Spark's measure, but their hash table does not
    /// fit a join's share of a 128 MB executor's task memory, only of a 2 GB one's.
    @Test func longStringsCountByTheirCompressedBytes() {
        let schema = StructType((0..<8).map { StructField("c\($0)", $0 < 5 ? .string : .long) })
        let small = AdaptiveBroadcast(thresholdBytes: 10 << 20, taskMemoryBytes: 77 << 20)
        let large = AdaptiveBroadcast(thresholdBytes: 10 << 20, taskMemoryBytes: 1228 << 20)
        #expect(AdaptiveBroadcast.dataSize(bytes: 4_415_896, rows: 57_069, schema: schema) <= 10 << 20)
        #expect(!small.allows(bytes: 4_415_896, rows: 57_069, schema: schema, consumers: 5))
        #expect(large.allows(bytes: 4_415_896, rows: 57_069, schema: schema, consumers: 5))
        // 1.5 million order keys compress far below 10 MB; as rows they are 24 MB.
        let keys = StructType([StructField("o_orderkey", .long), StructField("o_custkey", .long)])
        #expect(AdaptiveBroadcast.dataSize(bytes: 6 << 20, rows: 1_500_000, schema: keys) > 10 << 20)
        #expect(!large.allows(bytes: .max / 2, rows: .max / 2, schema: keys, consumers: 1), "saturating, not trapping")
    }

    /// Over the threshold, or with adaptive execution off, the join stays shuffled: same answers.
    @Test func sidesOverTheThresholdStayShuffled() throws {
        let dir = ScratchDir("adaptive-join-over")
        defer { dir.cleanup() }
        let tiny = try session(adaptive: 64)
        defer { tiny.stop() }
        for stages in try checkJoins(tiny, dir, seed: 61, smallLeft: false) { #expect(stages.count == 4) }
        try tiny.conf.set("spark.sql.adaptive.autoBroadcastJoinThreshold", 10 << 20)
        try tiny.conf.set("spark.sql.adaptive.enabled", false)
        for stages in try checkJoins(tiny, dir, seed: 62, smallLeft: true) { #expect(stages.count == 4) }
        #expect(try tiny.conf.get("spark.sql.adaptive.enabled") == "false")
    }

    /// A corrupt map output of the broadcast side is a fetch failure: its stage reruns and the
    /// converted join still gives the reference's rows. So does losing an executor mid-job.
    @Test func convertedJoinsRecoverFromLostShuffleFilesAndExecutors() throws {
        let dir = ScratchDir("adaptive-join-faults")
        defer { dir.cleanup() }
        let big = joinRows(4000, seed: 71, keys: 300), small = joinRows(800, seed: 72, keys: 300)
        for fault in ["corrupt", "kill"] {
            let s = try session(adaptive: 10 << 20) { config in
                if fault == "corrupt" { config.faults.corruptShuffleOutput = (.truncateData, 0) }
                if fault == "kill" { config.faults.killExecutor = (executor: 1, afterTasks: 2) }
            }
            defer { s.stop() }
            let l = try s.read.option("header", true).option("inferSchema", true).csv(dir.write("big-\(fault).csv", joinCSV(big, ("k", "v", "s"))))
            let r = try s.read.option("header", true).option("inferSchema", true).csv(dir.write("small-\(fault).csv", joinCSV(small, ("k2", "w", "t"))))
            let joined = l.join(r.filter(r["w"] > 10), on: l["k"] === r["k2"], how: "left").repartition(2)
            let expected = referenceJoin(big, small.filter { ($0.v ?? Int64.min) > 10 }, how: "left", nullSafe: false, residual: false)
            #expect(renderedRows(try joined.collect()) == expected, "\(fault)")
        }
    }

    /// A sort by counts of a converted join's rows: the sort's sampling job converts the join, and
    /// the query's own job must not reuse the join's shuffle (its stage there is the one planned,
    /// which would recompute a lost output differently). Executors die at several points, their
    /// map outputs with them.
    @Test func aSortOverAConvertedJoinGivesTheReferenceWhenExecutorsDie() throws {
        let dir = ScratchDir("adaptive-join-sorted")
        defer { dir.cleanup() }
        let big = joinRows(4000, seed: 81, keys: 300), small = joinRows(800, seed: 82, keys: 300)
        // Left join, then count per left key: a key's count is the sum over its rows of max(1, matches).
        var matches: [Int64: Int64] = [:]
        for r in small where (r.v ?? Int64.min) > 10 { if let k = r.k { matches[k, default: 0] += 1 } }
        var counts: [String: (key: Value, n: Int64)] = [:]
        for r in big {
            let key: Value = r.k.map { .long($0) } ?? .null
            counts[key.description, default: (key, 0)].n += r.k.map { max(1, matches[$0] ?? 0) } ?? 1
        }
        let want = SortReference.text(SortReference.sorted(counts.values.map { [$0.key, .long($0.n)] }, [(1, false, true), (0, true, true)]))
        for kill in [nil, 3, 6, 9, 12] as [Int?] {
            let s = try session(adaptive: 10 << 20) { config in
                config.maxPartitionBytes = 16 << 10
                if let kill {
                    config.faults.killExecutor = (executor: 1, afterTasks: kill)
                    config.shuffleServiceEnabled = false
                }
            }
            defer { s.stop() }
            let l = try s.read.option("header", true).option("inferSchema", true).csv(dir.write("big-\(kill ?? 0).csv", joinCSV(big, ("k", "v", "s"))))
            let r = try s.read.option("header", true).option("inferSchema", true).csv(dir.write("small-\(kill ?? 0).csv", joinCSV(small, ("k2", "w", "t"))))
            let sorted = l.join(r.filter(r["w"] > 10), on: l["k"] === r["k2"], how: "left").groupBy(l["k"]).agg(count(col("*")).alias("n"))
                .orderBy(col("n").desc(), col("k").asc_nulls_first()).select(col("k"), col("n"))
            #expect(SortReference.text(try sorted.collect().map(\.values)) == want, "killed after \(kill.map(String.init) ?? "no") tasks")
        }
    }
}
