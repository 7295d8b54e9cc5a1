// TokenCountExec: runs a TokenCount (the fused word-count partial aggregate). For each string in
// the column it walks the tokens of the byte-class pattern, lowercases ASCII tokens into a scratch
// buffer (other tokens through Unicode lowercasing), and counts them in a string-keyed GroupTable:
//   - token by token while the table is small enough for the cache;
//   - past `cachedGroups` groups, in runs of up to a batch of words, which the table hashes at once
//     and probes with prefetching (a vocabulary of a million words does not fit in the cache: token
//     by token, each rare word would wait for its slot, then its key offsets, then its bytes).
// Both hash a word alike, so a table moves from one way to the other. Output rows are the partial
// aggregate's: [word, count].
//
// Memory is bounded as in the general Partial aggregate: the table reserves its growth
// (TableReservation); when a reservation is refused the table is emitted downstream and a new one
// starts; when the table does not reduce (PartialBackOff), or not even an empty table can be
// reserved, the tokens pass straight through as (word, 1) rows.

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public final class TokenCountExec: BatchConsumer {
    let spec: TokenCount
    let splitter: StringSplitter
    let downstream: any BatchConsumer
    var table: GroupTable
    @exclusivity(unchecked) var counts: [Int64] = []
    /// The run of tokens being collected, and their group ids once counted.
    @exclusivity(unchecked) var words = StringArray()
    @exclusivity(unchecked) var groupIds: [Int32] = []
    var memory: TableReservation
    var tokensSeen = 0
    var passThrough = false
    /// Lowercasing scratch (manual memory: no exclusivity or uniqueness checks per token).
    @exclusivity(unchecked) var scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    @exclusivity(unchecked) var scratchCapacity = 256

    @_spi(EmberInternal) public init(_ spec: TokenCount, downstream: any BatchConsumer, memory: (any MemoryReservation)? = nil) throws {
        self.spec = spec
        self.splitter = try StringSplitter.compile(spec.pattern)
        self.downstream = downstream
        self.memory = TableReservation(memory)
        table = Self.freshTable()
    }

    /// Groups up to which the table is probed token by token (it stays in the cache).
    static let cachedGroups = 1 << 16

    static func freshTable() -> GroupTable { GroupTable(keyTypes: [.string], initialCapacity: 1 << 14) }

    deinit {
        scratch.deallocate()
        memory.release()
    }

    @_spi(EmberInternal) public func consume(_ batch: ColumnarBatch) throws {
        let column = batch.columns[spec.column]
        guard case .string(let s) = column.values else {
            throw EmberError(.internal, "TokenCount expects a string column, got \(column.dataType)")
        }
        if try !passThrough && table.count == 0 && !memory.cover(table.initialBytes) { passThrough = true }
        if passThrough {
            try passTokensThrough(s, column.validity)
            return
        }
        if table.count < Self.cachedGroups {
            let table = self.table
            tokensSeen += try forEachToken(s, column.validity) { token in
                let g = Int(try table.groupId(bytes: token.baseAddress, count: token.count))
                if g == counts.count { counts.append(1) } else { counts[g] &+= 1 }
            }
        } else {
            tokensSeen += try forEachToken(s, column.validity) { token in
                words.append(bytes: token)
                if words.count == ColumnarBatch.defaultCapacity { try countWords() }
            }
            try countWords()
        }
        if PartialBackOff.applies(rows: tokensSeen, groups: table.count) {
            passThrough = true
            try emitTable()
        } else if try !memory.withinFairShare(table.memoryBytes + counts.capacity * 8) || !memory.cover(table.memoryBytes + counts.capacity * 8) {
            try emitTable()
        }
    }

    /// Counts the collected run of words in the table and starts the next run.
    private func countWords() throws {
        let n = words.count
        guard n > 0 else { return }
        try table.groupIds(keys: [ColumnVector(.string(words))], numRows: n, into: &groupIds)
        // The run's new groups took the next ids: their counts start at 0.
        if counts.count < table.count { counts.append(contentsOf: repeatElement(0, count: table.count - counts.count)) }
        counts.withUnsafeMutableBufferPointer { c in
            groupIds.withUnsafeBufferPointer { ids in
                for r in 0..<n { c[Int(ids[r])] &+= 1 }
            }
        }
        words.offsets.removeAll(keepingCapacity: true)
        words.offsets.append(0)
        words.bytes.removeAll(keepingCapacity: true)
    }

    /// Calls `body` with every token of the column's strings (lowercased, empty ones dropped, as the
    /// spec says); returns how many.
    private func forEachToken(_ s: StringArray, _ validity: Bitmap?, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        let lowercase = spec.lowercase, dropEmpty = spec.dropEmpty
        var tokens = 0
        try splitter.forEachToken(of: s, validity: validity) { token in
            if dropEmpty && token.isEmpty { return }
            tokens += 1
            if lowercase { try lowercased(token, body) } else { try body(token) }
        }
        return tokens
    }

    /// Sends each token on as a (word, 1) row, a batch at a time.
    private func passTokensThrough(_ s: StringArray, _ validity: Bitmap?) throws {
        var words = StringArray()
        func flush() throws {
            guard words.count > 0 else { return }
            let ones = ColumnVector(.long([Int64](repeating: 1, count: words.count)))
            try downstream.consume(ColumnarBatch(schema: spec.schema, columns: [ColumnVector(.string(words)), ones], numRows: words.count))
            words = StringArray()
        }
        _ = try forEachToken(s, validity) { token in
            words.append(bytes: token)
            if words.count == ColumnarBatch.defaultCapacity { try flush() }
        }
        try flush()
    }

    /// Lowercases a token (ASCII in place in the scratch buffer; otherwise through String).
    @inline(__always)
    func lowercased(_ token: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        var ascii = true
        for b in token where b >= 0x80 { ascii = false; break }
        if !ascii {
            var text = String(decoding: token, as: UTF8.self).lowercased()
            try text.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
            return
        }
        if scratchCapacity < token.count {
            scratch.deallocate()
            scratchCapacity = token.count * 2
            scratch = .allocate(capacity: scratchCapacity)
        }
        let out = scratch
        for k in 0..<token.count {
            let b = token[k]
            out[k] = b &- 0x41 < 26 ? b | 0x20 : b
        }
        try body(UnsafeRawBufferPointer(start: out, count: token.count))
    }

    /// Starts a new table and sends the old one's (word, count) rows downstream in pieces (the new
    /// table first: a downstream that stops the pipeline midway must not see them again at finish).
    private func emitTable() throws {
        let emitted = table, emittedCounts = counts
        table = Self.freshTable()
        counts = []
        memory.release()
        for groups in emitted.pieces() {
            let keys = emitted.keyColumns(groups)
            try downstream.consume(ColumnarBatch(schema: spec.schema, columns: keys + [ColumnVector(.long(Array(emittedCounts[groups])))],
                                                 numRows: groups.count))
        }
    }

    @_spi(EmberInternal) public func finish() throws {
        do {
            try emitTable()
        } catch is PipelineStop {}
        try downstream.finish()
    }
}
