// Sorts through real executors: a sort below other operators is a range exchange whose partitions
// are in global order (each sorted, the last key of one ≤ the first of the next), with skewed and
// all-equal keys and memory small enough to spill; orderBy + limit (top-K) equals a full sort and
// limit; a grouped result sorted by its keys shuffles once; a result sorted by an aggregate's value
// reads the shuffle its sampling job wrote; sortWithinPartitions sorts each partition without a
// shuffle.

@testable import Engine
import Foundation
import Testing

@Suite(.serialized) struct GlobalSortTests {
    typealias Order = (column: Int, ascending: Bool, nullsFirst: Bool)

    /// Runs `body` over the rows as a CSV table; it gets the rows as Ember reads them (in file order).
    func withTable<T>(_ generated: [[Value]], partitions: Int = 4, refuseAbove: Int? = nil,
                      _ body: (Session, DataFrame, [[Value]]) throws -> T) throws -> T {
        let dir = ScratchDir("global-sort")
        try FileManager.default.createDirectory(atPath: dir.path, withIntermediateDirectories: true)
        defer { dir.cleanup() }
        let path = dir.path + "/t.csv"
        try SortReference.csv(generated).write(toFile: path, atomically: true, encoding: .utf8)
        let session = try Session(config: testConfig { config in
            config.shufflePartitions = partitions
            config.maxPartitionBytes = 16 << 10
            if let refuseAbove { config.faults.refuseMemoryAbove = refuseAbove }
        })
        defer { session.stop() }
        let df = try session.read.option("header", true).schema(SortReference.schema).csv(path)
        return try body(session, df, try df.collect().map(\.values))
    }

    /// The result stage's rows, split by partition (the driver delivers partitions in order).
    func resultPartitions(_ session: Session, _ rows: [[Value]]) -> [[[Value]]] {
        let last = session.lastJobTasks.map(\.stageId).max()
        var counts: [Int: Int64] = [:]
        for t in session.lastJobTasks where t.stageId == last { counts[t.partition] = t.metrics.outputRows }
        var at = 0
        return counts.keys.sorted().map { p in
            defer { at += Int(counts[p]!) }
            return Array(rows[at..<at + Int(counts[p]!)])
        }
    }

    func columns(_ orders: [Order]) -> [SortColumn] {
        orders.map { o in
            let c = col(SortReference.schema.fields[o.column].name)
            switch (o.ascending, o.nullsFirst) {
            case (true, true): return c.asc_nulls_first()
            case (true, false): return c.asc_nulls_last()
            case (false, true): return c.desc_nulls_first()
            case (false, false): return c.desc_nulls_last()
            }
        }
    }

