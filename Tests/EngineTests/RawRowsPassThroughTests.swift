// A Partial aggregate that stops aggregating ships its keys and its aggregates' inputs (raw rows,
// RawRowsLayout) instead of one-row buffers, and the reducer expands them as it reads: the shuffle
// files hold both kinds of batch, a reader told how expands them, and one not told refuses them;
// end to end, a groupBy whose map tasks back off gives the reference answer, hash or range
// partitioned, with nulls in every aggregated column.

import Foundation
import Testing
@_spi(EmberInternal) import Engine
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) @testable import Shuffle
@_spi(EmberInternal) @testable import Executor

@Suite(.serialized) struct RawRowsPassThroughTests {
    /// count(*), sum(v), avg(v) over (k, v): raw rows are (k, v), buffers (k, count, sum, avg sum, avg count).
    static let aggregates = [
        BoundAggregate(function: .count, input: nil, name: "c"),
        BoundAggregate(function: .sum, input: .column(1, .long), name: "s"),
        BoundAggregate(function: .avg, input: .column(1, .long), name: "a"),
    ]
    static let partialSchema = StructType([
        StructField("k", .long), StructField("c#buf0", .long), StructField("s#buf0", .long),
        StructField("a#buf0", .double), StructField("a#buf1", .long),
    ])

