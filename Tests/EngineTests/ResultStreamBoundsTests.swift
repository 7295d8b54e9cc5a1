// The driver's memory and open files stay bounded however results arrive: small results waiting
// for an earlier partition or for a sorted merge go to result files beyond a budget, and a sorted
// result over many partitions is merged in passes of at most `mergeFanIn` files (1,100 partitions
// failed with EMFILE under the usual 1,024-file limit).

@testable import Engine
@_spi(EmberInternal) import Executor
import Foundation
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle
import Testing

/// Files of `dir` this process holds open (from /proc/self/fd).
func openFiles(in dir: String) -> [String] {
    let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)") }
        .filter { $0.hasPrefix(dir + "/") }
}

func driverResultFiles(in dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix("result_driver_") }
}

@Suite struct ResultStreamBoundsTests {
    let helper = ResultStreamOrderTests()

    @Test func waitingSmallResultsBeyondTheBudgetWaitInFiles() throws {
        let dir = ScratchDir("result-budget")
        defer { dir.cleanup() }
        let values = { (p: Int) in (0..<100).map { Int64(p * 1_000 + $0) } }
        let one = try helper.result(9, [values(9)], asFile: false, appDir: dir.path).bytes
        var seen: [Int64] = []
        let stream = ResultStream(schema: helper.schema, ordering: nil, limit: nil, maxResultSize: nil, appDir: dir.path,
                                  memoryBudget: 2 * one) { b in seen += (0..<b.numRows).map { b.row($0)[0].longValue ?? -1 } }
        for p in stride(from: 9, through: 1, by: -1) {
            #expect(try stream.receive(helper.result(p, [values(p)], asFile: false, appDir: dir.path)))
        }
        #expect(seen.isEmpty)
        #expect(driverResultFiles(in: dir.path).count == 7, "2 of the 9 waiting results fit the budget, 7 wait in files")
        #expect(try stream.receive(helper.result(0, [values(0)], asFile: false, appDir: dir.path)))
        #expect(seen == (0..<10).flatMap(values))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "set-aside files are removed once read")
    }

    /// Two columns: the sort key (with many ties) and the partition a row came from.
    let pairSchema = StructType([StructField("k", .long), StructField("p", .long)])

    func pairResult(_ partition: Int, _ keys: [Int64], asFile: Bool, appDir: String) throws -> TaskResult {
        let batch = ColumnarBatch(schema: pairSchema, columns: [ColumnVector(.long(keys)), ColumnVector(.long(keys.map { _ in Int64(partition) }))],
                                  numRows: keys.count)
        return try helper.result(partition, encoding: [batch], asFile: asFile, appDir: appDir)
    }

    @Test func aSortedResultOverManyPartitionsIsMergedInPassesAndStaysStable() throws {
        let dir = ScratchDir("result-fanin")
        defer { dir.cleanup() }
        var rng = SeededRandom(seed: 11)
        let partitions = (0..<23).map { _ in (0..<Int.random(in: 0..<300, using: &rng)).map { _ in Int64.random(in: 0..<50, using: &rng) }.sorted() }
        var seen: [[Int64]] = []
        var mostOpen = 0
        let order = BoundSortOrder(expression: .column(0, .long), ascending: true, nullsFirst: true)
        let stream = ResultStream(schema: pairSchema, ordering: [order], limit: nil, maxResultSize: nil, appDir: dir.path, mergeFanIn: 3) { b in
            mostOpen = max(mostOpen, openFiles(in: dir.path).count)
            seen += (0..<b.numRows).map { r in [b.row(r)[0].longValue ?? -1, b.row(r)[1].longValue ?? -1] }
        }
        for p in partitions.indices.shuffled(using: &rng) {
            #expect(try stream.receive(pairResult(p, partitions[p], asFile: p % 3 != 0, appDir: dir.path)))
        }
        try stream.finish()
        // A stable sort of the partitions in partition order: ties keep the lower partition first.
        let reference = partitions.enumerated().flatMap { p, keys in keys.map { [$0, Int64(p)] } }
            .enumerated().sorted { ($0.element[0], $0.offset) < ($1.element[0], $1.offset) }.map(\.element)
        #expect(seen == reference)
        #expect(mostOpen <= 3, "the last pass reads at most 3 files at once")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "every pass's files are removed")
    }
}

/// The same bounds in a real session: tasks on executor processes sort their partitions, the driver
/// merges them.
@Suite(.serialized) struct SortedResultBoundsTests {
    func sortedIds(_ session: Session, rows: Int64, partitions: Int, _ onBatch: @escaping () -> Void) throws -> [Int64] {
        let df = session.range(0, rows, numPartitions: partitions).select(col("id"), randstr(20, seed: col("id")).alias("s")).orderBy(col("id").desc())
        var ids: [Int64] = []
        _ = try session.execute(df.plan, maxResultSize: nil) { b in
            onBatch()
            ids += (0..<b.numRows).map { b.row($0)[0].longValue ?? -1 }
        }
        return ids
    }

    @Test func smallSortedResultsBeyondTheBudgetWaitInFiles() throws {
        let session = try Session(config: testConfig { $0.maxWaitingResultMemory = 256 << 10 })
        defer { session.stop() }
        var setAside: Int?
        let ids = try sortedIds(session, rows: 200_000, partitions: 40) { if setAside == nil { setAside = driverResultFiles(in: session.appDir).count } }
        #expect(ids == Array((0..<200_000).reversed()))
        #expect(session.lastJobTasks.allSatisfy { $0.metrics.resultSize < 1 << 20 }, "every result came in its status frame")
        // 40 results of about 150 KiB: at most 256 KiB of them stay in memory.
        #expect((setAside ?? 0) >= 30, "results set aside in files when the merge began: \(setAside ?? 0)")
        #expect(driverResultFiles(in: session.appDir).isEmpty)
    }

    @Test func aSortedResultOverManyFilesOpensAtMostTheFanIn() throws {
        let session = try Session(config: testConfig { $0.maxDirectResultSize = 16 })
        defer { session.stop() }
        var mostOpen = 0
        let ids = try sortedIds(session, rows: 100_000, partitions: 200) { mostOpen = max(mostOpen, openFiles(in: session.appDir).count) }
        #expect(ids == Array((0..<100_000).reversed()))
        #expect(mostOpen > 0 && mostOpen <= ResultStream.defaultMergeFanIn, "result files open at once: \(mostOpen)")
    }
}
