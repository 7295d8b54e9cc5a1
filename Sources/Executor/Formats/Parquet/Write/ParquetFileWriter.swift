// ParquetFileWriter: writes one Parquet file from batches, one row group at a time.
//
//   "PAR1" · row group 0 (column 0's chunk, column 1's chunk, …) · row group 1 · …
//          · FileMetaData (Thrift compact) · u32 LE footer length · "PAR1"
//
// Each column's pages are encoded and compressed as rows arrive (ColumnChunkAssembler), so the
// writer holds at most one row group: once the columns' buffered pages reach
// `parquet.block.size` (128 MiB) at a batch boundary, their chunks go to the file back to back and
// the buffers are reused. In a task, the row group's memory is reserved from the task's memory
// and a refusal ends the row group early (RowGroupReservation). A file with no rows has no row
// groups and is still valid.

@_spi(EmberInternal) import Planner

/// Writes one Parquet file.
///
///     init ──► write(batch)* ──► close()  → the file at `path` is complete
///                            └─► abort()  → the file is removed
///
/// `init` creates `path` exclusively (mode 0644 minus the umask; an existing path is refused).
/// Atomic publication (temp names, renames, `_SUCCESS`) is the committer's job (FileOutputFormat).
/// One task owns a writer; it is not shared between threads.
@_spi(EmberInternal) public final class ParquetFileWriter: FileOutputFormat, Spillable {
    @_spi(EmberInternal) public let path: String
    @_spi(EmberInternal) public let schema: StructType
    @_spi(EmberInternal) public let options: ParquetWriteOptions
    private let file: OutputFile
    private var state = State.open
    private let columns: [any ParquetColumnWriter]
    private let schemaElements: [SchemaElement]
    private var rowGroups: [RowGroup] = []
    /// Rows buffered in the row group being built.
    private var rowGroupRows = 0
    /// Bytes written to the file so far (the offset of the next page).
    @_spi(EmberInternal) public private(set) var bytesWritten: Int64 = 0
    @_spi(EmberInternal) public private(set) var rowsWritten = 0
    /// The row group's share of the task's memory (nil: not accounted, outside a task).
    private let reservation: RowGroupReservation?

    enum State { case open, closed, aborted }

    static let magic: [UInt8] = Array("PAR1".utf8)

    @_spi(EmberInternal) public convenience init(path: String, schema: StructType, options: ParquetWriteOptions = ParquetWriteOptions()) throws {
        try self.init(path: path, schema: schema, options: options, memory: nil)
    }

    /// `memory`: the task's memory consumer for the writer; its row groups are reserved from it.
    @_spi(EmberInternal) public init(path: String, schema: StructType, options: ParquetWriteOptions,
                                     memory: (any MemoryReservation)?) throws {
        self.path = path
        self.schema = schema
        self.options = options
        self.reservation = memory.map(RowGroupReservation.init)
        try ParquetSchemaMapping.checkNames(schema)
        schemaElements = try ParquetSchemaMapping.schemaElements(schema)
        let scratch = PageScratch(compressor: try PageCompressor(options.compression))
        columns = try schema.fields.map { try ParquetSchemaMapping.columnWriter(for: $0, options: options, scratch: scratch) }
        file = try OutputFile(path: path)
        memory?.register(spiller: self)
        do {
            try Self.magic.withUnsafeBytes { try writeToFile($0) }
        } catch {
            abort()
            throw error
        }
    }

    deinit {
        if state == .open { abort() }   // dropped unfinished: an incomplete file must not remain
    }

    /// Appends the rows of `batch` (its columns in the writer's schema order). A failure removes
    /// the file (as `abort()`); the writer is then unusable.
    @_spi(EmberInternal) public func write(_ batch: ColumnarBatch) throws {
        guard state == .open else {
            throw EmberError(.internal, "Parquet writer used after close or abort", context: [.init("path", path)])
        }
        guard batch.columns.count == columns.count else {
            throw EmberError(.internal, "batch has \(batch.columns.count) columns, the Parquet writer expects \(columns.count)",
                             context: [.init("path", path), .init("schema", schema.description)])
        }
        guard batch.numRows > 0 else { return }
        do {
            for (writer, column) in zip(columns, batch.columns) { try writer.write(column) }
            rowGroupRows += batch.numRows
            rowsWritten += batch.numRows
            if columns.reduce(0, { $0 + $1.bufferedBytes }) >= options.rowGroupBytes { try flushRowGroup() }
            try reserveHeldMemory()
        } catch {
            // The columns may now disagree on their row counts: the file cannot be finished.
            abort()
            throw (error as? EmberError)?.with("path", path) ?? error
        }
    }

    /// Memory the columns hold for the row group being built.
    private var heldBytes: Int { columns.reduce(0) { $0 + $1.heldBytes } }

    /// Reserves what the row group holds from the task's memory; when that is refused, the row
    /// group ends here and its buffers shrink, and the writer goes on with what is left.
    private func reserveHeldMemory() throws {
        guard let reservation, try !reservation.settle(heldBytes) else { return }
        try flushRowGroup(releasingMemory: true)
        _ = try reservation.settle(heldBytes)   // the least the writer works with
    }

    /// Another consumer of the task needs memory: the row group goes to the file now.
    @_spi(EmberInternal) public func spillForOtherConsumer() throws -> Int {
        guard state == .open, rowGroupRows > 0, let reservation else { return 0 }
        let before = reservation.reserved
        do {
            try flushRowGroup(releasingMemory: true)
        } catch {
            abort()
            throw (error as? EmberError)?.with("path", path) ?? error
        }
        reservation.shrink(to: heldBytes)
        return before - reservation.reserved
    }

