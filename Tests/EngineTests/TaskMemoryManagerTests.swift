// The task memory manager on its own and with real operators: each consumer keeps its floor, a
// refused consumer makes the others spill (the smallest that frees enough first), a consumer on
// the call stack is never asked, a spill's error reaches the requester, and a shuffle writer
// holding buffered batches spills them when the sort upstream of it needs the memory. An operator
// that emits (a sort) first sheds what it holds beyond its fair share, so the writer it feeds is
// not starved; a speculative step makes no one spill; another's failed spill is not taken for a
// hash join's own refusal; a sort's merge passes do not pile up their fan-in reservations.

@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) @testable import Shuffle
import Engine
import Foundation
import Testing
@_spi(EmberInternal) import Planner

/// A consumer that holds what it is granted and gives it all back when asked to spill.
final class HoldingConsumer: Spillable {
    let memory: MemoryConsumer
    var spillable = true
    var spills = 0
    var failure: EmberError?
    /// Called while spilling (to ask for memory from inside a spill).
    var duringSpill: (() throws -> Void)?

    init(_ manager: TaskMemoryManager, _ name: String) {
        memory = manager.consumer(name)
        memory.register(spiller: self)
    }

    func take(_ bytes: Int) throws -> Bool { try memory.tryGrow(bytes) }

    func spillForOtherConsumer() throws -> Int {
        guard spillable, memory.reservedBytes > 0 else { return 0 }
        if let failure { throw failure }
        try duringSpill?()
        spills += 1
        let held = memory.reservedBytes
        memory.shrink(held)
        return held
    }
}

@Suite struct TaskMemoryManagerTests {
    /// A task alone on an executor whose pool is 0.6 × 100 MB = 60 MB.
    func manager(consumers: Int, task: Int = 1) -> (TaskMemoryManager, ExecutorMemoryManager) {
        let executor = ExecutorMemoryManager(executorMemory: 100_000_000)
        let grant = TaskMemoryReservation(manager: executor, task: TaskID(task))
        return (TaskMemoryManager(grant: grant, plannedConsumers: consumers), executor)
    }

    @Test func eachConsumerKeepsItsFloorWhenTheOthersCannotSpill() throws {
        let (m, executor) = manager(consumers: 2)
        let cap = executor.poolBytes
        let a = HoldingConsumer(m, "a")
        a.spillable = false
        // The consumer not created yet keeps a quarter (1/2N, N = 2).
        #expect(try a.take(cap - cap / 4))
        #expect(try !a.take(1))
        let b = HoldingConsumer(m, "b")
        #expect(try b.take(cap / 4))
        #expect(try !b.take(1), "a cannot spill, so b gets no more than its floor")
        #expect(a.spills == 0 && m.spillsForOthers == 0)
        #expect(executor.usedBytes == cap)
    }

    @Test func aRefusedConsumerMakesTheOthersSpill() throws {
        let (m, executor) = manager(consumers: 3)
        let cap = executor.poolBytes
        let small = HoldingConsumer(m, "small"), large = HoldingConsumer(m, "large"), asker = HoldingConsumer(m, "asker")
        #expect(try small.take(cap / 4))
        #expect(try large.take(cap / 2))
        // asker asks for 60%: no one consumer's spill frees enough above its floor (cap/6), so the
        // largest spills first, then the other.
        var order: [String] = []
        large.duringSpill = { order.append("large") }
        small.duringSpill = { order.append("small") }
        #expect(try asker.take(cap * 6 / 10))
        #expect(order == ["large", "small"])
        #expect(m.spillsForOthers == 2)
        #expect(executor.usedBytes <= cap)
    }

