// ShuffleReadSource: a task's reduce partition of a shuffle (or all of a broadcast) read from the
// map outputs' files. A reduce partition the driver found far larger than its siblings also gets
// its keys summarized, so a failure report can name the key that dominates it.

@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

enum ShuffleReadSource {
    static func read(_ shuffleId: ShuffleID, schema: StructType, reduceId: Int, numPartitions: Int, blocks: [ShuffleBlockRef],
                     keySummary request: KeySummaryRequest?, rawRows: RawRowsExpansion? = nil, metrics: inout TaskMetrics,
                     _ emit: (ColumnarBatch) throws -> Void) throws {
        var reader = ShuffleReader(schema: schema)
        reader.rawRows = rawRows
        var summary = request.flatMap { $0.shuffleId == shuffleId ? KeySummary($0) : nil }
        var rows: Int64 = 0
        defer {
            if let summary { metrics.heavyKey = summary.heavyKey }
            metrics.shuffleReadRows += rows
            metrics.shuffleReadBytes += reader.bytesRead
            metrics.shuffleBlocksFetched += reader.blocksRead
        }
        try reader.read(reduceId: reduceId, numPartitions: numPartitions, blocks: blocks) { batch in
            rows += Int64(batch.numRows)
            try summary?.add(batch)
            try emit(batch)
        }
    }
}