    /// Sorts below a projection (a range exchange), checks the rows against the reference and the
    /// partitions' global order.
    func checkGlobalSort(_ generated: [[Value]], _ orders: [Order], refuseAbove: Int? = nil) throws {
        try withTable(generated, refuseAbove: refuseAbove) { (session, df, rows) throws -> Void in
            let sorted = df.orderBy(columns(orders)).select(col("id"), col("k"), col("d"), col("s"))
            #expect(try sorted.explainString().contains("rangepartitioning"))
            let got = try sorted.collect().map(\.values)
            let want = SortReference.sorted(rows, orders)
            // Ties may come in any order across partitions' map outputs: compare keys, then the row sets.
            let key = { (r: [Value]) in orders.map { r[$0.column] } }
            #expect(got.count == want.count)
            #expect(zip(got, want).allSatisfy { SortReference.compare(key($0), key($1), orders.indices.map { ($0, orders[$0].ascending, orders[$0].nullsFirst) }) == 0 },
                    "orders \(orders)")
            #expect(Set(got.map(\.description)) == Set(want.map(\.description)))
            let parts = resultPartitions(session, got)
            #expect(parts.count == 4)
            for (i, part) in parts.enumerated() where i + 1 < parts.count {
                guard let last = part.last, let next = parts[i + 1].first else { continue }
                #expect(SortReference.compare(last, next, orders) <= 0, "partition \(i) ends after partition \(i + 1) begins")
            }
            if refuseAbove != nil {
                #expect(session.lastJobTasks.contains { $0.metrics.spillCount > 0 }, "the sort spilled")
            }
        }
    }

    @Test func aSortBelowAProjectionIsInGlobalOrderAcrossPartitions() throws {
        let rows = SortReference.rows(6_000, seed: 11, distinctKeys: 200)
        for orders: [Order] in [[(1, true, true)], [(2, false, false)], [(3, true, false), (1, false, true)], [(2, true, true)]] {
            try checkGlobalSort(rows, orders)
        }
    }

    @Test func aSpillingGlobalSortWithSkewedAndEqualKeys() throws {
        var skewed = SortReference.rows(20_000, seed: 12, distinctKeys: 1000)
        for i in skewed.indices where i % 10 != 0 { skewed[i][1] = .long(42) }
        try checkGlobalSort(skewed, [(1, true, false)], refuseAbove: 256 << 10)
        var equal = SortReference.rows(5_000, seed: 13)
        for i in equal.indices { equal[i][1] = .long(7) }
        try checkGlobalSort(equal, [(1, false, true)])
    }

    @Test func aSortedDataFrameIsWrittenInGlobalOrder() throws {
        try withTable(SortReference.rows(8_000, seed: 14, distinctKeys: 5_000)) { (_, df, rows) throws -> Void in
            let dir = ScratchDir("sorted-write")
            defer { dir.cleanup() }
            try FileManager.default.createDirectory(atPath: dir.path, withIntermediateDirectories: true)
            let out = dir.path + "/out.csv"
            try df.orderBy(col("k").asc_nulls_last(), col("id").desc()).select(col("k"), col("id")).write.csv(out)
            let written = try readCSVOutput(out).map { [$0[0].isEmpty ? Value.null : .long(Int64($0[0])!), .long(Int64($0[1])!)] }
            let want = SortReference.sorted(rows, [(1, true, false), (0, false, true)]).map { [$0[1], $0[0]] }
            #expect(SortReference.text(written) == SortReference.text(want))
        }
    }

    @Test func orderByWithLimitEqualsAFullSortAndLimit() throws {
        try withTable(SortReference.rows(10_000, seed: 15, distinctKeys: 50)) { (_, df, rows) throws -> Void in
            for limit in [1, 10, 333] {
                let orders: [Order] = [(2, false, true), (0, true, true)]
                let top = df.orderBy(columns(orders)).limit(limit)
                #expect(try top.explainString().contains("TakeOrdered \(limit)"))
                #expect(SortReference.text(try top.collect().map(\.values)) == SortReference.text(Array(SortReference.sorted(rows, orders).prefix(limit))))
                // Below other operators too: one partition gathers every partition's top rows.
                let inner = df.orderBy(columns(orders)).limit(limit).select(col("id"))
                #expect(try inner.collect().map(\.values) == SortReference.sorted(rows, orders).prefix(limit).map { [$0[0]] })
            }
        }
    }

    /// groupBy(k, s).agg(…).orderBy(grouping keys): the aggregate's exchange is the range exchange
    /// (one shuffle, not two), and the groups come out whole and in order, nulls included.
    @Test func aGroupedResultSortedByItsKeysShufflesOnce() throws {
        var rows = SortReference.rows(12_000, seed: 17, distinctKeys: 300)
        for i in rows.indices where i % 3 == 0 { rows[i][1] = .long(42) }   // one hot key
        try withTable(rows, refuseAbove: 512 << 10) { (_, df, rows) throws -> Void in
            var groups: [String: (key: [Value], n: Int64, maxId: Int64)] = [:]
            for r in rows {
                guard case .long(let id) = r[0] else { continue }
                let g = groups["\(r[1])|\(r[3])", default: ([r[1], r[3]], 0, Int64.min)]
                groups["\(r[1])|\(r[3])"] = (g.key, g.n + 1, max(g.maxId, id))
            }
            let reference = groups.values.map { $0.key + [.long($0.n), .long($0.maxId)] }
            let aggregated = df.groupBy(col("k"), col("s")).agg(count(col("*")).alias("n"), max(col("id")).alias("m"))
            for orders: [Order] in [[(0, false, true), (1, true, false)], [(1, true, true), (0, true, false)]] {
                let sorted = aggregated.orderBy(orders.map { o -> SortColumn in
                    let c = col(o.column == 0 ? "k" : "s")
                    switch (o.ascending, o.nullsFirst) {
                    case (true, true): return c.asc_nulls_first()
                    case (true, false): return c.asc_nulls_last()
                    case (false, true): return c.desc_nulls_first()
                    case (false, false): return c.desc_nulls_last()
                    }
                }).select(col("k"), col("s"), col("n"), col("m"))
                let plan = try sorted.explainString()
                #expect(plan.components(separatedBy: "Exchange").count == 2 && plan.contains("rangepartitioning"), "\(plan)")
                #expect(SortReference.text(try sorted.collect().map(\.values)) == SortReference.text(SortReference.sorted(reference, orders)))
            }
            // By the hot key alone: every group still whole, keys in order.
            let byK = try aggregated.orderBy(col("k").asc_nulls_last()).select(col("k"), col("s"), col("n"), col("m")).collect().map(\.values)
            #expect(Set(byK.map(\.description)) == Set(reference.map(\.description)))
            #expect(zip(byK, byK.dropFirst()).allSatisfy { SortReference.compare($0, $1, [(0, true, false)]) <= 0 })
            // Sorted by an aggregate's value: the sort needs its own exchange.
            #expect(try aggregated.orderBy(col("n").desc()).select(col("n")).explainString().components(separatedBy: "Exchange").count == 3)
        }
    }

    /// Sorted by an aggregate's value, the sort's sampling job runs the aggregate's map stage; the
    /// query's own job reads that shuffle instead of writing it again (its map stage is skipped),
    /// and still gets the reference answer when an executor, and the map outputs it held, die
    /// between or during the jobs.
    @Test func aSortOfAnAggregatesValueReadsTheShuffleItsSamplingJobWrote() throws {
        let dir = ScratchDir("sort-reuse")
        try FileManager.default.createDirectory(atPath: dir.path, withIntermediateDirectories: true)
        defer { dir.cleanup() }
        let path = dir.path + "/t.csv"
        let rows = SortReference.rows(12_000, seed: 29, distinctKeys: 300)
        try SortReference.csv(rows).write(toFile: path, atomically: true, encoding: .utf8)
        var counts: [String: (key: Value, n: Int64)] = [:]
        for r in rows { counts[r[1].description, default: (r[1], 0)].n += 1 }
        let orders: [Order] = [(1, false, true), (0, true, true)]
        let want = SortReference.text(SortReference.sorted(counts.values.map { [$0.key, .long($0.n)] }, orders))
        // Executor 1 finishes about 9 tasks in the sampling job: killed after 8 it dies in that job,
        // after 10 in the query's own, whose skipped map stage then recomputes what it held.
        for kill in [nil, 8, 10] as [Int?] {
            let session = try Session(config: testConfig { config in
                config.shufflePartitions = 4
                config.maxPartitionBytes = 16 << 10
                if let kill {
                    config.faults.killExecutor = (executor: 1, afterTasks: kill)
                    config.shuffleServiceEnabled = false
                }
            })
            defer { session.stop() }
            let df = try session.read.option("header", true).schema(SortReference.schema).csv(path)
            // Below a projection, the sort is a range exchange (not a merge in the driver).
            let sorted = df.groupBy(col("k")).agg(count(col("*")).alias("n")).orderBy(col("n").desc(), col("k").asc_nulls_first())
                .select(col("k"), col("n"))
            #expect(SortReference.text(try sorted.collect().map(\.values)) == want, "killed after \(kill.map(String.init) ?? "no") tasks")
            if kill == nil {
                // The aggregate's reduce stage (writing the range exchange) and the sort's stage only.
                #expect(Set(session.lastJobTasks.map(\.stageId)).count == 2)
                #expect(session.lastJobTasks.count == 8)
            } else {
                #expect(session.executorsLost == 1)
            }
        }
    }

    @Test func sortWithinPartitionsSortsEachPartitionWithoutAShuffle() throws {
        try withTable(SortReference.rows(6_000, seed: 16)) { (session, df, rows) throws -> Void in
            let sorted = df.sortWithinPartitions(col("d").desc_nulls_last(), col("id").asc())
            #expect(try !sorted.explainString().contains("Exchange"))
            let got = try sorted.collect().map(\.values)
            #expect(Set(got.map(\.description)) == Set(rows.map(\.description)))
            let parts = resultPartitions(session, got)
            #expect(parts.count > 1)
            for part in parts { #expect(SortReference.text(part) == SortReference.text(SortReference.sorted(part, [(2, false, false), (0, true, true)]))) }
        }
    }
}