    @Test func theSmallestConsumerThatFreesEnoughIsAskedFirst() throws {
        let (m, executor) = manager(consumers: 4)
        let cap = executor.poolBytes
        let big = HoldingConsumer(m, "big"), medium = HoldingConsumer(m, "medium"), tiny = HoldingConsumer(m, "tiny")
        let asker = HoldingConsumer(m, "asker")
        #expect(try big.take(cap / 3))
        #expect(try medium.take(cap / 4))
        #expect(try tiny.take(cap / 8))
        let free = cap - executor.usedBytes
        // Needs a little more than is free: medium (cap/4) frees enough and is smaller than big.
        #expect(try asker.take(free + cap / 16))
        #expect(medium.spills == 1 && big.spills == 0 && tiny.spills == 0)
    }

    @Test func aConsumerOnTheCallStackIsNeverAskedToSpill() throws {
        let (m, executor) = manager(consumers: 2)
        let cap = executor.poolBytes
        let a = HoldingConsumer(m, "a"), b = HoldingConsumer(m, "b")
        #expect(try a.take(cap / 2))
        #expect(try b.take(cap / 2))
        // While a spills for b, a asks for memory itself: b (the requester) must not be asked.
        a.duringSpill = { _ = try a.take(1) }
        #expect(try b.take(cap / 4))
        #expect(a.spills == 1 && b.spills == 0)
    }

    @Test func aSpillsErrorReachesTheRequester() throws {
        let (m, executor) = manager(consumers: 2)
        let cap = executor.poolBytes
        let a = HoldingConsumer(m, "a"), b = HoldingConsumer(m, "b")
        #expect(try a.take(cap / 2 + cap / 4))
        a.failure = EmberError(.output, "no space left on device")
        #expect(throws: EmberError.self) { try b.take(cap / 2) }
    }

    @Test func consumersThatGoAwayGiveTheirMemoryBack() throws {
        let (m, executor) = manager(consumers: 1)
        do {
            let a = HoldingConsumer(m, "a")
            #expect(try a.take(1000))
            #expect(executor.usedBytes == 1000)
        }
        #expect(executor.usedBytes == 0)
    }

    /// A shuffle writer holding buffered batches spills them when the sort that feeds it needs memory.
    @Test func theShuffleWriterSpillsWhenTheSortAboveItNeedsMemory() throws {
        let dir = ScratchDir("task-memory")
        try FileManager.default.createDirectory(atPath: dir.path, withIntermediateDirectories: true)
        defer { dir.cleanup() }
        let executor = ExecutorMemoryManager(executorMemory: 4_000_000)   // 2.4 MB pool, floors of 600 kB
        let grant = TaskMemoryReservation(manager: executor, task: TaskID(1))
        let m = TaskMemoryManager(grant: grant, plannedConsumers: 2)
        let schema = ShuffleSpillTests.schema
        let writer = try ShuffleMapWriter(shuffleId: ShuffleID(1), mapId: TaskID(1), mapIndex: 0, executorId: ExecutorID("t"),
                                          numPartitions: 4, schema: schema, directory: dir.path, memory: m.consumer("writer"))
        let input = ShuffleSpillTests().batches(40, rows: 2000, seed: 9)
        var expected: [String] = []
        for b in input.prefix(10) {
            try writer.write(b, partitionIds: (0..<b.numRows).map { Int32($0 % 4) })
            expected += (0..<b.numRows).map { b.row($0).description }
        }
        #expect(writer.spillCount == 0 && writer.bufferedBytes > executor.poolBytes / 4, "the writer holds more than its floor")
        let heldByWriter = writer.bufferedBytes
        let sorter = ExternalSorter(orders: [BoundSortOrder(expression: .column(0, .long), ascending: true, nullsFirst: true)], schema: schema,
                                    resources: SortResources(memory: m.consumer("sort"), spillDirectory: dir.path, taskId: TaskID(1)))
        for b in input.dropFirst(10) { try sorter.insert(b) }
        #expect(writer.spillCount == 1, "the writer's \(heldByWriter) buffered bytes went to disk for the sort")
        #expect(m.spillsForOthers >= 1)
        var sorted: [String] = []
        try sorter.finish { batch in
            try writer.write(batch, partitionIds: (0..<batch.numRows).map { Int32($0 % 4) })
            for i in 0..<batch.numRows { sorted.append(batch.row(i).description) }
            return true
        }
        expected += sorted
        let status = try writer.commit()
        var reader = ShuffleReader(schema: schema)
        var got: [String] = []
        for r in 0..<4 {
            try reader.read(reduceId: r, numPartitions: 4, blocks: [status.block(reduceId: r)]) { batch in
                for i in 0..<batch.numRows { got.append(batch.row(i).description) }
            }
        }
        #expect(got.sorted() == expected.sorted())
        #expect(sorted.count == input.dropFirst(10).reduce(0) { $0 + $1.numRows })
        #expect(executor.usedBytes == 0 || writer.bufferedBytes == 0)
    }