    /// Writes the buffered rows as one row group; `releasingMemory`: the column buffers shrink
    /// back instead of staying sized for the next row group.
    private func flushRowGroup(releasingMemory: Bool = false) throws {
        guard rowGroupRows > 0 else {
            if releasingMemory { for writer in columns { writer.assembler.reset(releasingMemory: true) } }
            return
        }
        let groupStart = bytesWritten
        var chunks: [ColumnChunk] = []
        var uncompressed: Int64 = 0
        for (writer, field) in zip(columns, schema.fields) {
            let statistics = try writer.finishChunk()
            let assembler = writer.assembler
            let chunkStart = bytesWritten
            var dictionaryOffset: Int64? = nil
            if let dictionary = assembler.dictionaryPage {
                dictionaryOffset = bytesWritten
                try writeToFile(dictionary.bytes)
            }
            let dataOffset = bytesWritten
            try writeToFile(assembler.dataPages.bytes)
            var encodings: [Encoding] = []
            for e in assembler.pageCounts.map(\.encoding) + [.rle] where !encodings.contains(e) { encodings.append(e) }
            let metadata = ColumnMetaData(
                type: writer.physicalType, encodings: encodings, pathInSchema: [field.name], codec: codec,
                numValues: assembler.chunkRows, totalUncompressedSize: assembler.uncompressedBytes,
                totalCompressedSize: bytesWritten - chunkStart, dataPageOffset: dataOffset,
                dictionaryPageOffset: dictionaryOffset, statistics: statistics,
                encodingStats: assembler.pageCounts.map { PageEncodingStats(pageType: $0.type, encoding: $0.encoding, count: $0.count) })
            chunks.append(ColumnChunk(fileOffset: chunkStart, metaData: metadata))
            uncompressed += assembler.uncompressedBytes
            assembler.reset(releasingMemory: releasingMemory)
        }
        rowGroups.append(RowGroup(columns: chunks, totalByteSize: uncompressed, numRows: Int64(rowGroupRows),
                                  fileOffset: groupStart, totalCompressedSize: bytesWritten - groupStart,
                                  ordinal: Int16(truncatingIfNeeded: rowGroups.count)))
        rowGroupRows = 0
    }

    private var codec: CompressionCodec {
        switch options.compression {
        case .uncompressed: return .uncompressed
        case .snappy: return .snappy
        case .gzip: return .gzip
        case .zstd: return .zstd
        case .lz4Raw: return .lz4Raw
        }
    }

    /// Parquet files do not concatenate (each ends with its own footer): concatenablePartsFormat
    /// is nil for Parquet, so no caller asks.
    @_spi(EmberInternal) public func append(contentsOf part: String) throws {
        throw EmberError(.internal, "Parquet files cannot be appended to one another", context: [.init("path", path), .init("part", part)])
    }

    /// Writes the last row group and the footer, and closes the file: it is complete.
    @_spi(EmberInternal) public func close() throws {
        guard state == .open else {
            throw EmberError(.internal, "Parquet writer closed after close or abort", context: [.init("path", path)])
        }
        do {
            try flushRowGroup()
            let metadata = FileMetaData(
                version: 1, schema: schemaElements, numRows: Int64(rowsWritten), rowGroups: rowGroups,
                keyValueMetadata: [KeyValue(key: ParquetSchemaMapping.sparkSchemaKey, value: ParquetSchemaMapping.sparkSchemaJSON(schema))],
                createdBy: ParquetSchemaMapping.createdBy,
                columnOrders: Array(repeating: .typeDefinedOrder, count: columns.count))
            var thrift = ThriftCompactWriter()
            metadata.encode(to: &thrift)
            var tail = thrift.bytes
            withUnsafeBytes(of: UInt32(thrift.bytes.count).littleEndian) { tail.append(contentsOf: $0) }
            tail.append(contentsOf: Self.magic)
            try tail.withUnsafeBytes { try writeToFile($0) }
            try file.closeOrRemove()
            state = .closed
            reservation?.releaseAll()
        } catch {
            abort()
            throw error
        }
    }

    /// Removes the file (whatever was written). Safe to call more than once, and after a failure.
    @_spi(EmberInternal) public func abort() {
        guard state != .aborted else { return }
        file.remove()
        state = .aborted
        reservation?.releaseAll()
    }

    private func writeToFile(_ bytes: UnsafeRawBufferPointer) throws {
        file.output.append(bytes)
        bytesWritten += Int64(bytes.count)
        try file.didAppend()
    }

    /// `part-…-c000.<extension>`: Spark's `snappy.parquet`, `zstd.parquet`, `gz.parquet`, …,
    /// `parquet` when uncompressed.
    @_spi(EmberInternal) public static func fileExtension(_ options: ParquetWriteOptions) -> String {
        String(options.compression.fileNameExtension.dropFirst()) + (options.compression == .uncompressed ? "" : ".") + "parquet"
    }

    @_spi(EmberInternal) public static func format(options pairs: [(key: String, value: String)]) throws -> FileWriteFormat {
        .parquet(try ParquetWriteOptions.parse(pairs))
    }

    /// Refuses, before a job runs, a schema Ember cannot write (arrays, duplicate names).
    @_spi(EmberInternal) public static func validate(_ schema: StructType) throws {
        try ParquetSchemaMapping.checkNames(schema)
        _ = try ParquetSchemaMapping.schemaElements(schema)
    }
}