    @Test func theLayoutShipsEachInputOnceAndOnlyWhenNarrower() throws {
        let layout = try #require(RawRowsLayout(partialSchema: Self.partialSchema, keyCount: 1, aggregates: Self.aggregates))
        #expect(layout.schema.fields.map(\.dataType) == [.long, .long])
        // count(*) alone ships nothing but keys, and its buffer is as wide as nothing: still narrower.
        #expect(RawRowsLayout(partialSchema: StructType([StructField("k", .long), StructField("c", .long)]), keyCount: 1,
                              aggregates: [BoundAggregate(function: .count, input: nil, name: "c")]) != nil)
        // min(s) of a string: the raw row is as wide as the buffer, so buffers go.
        #expect(RawRowsLayout(partialSchema: StructType([StructField("k", .long), StructField("m", .string)]), keyCount: 1,
                              aggregates: [BoundAggregate(function: .min, input: .column(1, .string), name: "m")]) == nil)
        // Inputs that are equal but not identical (-0.0 and 0.0) each get a column.
        let signed = try #require(RawRowsLayout(
            partialSchema: StructType([StructField("k", .long), StructField("a", .double), StructField("b", .double)]), keyCount: 1,
            aggregates: [BoundAggregate(function: .max, input: .literal(.double(-0.0), .double), name: "a"),
                         BoundAggregate(function: .max, input: .literal(.double(0.0), .double), name: "b"),
                         BoundAggregate(function: .min, input: .literal(.double(0.0), .double), name: "c")]))
        #expect(signed.schema.count == 3)
    }

    @Test func aMapOutputHoldsBuffersAndRawRowsAndTheReaderExpandsThem() throws {
        let dir = NSTemporaryDirectory() + "/ember-raw-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let layout = try #require(RawRowsLayout(partialSchema: Self.partialSchema, keyCount: 1, aggregates: Self.aggregates))
        let writer = try ShuffleMapWriter(shuffleId: ShuffleID(1), mapId: TaskID(1), mapIndex: 0, executorId: ExecutorID("1"),
                                          numPartitions: 3, schema: Self.partialSchema, directory: dir)
        // Buffers, then raw rows (the first change of kind spills the buffers), then raw rows in memory.
        let buffers = ColumnarBatch.fromRows((0..<10).map { [.long(Int64($0)), .long(2), .long(10), .double(10), .long(2)] },
                                             schema: Self.partialSchema)
        try writer.write(buffers, partitionIds: (0..<10).map { Int32($0 % 3) })
        let input = ColumnarBatch.fromRows((0..<20).map { [.long(Int64($0 % 7)), $0 % 5 == 0 ? .null : .long(Int64($0))] },
                                           schema: StructType([StructField("k", .long), StructField("v", .long)]))
        let raw = try layout.rawBatch(input, keyColumns: [input.columns[0]])
        try writer.write(raw, partitionIds: (0..<20).map { Int32($0 % 3) }, rawRows: true)
        #expect(writer.spillCount == 1)
        let status = try writer.commit()
        #expect(status.partitionRows.reduce(0, +) == 30)

        var expanded: [[Value]] = []
        var reader = ShuffleReader(schema: Self.partialSchema)
        reader.rawRows = layout.expansion
        for r in 0..<3 {
            try reader.read(reduceId: r, numPartitions: 3, blocks: [status.block(reduceId: r)]) { batch in
                #expect(batch.schema == Self.partialSchema)
                expanded += batch.rows
            }
        }
        var expected = buffers.rows
        for i in 0..<20 {
            let k = Value.long(Int64(i % 7))
            if i % 5 == 0 {
                expected.append([k, .long(1), .null, .double(0), .long(0)])
            } else {
                expected.append([k, .long(1), .long(Int64(i)), .double(Double(i)), .long(1)])
            }
        }
        let key: ([Value]) -> String = { $0.map(\.description).joined(separator: "|") }
        #expect(expanded.map(key).sorted() == expected.map(key).sorted())

        // A reader that does not expect raw rows names the problem instead of misreading them.
        var plain = ShuffleReader(schema: Self.partialSchema)
        // Not a fetch failure: rerunning the map task would write the same rows again.
        let error = #expect(throws: EmberError.self) {
            for r in 0..<3 { try plain.read(reduceId: r, numPartitions: 3, blocks: [status.block(reduceId: r)]) { _ in } }
        }
        #expect(error?.code == .internal)
        #expect(error?.message.contains("raw rows") == true)

        // Damaged raw rows are damage like any other: a fetch failure naming the block (the map
        // output is recomputed), never rows read wrongly. Cut short, the data file no longer
        // holds the last partition's frames whole.
        let block = status.block(reduceId: 2)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: block.dataPath)[.size] as? Int)
        try FileHandle(forWritingTo: URL(fileURLWithPath: block.dataPath)).truncate(atOffset: UInt64(size - 3))
        var damaged = ShuffleReader(schema: Self.partialSchema)
        damaged.rawRows = layout.expansion
        #expect(throws: FetchFailure.self) {
            try damaged.read(reduceId: 2, numPartitions: 3, blocks: [block]) { _ in }
        }
    }

    /// 400,000 rows over 390,000 keys in two splits: each map task's table barely reduces, so it
    /// backs off after its first 100,000 rows and ships the rest raw.
    @Test(arguments: [false, true]) func aGroupByWhoseMapTasksBackOffGivesTheReferenceAnswer(sorted: Bool) throws {
        let dir = ScratchDir("raw-rows")
        defer { dir.cleanup() }
        var csv = "k,v,d,s\n"
        struct Group { var n = 0, nv = 0, sv: Int64 = 0, sd = 0.0, nd = 0, lo: String?, hi: String? }
        var groups: [Int64: Group] = [:]
        for i in 0..<400_000 {
            let k = Int64((i &* 7919) % 390_000)
            let v: Int64? = i % 7 == 0 ? nil : Int64(i % 1000) - 300
            let d: Double? = i % 11 == 0 ? nil : Double(i % 64) * 0.5
            let s: String? = i % 13 == 0 ? nil : "s\(i % 97)"
            csv += "\(k),\(v.map(String.init) ?? ""),\(d.map { String($0) } ?? ""),\(s ?? "")\n"
            var g = groups[k] ?? Group()
            g.n += 1
            if let v { g.nv += 1; g.sv += v }
            if let d { g.nd += 1; g.sd += d }
            if let s { g.lo = min(g.lo ?? s, s); g.hi = max(g.hi ?? s, s) }
            groups[k] = g
        }
        let path = dir.write("in.csv", csv)
        let session = try makeSession(executors: 2, cores: 1, partitions: 3, maxPartitionBytes: Int64(csv.utf8.count / 2 + 1))
        defer { session.stop() }
        var df = try session.read.option("header", true).option("inferSchema", true).csv(path)
            .groupBy("k").agg(count(col("*")).alias("c"), count(col("v")).alias("cv"), sum("v").alias("sv"), avg("v").alias("av"),
                              sum("d").alias("sd"), min("s").alias("lo"), max("s").alias("hi"))
        if sorted { df = df.orderBy("k") }
        let rows = try df.collect()
        #expect(rows.count == groups.count)
        var bad: [String] = []
        for r in rows {
            guard let k = r[0].longValue, let g = groups[k] else { bad.append("unknown key \(r[0])"); continue }
            let avg: Double? = g.nv == 0 ? nil : Double(g.sv) / Double(g.nv)
            let ok = r[1].longValue == Int64(g.n) && r[2].longValue == Int64(g.nv)
                && (g.nv == 0 ? r[3].isNull && r[4].isNull : r[3].longValue == g.sv && abs((r[4].doubleValue ?? .nan) - avg!) < 1e-9)
                && (g.nd == 0 ? r[5].isNull : r[5].doubleValue == g.sd)
                && r[6].stringValue == g.lo && r[7].stringValue == g.hi
            if !ok && bad.count < 5 { bad.append("\(r) vs \(g)") }
        }
        #expect(bad.isEmpty, "\(bad)")
        if sorted {
            let keys = rows.compactMap { $0[0].longValue }
            #expect(keys == keys.sorted())
        }
    }
}
