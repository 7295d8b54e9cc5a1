// ShuffleWriteSink: the end of a map task's pipeline: partitions rows by the exchange's keys and
// writes the shuffle files. (Result tasks end in ResultSink.)

@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

final class ShuffleWriteSink: RawRowsConsumer {
    let writer: ShuffleMapWriter
    let partitioning: Partitioning
    var partitioner: HashPartitioner
    let rangePartitioner: RangePartitioner?
    var partitionIds: [Int32] = []
    /// Where round-robin dealing continues (starts at the map partition index, as Spark staggers it).
    var nextRoundRobin: Int
    private(set) var status: MapStatus?
    var rows: Int64 = 0

    init(writer: ShuffleMapWriter, partitioning: Partitioning) throws {
        self.writer = writer
        self.nextRoundRobin = writer.mapIndex % max(1, partitioning.numPartitions)
        self.partitioning = partitioning
        self.partitioner = HashPartitioner(numPartitions: partitioning.numPartitions)
        if case .range(let r) = partitioning { rangePartitioner = try RangePartitioner(r) } else { rangePartitioner = nil }
    }

    func consume(_ batch: ColumnarBatch) throws { try write(batch, rawRows: false) }

    /// Raw rows partition as their keys do: the partitioning reads nothing else.
    func acceptsRawRows(keyCount: Int) -> Bool {
        let read: Set<Int>
        switch partitioning {
        case .single, .roundRobin: return true
        case .hash(let keys, _): read = BoundExpression.referencedColumns(keys)
        case .range(let r): read = BoundExpression.referencedColumns(r.orders.map(\.expression))
        }
        return read.allSatisfy { $0 < keyCount }
    }

    func consumeRaw(_ batch: ColumnarBatch) throws { try write(batch, rawRows: true) }

    private func write(_ batch: ColumnarBatch, rawRows: Bool) throws {
        if batch.numRows == 0 { return }
        rows += Int64(batch.numRows)
        switch partitioning {
        case .single:
            partitionIds = [Int32](repeating: 0, count: batch.numRows)
        case .roundRobin(let n):
            partitionIds = (0..<batch.numRows).map { Int32(truncatingIfNeeded: (nextRoundRobin + $0) % n) }
            nextRoundRobin = (nextRoundRobin + batch.numRows) % n
        case .hash(let keys, _):
            let keyColumns = try keys.map { try $0.evaluate(batch) }
            partitioner.partitionIds(keys: keyColumns, numRows: batch.numRows, into: &partitionIds)
        case .range:
            try rangePartitioner?.partitionIds(batch, into: &partitionIds)
        }
        try writer.write(batch, partitionIds: partitionIds, rawRows: rawRows)
    }

    func finish() throws {
        status = try writer.commit()
    }
}
