// ParquetScanner: reads one split of a Parquet file. The split owns the row groups whose midpoint
// (first chunk offset + compressed size / 2, as Spark computes it) lies in [start, end), so every
// row group is read by exactly one split however the file was cut. For each owned row group only
// the required columns' chunks are read (one positional read per chunk), then decoded in batches
// of at most `batchSize` rows and (per string column) about `stringBytesLimit` bytes, every column
// stepping through its pages in step.

@_spi(EmberInternal) import Planner

enum ParquetScanner {
    /// Where a row group's data starts and how many bytes it spans.
    static func extent(of group: RowGroup) -> (start: Int64, length: Int64) {
        var start = Int64.max
        var length: Int64 = 0
        for chunk in group.columns {
            guard let meta = chunk.metaData else { continue }
            start = min(start, chunkStart(meta))
            length &+= meta.totalCompressedSize
        }
        return (start == .max ? 0 : start, length)
    }

    static func chunkStart(_ meta: ColumnMetaData) -> Int64 {
        if let d = meta.dictionaryPageOffset, d > 0, d < meta.dataPageOffset { return d }
        return meta.dataPageOffset
    }

    /// Indices of the row groups split `[start, end)` of a `fileLength`-byte file owns. A midpoint
    /// outside the file (offsets of a corrupt footer) counts as the file's first or last byte, so
    /// its row group is still owned by one split, which then reports the corruption instead of
    /// every split leaving the group's rows out.
    static func ownedRowGroups(_ metadata: FileMetaData, start: Int64, end: Int64, fileLength: Int64) -> [Int] {
        metadata.rowGroups.indices.filter { i in
            let (s, length) = extent(of: metadata.rowGroups[i])
            let mid = min(max(s &+ length / 2, 0), max(fileLength - 1, 0))
            return mid >= start && mid < end
        }
    }