    static let wideSchema = StructType([StructField("k", .long), StructField("v", .string)])

    static func wideBatch(seed: Int, rows: Int = 4096, width: Int) -> ColumnarBatch {
        ColumnarBatch.fromRows((0..<rows).map { i in
            let k = Int64((i * 7919 + seed * 104729) % 100_003)
            return [.long(k), .string(String(repeating: "x", count: width) + "\(k)")]
        }, schema: wideSchema)
    }

    /// The sort took most of the task's memory while taking input; emitting into the writer, it
    /// first spills down to its fair share, and every batch finds room in the writer.
    @Test func aSortEmittingIntoTheWriterLeavesItRoom() throws {
        let dir = ScratchDir("task-memory-starve")
        try FileManager.default.createDirectory(atPath: dir.path, withIntermediateDirectories: true)
        defer { dir.cleanup() }
        let executor = ExecutorMemoryManager(executorMemory: 2_000_000)   // 1.2 MB pool
        let cap = executor.poolBytes
        let m = TaskMemoryManager(grant: TaskMemoryReservation(manager: executor, task: TaskID(1)), plannedConsumers: 2)
        let writer = try ShuffleMapWriter(shuffleId: ShuffleID(1), mapId: TaskID(1), mapIndex: 0, executorId: ExecutorID("t"),
                                          numPartitions: 4, schema: Self.wideSchema, directory: dir.path, memory: m.consumer("writer"))
        let sorter = ExternalSorter(orders: [BoundSortOrder(expression: .column(0, .long), ascending: true, nullsFirst: true)],
                                    schema: Self.wideSchema,
                                    resources: SortResources(memory: m.consumer("sort"), spillDirectory: dir.path, taskId: TaskID(1)))
        let input = (0..<8).map { Self.wideBatch(seed: $0, width: 100) }
        let need = input[0].memoryBytes + 12 * input[0].numRows
        #expect(need > cap / 4 && need <= cap / 2, "a batch is larger than the writer's floor")
        for b in input { try sorter.insert(b) }
        var emitted: [Int64] = []
        try sorter.finish { batch in
            try writer.write(batch, partitionIds: (0..<batch.numRows).map { Int32($0 % 4) })
            if case .long(let keys) = batch.columns[0].values { emitted += keys }
            return true
        }
        #expect(emitted.count == 8 * 4096)
        #expect(emitted == emitted.sorted())
        _ = try writer.commit()
    }

    /// The same through real executors: a sort feeding a shuffle writer with 1 MiB per task.
    @Test(arguments: [50, 90]) func aSortFeedingAWriterFinishesUnderOneMegabyte(width: Int) throws {
        let session = try Session(config: testConfig(executors: 2, cores: 1) { c in
            c.shufflePartitions = 2
            c.faults.refuseMemoryAbove = 1 << 20
        })
        defer { session.stop() }
        let pad = String(repeating: "p", count: width)
        let sorted = try session.range(0, 200_000, numPartitions: 2).withColumn("s", concat(lit(pad), col("id").cast(.string)))
            .orderBy(col("id").desc()).repartition(3)
        let rows = try sorted.collect()
        #expect(rows.count == 200_000)
        #expect(Set(rows.map { $0.values[0].description }).count == 200_000)
    }

