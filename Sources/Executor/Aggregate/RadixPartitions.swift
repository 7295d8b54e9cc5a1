// RadixPartitions: a Final aggregate's input at high cardinality, held in memory split by the top
// bits of the key hash, so each partition can later be aggregated by a table that fits in the
// cache (about `rowsPerPartition` groups, a few hundred KiB) instead of one table of millions of
// groups whose every probe misses it.
//
//   consume:  rows ──► a small table (`flushGroups` groups; keys repeating nearby merge here)
//             full ──► its rows (keys ++ buffers) reordered by hash prefix ──► one chunk
//             a table that hardly merged anything is not worth probing: later rows are hashed
//             and held as they come (``addPending``), and reordered into chunks `flushGroups` at a time
//   finish:   for each partition: its run of every chunk ──► a Final aggregate sized for its rows
//
// The partitions hold the partial format (keys ++ aggregate buffers), the same rows a spill
// writes, so a partitioned aggregate refused memory hands them to its spill unchanged.

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public final class RadixPartitions {
    /// Rows a partition is meant to hold: its table (slots, hashes, keys, buffers) then stays
    /// within the L2 cache.
    static let rowsPerPartition = 8192
    /// Groups of the table in front of the partitions before it is taken apart.
    static let flushGroups = 1 << 16
    /// Below this many expected rows, one table is in the cache anyway (or nearly). The default:
    /// a task's description can lower it (SessionConfig.aggregatePartitionMinRows).
    @_spi(EmberInternal) public static let minExpectedRows = 1 << 18
    /// Rows of the batches a partition is handed out in.
    static let maxBatchRows = 1 << 16

    /// One emptied table: its rows reordered by partition (while they are still in the cache), and
    /// where each partition's run starts (`starts[p]..<starts[p + 1]`), so a partition is later read
    /// as one contiguous run per chunk.
    private struct Chunk {
        let batch: ColumnarBatch
        /// The rows' key hashes, in the same order: a partition's aggregate does not hash again.
        let hashes: [UInt64]
        let starts: [Int32]
    }

    /// log2 of the partition count.
    let bits: Int
    private var chunks: [Chunk] = []
    /// Rows held as they came, not yet reordered, with their key hashes.
    private var pending: [ColumnarBatch] = []
    private var pendingHashes: [UInt64] = []
    private var rowHashes: [UInt64] = []
    private(set) var rows: [Int]
    /// Bytes held (what the aggregate reserves for them).
    private(set) var bytes = 0

    /// Partitions for about `expectedRows` rows: a power of two, 2 to 1024 of them (no more than
    /// `rowsPerPartition` rows each fill, when that is possible).
    init(expectedRows: Int) {
        var bits = 1
        while bits < 10 && (expectedRows >> bits) > Self.rowsPerPartition { bits += 1 }
        self.bits = bits
        rows = Array(repeating: 0, count: 1 << bits)
    }

    var count: Int { 1 << bits }
    var totalRows: Int { chunks.reduce(0) { $0 + $1.batch.numRows } + pendingHashes.count }

    /// Adds rows (keys ++ buffers) whose key hashes are `hashes` (the group table's, one per row):
    /// each belongs to the partition its hash prefix names (a counting sort, then one gather).
    func add(_ batch: ColumnarBatch, hashes: UnsafeBufferPointer<UInt64>) {
        guard batch.numRows > 0 else { return }
        let (destination, starts) = partitionPositions(hashes)
        let sorted = Self.scatter([batch], to: destination)
        let sortedHashes = Self.scatter(hashes, to: destination)
        chunks.append(Chunk(batch: sorted, hashes: sortedHashes, starts: starts))
        bytes += sorted.memoryBytes + sortedHashes.count * 8 + starts.count * 4
    }

    /// `values[k]` moved to `destination[k]`.
    private static func scatter(_ values: UnsafeBufferPointer<UInt64>, to destination: [Int32]) -> [UInt64] {
        [UInt64](unsafeUninitializedCapacity: values.count) { out, initialized in
            for k in 0..<values.count { out[Int(destination[k])] = values[k] }
            initialized = values.count
        }
    }

    /// Holds rows (keys ++ buffers) as they are; `keys` are their key columns, hashed here as the
    /// group table hashes them. Every `flushGroups` rows become one chunk.
    func addPending(_ batch: ColumnarBatch, keys: [ColumnVector]) {
        guard batch.numRows > 0 else { return }
        FixedSeedHash.hashRows(keys, numRows: batch.numRows, seed: FixedSeedHash.aggregateSeed, into: &rowHashes)
        pendingHashes.append(contentsOf: rowHashes)
        pending.append(batch)
        bytes += batch.memoryBytes + batch.numRows * 8
        if pendingHashes.count >= Self.flushGroups { sealPending() }
    }

    /// Reorders the pending rows by partition into one chunk.
    func sealPending() {
        guard !pending.isEmpty else { return }
        let (destination, starts) = pendingHashes.withUnsafeBufferPointer { partitionPositions($0) }
        let held = pending.reduce(0) { $0 + $1.memoryBytes } + pendingHashes.count * 8
        let sorted = Self.scatter(pending, to: destination)
        let sortedHashes = pendingHashes.withUnsafeBufferPointer { Self.scatter($0, to: destination) }
        pending = []
        pendingHashes.removeAll(keepingCapacity: true)
        chunks.append(Chunk(batch: sorted, hashes: sortedHashes, starts: starts))
        bytes += sorted.memoryBytes + sortedHashes.count * 8 + starts.count * 4 - held
    }

    /// Where each row goes when the rows are ordered by partition (a counting sort of their hash
    /// prefixes, stable), and where each partition starts; counts the rows per partition.
    private func partitionPositions(_ hashes: UnsafeBufferPointer<UInt64>) -> (destination: [Int32], starts: [Int32]) {
        let n = hashes.count
        let shift = UInt64(64 - bits)
        var starts = [Int32](repeating: 0, count: count + 1)
        for r in 0..<n { starts[Int(hashes[r] >> shift) + 1] += 1 }
        for p in 0..<count {
            rows[p] += Int(starts[p + 1])
            starts[p + 1] += starts[p]
        }
        var next = starts
        let destination = [Int32](unsafeUninitializedCapacity: n) { out, initialized in
            for r in 0..<n {
                let p = Int(hashes[r] >> shift)
                out[r] = next[p]
                next[p] += 1
            }
            initialized = n
        }
        return (destination, starts)
    }

    /// The rows of `batches` (one schema), row k of them all moved to `destination[k]`: fixed-width
    /// columns are read in order and written in place; others are gathered.
    static func scatter(_ batches: [ColumnarBatch], to destination: [Int32]) -> ColumnarBatch {
        let schema = batches[0].schema
        let n = destination.count
        var validityNeeded = Array(repeating: false, count: schema.fields.count)
        for b in batches { for (c, column) in b.columns.enumerated() where column.hasNulls { validityNeeded[c] = true } }
        func fixed<T>(_ c: Int, _ values: (ColumnVector) -> [T]?) -> [T]? {
            var complete = true
            let out = [T](unsafeUninitializedCapacity: n) { buffer, initialized in
                destination.withUnsafeBufferPointer { dest in
                    var k = 0
                    for b in batches {
                        guard let source = values(b.columns[c]) else { complete = false; return }
                        source.withUnsafeBufferPointer { src in
                            for r in 0..<src.count { (buffer.baseAddress! + Int(dest[k + r])).initialize(to: src[r]) }
                        }
                        k += source.count
                    }
                }
                initialized = complete ? n : 0
            }
            return complete ? out : nil
        }
        var order: [Int32] = []
        var columns: [ColumnVector] = []
        for c in schema.fields.indices {
            var validity: Bitmap? = nil
            if validityNeeded[c] {
                var bits = Bitmap(count: n, value: true)
                var k = 0
                for b in batches {
                    for r in 0..<b.numRows where b.columns[c].isNull(r) { bits[Int(destination[k + r])] = false }
                    k += b.numRows
                }
                validity = bits
            }
            let values: ColumnValues?
            switch schema.fields[c].dataType {
            case .long: values = fixed(c) { if case .long(let v) = $0.values { v } else { nil } }.map { .long($0) }
            case .timestamp: values = fixed(c) { if case .timestamp(let v) = $0.values { v } else { nil } }.map { .timestamp($0) }
            case .double: values = fixed(c) { if case .double(let v) = $0.values { v } else { nil } }.map { .double($0) }
            case .date: values = fixed(c) { if case .date(let v) = $0.values { v } else { nil } }.map { .date($0) }
            case .boolean: values = fixed(c) { if case .boolean(let v) = $0.values { v } else { nil } }.map { .boolean($0) }
            default: values = nil
            }
            if let values {
                columns.append(ColumnVector(values, validity: validity))
                continue
            }
            if schema.fields[c].dataType == .string, let strings = scatterStrings(batches, column: c, to: destination) {
                columns.append(ColumnVector(.string(strings), validity: validity))
                continue
            }
            // Arrays: gathered in the destination order from (batch, row) pairs.
            if order.isEmpty {
                order = [Int32](repeating: 0, count: n)
                for k in 0..<n { order[Int(destination[k])] = Int32(k) }
            }
            var arrivalBatch: [Int32] = [], arrivalRow: [Int32] = []
            arrivalBatch.reserveCapacity(n)
            arrivalRow.reserveCapacity(n)
            for (i, b) in batches.enumerated() {
                for r in 0..<b.numRows { arrivalBatch.append(Int32(i)); arrivalRow.append(Int32(r)) }
            }
            let sources = order.map { arrivalBatch[Int($0)] }, rows = order.map { arrivalRow[Int($0)] }
            columns.append(sources.withUnsafeBufferPointer { s in
                rows.withUnsafeBufferPointer { r in ColumnVector.gather(batches.map { $0.columns[c] }, batch: s, rows: r, type: schema.fields[c].dataType) }
            })
        }
        return ColumnarBatch(schema: schema, columns: columns, numRows: n)
    }

    /// String column `c` of `batches`, row k of them all moved to `destination[k]`: lengths placed,
    /// summed into offsets, then each string copied where its row goes (read in order); nil when a
    /// batch's column is not a string array.
    private static func scatterStrings(_ batches: [ColumnarBatch], column c: Int, to destination: [Int32]) -> StringArray? {
        let n = destination.count
        var total = 0
        for b in batches {
            guard case .string(let s) = b.columns[c].values else { return nil }
            total += Int(s.offsets[s.count] - s.offsets[0])
        }
        precondition(total <= Int(Int32.max), "a chunk's strings exceed 2 GiB")
        var offsets = [Int32](repeating: 0, count: n + 1)
        let bytes = offsets.withUnsafeMutableBufferPointer { out in
            destination.withUnsafeBufferPointer { dest in
                var k = 0
                for b in batches {
                    guard case .string(let s) = b.columns[c].values else { continue }
                    s.offsets.withUnsafeBufferPointer { o in
                        for r in 0..<s.count { out[Int(dest[k + r]) + 1] = o[r + 1] - o[r] }
                    }
                    k += s.count
                }
                for r in 0..<n { out[r + 1] &+= out[r] }
                return [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
                    guard let target = buffer.baseAddress.map(UnsafeMutableRawPointer.init) else { initialized = 0; return }
                    var k = 0
                    for b in batches {
                        guard case .string(let s) = b.columns[c].values else { continue }
                        s.offsets.withUnsafeBufferPointer { o in
                            s.bytes.withUnsafeBytes { source in
                                for r in 0..<s.count {
                                    let start = Int(o[r]), length = Int(o[r + 1]) - start
                                    if length > 0 { ShortBytes.copy(target + Int(out[Int(dest[k + r])]), source.baseAddress! + start, length) }
                                }
                            }
                        }
                        k += s.count
                    }
                    initialized = total
                }
            }
        }
        return StringArray(offsets: offsets, bytes: bytes)
    }

    /// Partition `p`'s rows from every chunk, gathered into batches of at most `maxBatchRows`, with
    /// their key hashes.
    func forEachBatch(ofPartition p: Int, schema: StructType, _ body: (ColumnarBatch, [UInt64]) throws -> Void) throws {
        sealPending()
        var runs: [Run] = []
        var rows = 0
        func emit() throws {
            guard rows > 0 else { return }
            let columns = schema.fields.indices.map { c in gather(column: c, type: schema.fields[c].dataType, runs: runs, rows: rows) }
            var hashes: [UInt64] = []
            hashes.reserveCapacity(rows)
            for run in runs { hashes.append(contentsOf: chunks[run.chunk].hashes[run.rows]) }
            runs.removeAll(keepingCapacity: true)
            let batch = ColumnarBatch(schema: schema, columns: columns, numRows: rows)
            rows = 0
            try body(batch, hashes)
        }
        for (i, chunk) in chunks.enumerated() {
            var start = Int(chunk.starts[p])
            let end = Int(chunk.starts[p + 1])
            while start < end {
                let take = Swift.min(end - start, Self.maxBatchRows - rows)
                runs.append(Run(chunk: i, rows: start..<(start + take)))
                rows += take
                start += take
                if rows == Self.maxBatchRows { try emit() }
            }
        }
        try emit()
    }

    /// Rows `rows` of chunk `chunk`.
    private struct Run {
        let chunk: Int
        let rows: Range<Int>
    }

    /// Column `c` of the rows the runs name, in run order: fixed-width values copied run by run.
    private func gather(column c: Int, type: DataType, runs: [Run], rows n: Int) -> ColumnVector {
        var validity: Bitmap? = nil
        if runs.contains(where: { chunks[$0.chunk].batch.columns[c].hasNulls }) {
            var bits = Bitmap(count: n, value: true)
            var at = 0
            for run in runs {
                let column = chunks[run.chunk].batch.columns[c]
                for k in run.rows {
                    if column.isNull(k) { bits[at] = false }
                    at += 1
                }
            }
            validity = bits
        }
        func fixed<T>(_ values: (ColumnVector) -> [T]?) -> [T]? {
            var complete = true
            let out = [T](unsafeUninitializedCapacity: n) { buffer, initialized in
                var at = 0
                for run in runs {
                    guard let source = values(chunks[run.chunk].batch.columns[c]) else { complete = false; break }
                    source.withUnsafeBufferPointer { src in
                        (buffer.baseAddress! + at).initialize(from: src.baseAddress! + run.rows.lowerBound, count: run.rows.count)
                    }
                    at += run.rows.count
                }
                initialized = at
            }
            return complete ? out : nil
        }
        let gathered: ColumnValues?
        switch type {
        case .long: gathered = fixed { if case .long(let v) = $0.values { v } else { nil } }.map { .long($0) }
        case .timestamp: gathered = fixed { if case .timestamp(let v) = $0.values { v } else { nil } }.map { .timestamp($0) }
        case .double: gathered = fixed { if case .double(let v) = $0.values { v } else { nil } }.map { .double($0) }
        case .date: gathered = fixed { if case .date(let v) = $0.values { v } else { nil } }.map { .date($0) }
        case .boolean: gathered = fixed { if case .boolean(let v) = $0.values { v } else { nil } }.map { .boolean($0) }
        default: gathered = nil
        }
        if let gathered { return ColumnVector(gathered, validity: validity) }
        if type == .string, let strings = gatherStrings(column: c, runs: runs, rows: n) { return ColumnVector(.string(strings), validity: validity) }
        // Arrays: pairs for the general gather.
        var sources: [Int32] = [], picked: [Int32] = []
        sources.reserveCapacity(n)
        picked.reserveCapacity(n)
        for run in runs {
            for k in run.rows {
                sources.append(Int32(run.chunk))
                picked.append(Int32(k))
            }
        }
        return sources.withUnsafeBufferPointer { b in
            picked.withUnsafeBufferPointer { r in ColumnVector.gather(chunks.map { $0.batch.columns[c] }, batch: b, rows: r, type: type) }
        }
    }

    /// String column `c` of the rows the runs name, in run order: each run's bytes copied at once and
    /// its offsets shifted; nil when a chunk's column is not a string array.
    private func gatherStrings(column c: Int, runs: [Run], rows n: Int) -> StringArray? {
        var total = 0
        for run in runs {
            guard case .string(let s) = chunks[run.chunk].batch.columns[c].values else { return nil }
            total += Int(s.offsets[run.rows.upperBound] - s.offsets[run.rows.lowerBound])
        }
        precondition(total <= Int(Int32.max), "a partition batch's strings exceed 2 GiB")
        var offsets = [Int32](repeating: 0, count: n + 1)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        offsets.withUnsafeMutableBufferPointer { out in
            var at = 0
            for run in runs {
                guard case .string(let s) = chunks[run.chunk].batch.columns[c].values else { continue }
                s.offsets.withUnsafeBufferPointer { o in
                    let shift = Int32(bytes.count) - o[run.rows.lowerBound]
                    for r in run.rows {
                        at += 1
                        out[at] = o[r + 1] &+ shift
                    }
                    s.bytes.withUnsafeBufferPointer { b in
                        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[Int(o[run.rows.lowerBound])..<Int(o[run.rows.upperBound])]))
                    }
                }
            }
        }
        return StringArray(offsets: offsets, bytes: bytes)
    }

    /// Hands every row over (in no particular order) and forgets them.
    func takeAll() -> [ColumnarBatch] {
        let batches = chunks.map(\.batch) + pending
        chunks = []
        pending = []
        pendingHashes = []
        rows = Array(repeating: 0, count: count)
        bytes = 0
        return batches
    }
}