    /// Batches have at most `batchSize` rows, and are cut sooner once a string column holds
    /// `stringBytesLimit` bytes (see ColumnChunkReader.rowsWithin).
    static func scan(_ split: FileSplit, dataSchema: StructType, requiredColumns: [Int], options: ParquetOptions,
                     pushedFilters: [ScanPredicate] = [], dictionaryColumns: [Int] = [], batchSize: Int, stringBytesLimit: Int = ScanLimits().batchStringBytes,
                     metrics: inout TaskMetrics, _ emit: (ColumnarBatch) throws -> Void) throws {
        let file = try ParquetFile(path: split.path)
        guard file.size == split.fileLength else {
            throw EmberError(.input, "the file changed since the read was planned (\(split.fileLength) bytes then, \(file.size) now)",
                             context: [.init("file", split.path)], hint: "read it again")
        }
        let metadata = try file.readFooter()
        let fileColumns = try ParquetSchema.columns(metadata, options: options, path: split.path)
        let outputSchema = StructType(requiredColumns.map { dataSchema.fields[$0] })
        // Each output column's column in this file (nil: the file lacks it, so it reads as nulls).
        let sources: [ParquetColumn?] = try outputSchema.fields.map { field in
            guard let column = fileColumns.first(where: { $0.name == field.name })
                    ?? fileColumns.first(where: { $0.name.lowercased() == field.name.lowercased() }) else { return nil }
            guard column.dataType == field.dataType else {
                throw EmberError(.input, "column `\(field.name)` is \(column.dataType) in this file, \(field.dataType) in the read's schema",
                                 context: [.init("file", split.path), .init("column", field.name)],
                                 hint: "read files with the same schema together")
            }
            return column
        }
        let predicates: [(ScanPredicate, ParquetColumn)] = pushedFilters.compactMap { p in
            guard p.column < dataSchema.count else { return nil }
            let name = dataSchema.fields[p.column].name
            return fileColumns.first { $0.name == name }.map { (p, $0) }
        }
        let decompressor = PageDecompressor()
        for groupIndex in ownedRowGroups(metadata, start: split.start, end: split.end, fileLength: split.fileLength) {
            let group = metadata.rowGroups[groupIndex]
            if !predicates.isEmpty && RowGroupStatistics.rulesOut(group, predicates: predicates, orders: metadata.columnOrders) {
                metrics.rowGroupsSkipped += 1
                continue
            }
            metrics.rowGroupsRead += 1
            let location: [EmberError.ContextItem] = [.init("file", split.path), .init("row group", String(groupIndex))]
            guard group.numRows >= 0 else {
                throw parquetCorrupt("row group of \(group.numRows) rows").withContext(location)
            }
            if group.numRows == 0 { continue }   // writers leave empty row groups with placeholder chunks
            var readers: [ColumnChunkReader?] = []
            for source in sources {
                guard let source else { readers.append(nil); continue }
                readers.append(try openChunk(source, group: group, file: file, location: location, decompressor: decompressor,
                                             metrics: &metrics))
            }
            var outputs = outputSchema.fields.indices.map {
                ParquetColumnOutput(kind: ScanKind(outputSchema.fields[$0].dataType) ?? .string, capacity: batchSize,
                                    keepCodes: dictionaryColumns.contains($0))
            }
            let stringColumns = outputs.indices.filter { outputs[$0].kind == .string && readers[$0] != nil }
            var left = group.numRows
            var rows = 0
            func flush() throws {
                let columns = outputs.indices.map { outputs[$0].finish() }
                try emit(ColumnarBatch(schema: outputSchema, columns: columns, numRows: rows))
                rows = 0
            }
            while left > 0 {
                // Rows are read in steps that keep every string column within the byte limit; a
                // row that does not surely fit starts a new batch (alone, it is read anyway).
                // Pages start in column order, so a broken one is named as reading it would.
                var n = Int(min(left, Int64(batchSize - rows)))
                for c in outputs.indices where readers[c] != nil {
                    if outputs[c].kind == .string {
                        n = min(n, try readers[c]?.rowsWithin(stringBytes: stringBytesLimit - outputs[c].strings.bytes.count) ?? n)
                    } else {
                        try readers[c]?.loadPage()
                    }
                }
                if n == 0 {
                    if rows > 0 {
                        try flush()
                        continue
                    }
                    n = 1
                }
                for c in outputs.indices {
                    if readers[c] == nil {
                        outputs[c].appendNulls(n)
                    } else {
                        try readers[c]?.read(rows: n, into: &outputs[c])
                    }
                }
                rows += n
                left -= Int64(n)
                if rows == batchSize || left == 0 || stringColumns.contains(where: { outputs[$0].strings.bytes.count >= stringBytesLimit }) {
                    try flush()
                }
            }
        }
    }

    private static func openChunk(_ column: ParquetColumn, group: RowGroup, file: ParquetFile,
                                  location: [EmberError.ContextItem], decompressor: PageDecompressor,
                                  metrics: inout TaskMetrics) throws -> ColumnChunkReader {
        let here = location + [.init("column", column.name), .init("page", "footer (column chunk metadata)")]
        guard column.leafIndex < group.columns.count else {
            throw parquetCorrupt("the row group has \(group.columns.count) column chunks, not one for each column").withContext(here)
        }
        let chunk = group.columns[column.leafIndex]
        guard chunk.filePath == nil else {
            throw EmberError(.input, "column chunks in other files are not supported", context: here)
        }
        guard let meta = chunk.metaData else { throw parquetCorrupt("column chunk without metadata").withContext(here) }
        guard meta.type == column.physicalType else {
            throw parquetCorrupt("column chunk of type \(meta.type) in a \(column.physicalType) column").withContext(here)
        }
        let bytes: ParquetBuffer
        do {
            bytes = try file.readRange(chunkStart(meta), meta.totalCompressedSize, "the column chunk")
        } catch let error as EmberError {
            throw error.withContext(here)
        }
        metrics.inputBytes += meta.totalCompressedSize
        metrics.decompressedBytes += max(0, meta.totalUncompressedSize)
        return ColumnChunkReader(column: column, codec: meta.codec, chunk: bytes, rows: group.numRows,
                                 decompressor: decompressor, location: location)
    }
}

extension EmberError {
    /// The error with these context entries added (those it already has are kept as they are).
    func withContext(_ items: [EmberError.ContextItem]) -> EmberError {
        var e = self
        for item in items where e.context(item.key) == nil { e = e.with(item.key, item.value) }
        return e
    }
}