    /// A table's 1 MiB step is taken only from free memory; the few bytes it needs fit without
    /// making anyone spill.
    @Test func aSpeculativeStepMakesNoOneSpill() throws {
        let executor = ExecutorMemoryManager(executorMemory: 100_000_000)
        let cap = executor.poolBytes
        let m = TaskMemoryManager(grant: TaskMemoryReservation(manager: executor, task: TaskID(1)), plannedConsumers: 2)
        let other = HoldingConsumer(m, "writer")
        var table = TableReservation(m.consumer("aggregate"))
        #expect(try table.cover(20_000_000))
        #expect(try other.take(cap - 20_000_000 - 500_000))   // 500 KB free
        #expect(try table.cover(20_000_000 + 100_000))
        #expect(other.spills == 0)
    }

    /// An out-of-memory error from another operator's spill fails the task; the hash join's build
    /// side does not take it for its own refusal and quietly switch to sorting.
    @Test func anotherConsumersFailedSpillIsNotTheBuildSidesRefusal() throws {
        let executor = ExecutorMemoryManager(executorMemory: 100_000_000)
        let cap = executor.poolBytes
        let m = TaskMemoryManager(grant: TaskMemoryReservation(manager: executor, task: TaskID(1)), plannedConsumers: 2)
        let other = HoldingConsumer(m, "sort")
        #expect(try other.take(cap - cap / 4))
        other.failure = EmberError(.outOfMemory, "cannot allocate a 1048576-byte buffer")
        let schema = StructType([StructField("k", .long)])
        let spec = HashJoinSpec(type: .inner, strategy: .shuffledHash, buildSide: .right, leftKeys: [.column(0, .long)],
                                rightKeys: [.column(0, .long)], nullSafe: [false], condition: nil, schema: schema, reason: "")
        let build = JoinBuildSide(spec: spec, schema: schema, resources: SortResources(memory: m.consumer("build"),
                                  spillDirectory: NSTemporaryDirectory(), taskId: TaskID(1)))
        let big = ColumnarBatch.fromRows((0..<(cap / 4 / 8 + 1000)).map { [.long(Int64($0))] }, schema: schema)
        #expect(throws: EmberError.self) { try build.consume(big) }
        #expect(build.sorter == nil)
    }

    /// A sort read as a source (a merge join's side) holds one chunk after its merge passes, not
    /// every pass's fan-in.
    @Test func aSortedSourceHoldsOneChunkAfterItsMergePasses() throws {
        let dir = ScratchDir("task-memory-fanin")
        try FileManager.default.createDirectory(atPath: dir.path, withIntermediateDirectories: true)
        defer { dir.cleanup() }
        let executor = ExecutorMemoryManager(executorMemory: 4_000_000)
        let m = TaskMemoryManager(grant: TaskMemoryReservation(manager: executor, task: TaskID(1)), plannedConsumers: 1)
        let memory = m.consumer("sort")
        let sorter = ExternalSorter(orders: [BoundSortOrder(expression: .column(0, .long), ascending: true, nullsFirst: true)],
                                    schema: Self.wideSchema,
                                    resources: SortResources(memory: memory, spillDirectory: dir.path, taskId: TaskID(1)))
        for s in 0..<40 { try sorter.insert(Self.wideBatch(seed: s, width: 200)) }
        #expect(sorter.spillCount > 8)
        var source = try sorter.sortedSource()
        var keys: [Int64] = []
        while let b = try source.nextBatch() { if case .long(let k) = b.columns[0].values { keys += k } }
        #expect(keys.count == 40 * 4096)
        #expect(keys == keys.sorted())
        #expect(memory.reservedBytes <= SpilledRun.chunkBytes)
    }
}
