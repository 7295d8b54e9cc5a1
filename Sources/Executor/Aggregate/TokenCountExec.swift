// TokenCountExec: runs a TokenCount (the fused word-count partial aggregate). For each string in
// the column it walks the tokens of the byte-class pattern, lowercases ASCII tokens into a scratch
// buffer (other tokens through Unicode lowercasing), and counts them in a string-keyed GroupTable.
// Output rows are the partial aggregate's: [word, count].

import Planner

public final class TokenCountExec: BatchConsumer {
    let spec: TokenCount
    let splitter: StringSplitter
    let downstream: any BatchConsumer
    let table = GroupTable(keyTypes: [.string], initialCapacity: 1 << 14)
    var counts: [Int64] = []
    /// Lowercasing scratch (manual memory: no exclusivity or uniqueness checks per token).
    @exclusivity(unchecked) var scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    @exclusivity(unchecked) var scratchCapacity = 256

    public init(_ spec: TokenCount, downstream: any BatchConsumer) throws {
        self.spec = spec
        self.splitter = try StringSplitter.compile(spec.pattern)
        self.downstream = downstream
    }

    public func consume(_ batch: ColumnarBatch) throws {
        let column = batch.columns[spec.column]
        guard case .string(let s) = column.values else {
            throw EmberError(.internal, "TokenCount expects a string column, got \(column.dataType)")
        }
        let validity = column.validity
        let lowercase = spec.lowercase, dropEmpty = spec.dropEmpty
        var counts = self.counts
        self.counts = []
        defer { self.counts = counts }
        s.offsets.withUnsafeBufferPointer { o in
            s.bytes.withUnsafeBytes { bytes in
                for i in 0..<s.count {
                    if let validity, !validity[i] { continue }
                    let line = UnsafeRawBufferPointer(rebasing: bytes[Int(o[i])..<Int(o[i + 1])])
                    splitter.forEachToken(line) { token in
                        if dropEmpty && token.isEmpty { return }
                        let g: Int32
                        if lowercase {
                            g = lowercased(token) { table.groupId(bytes: $0.baseAddress, count: $0.count) }
                        } else {
                            g = table.groupId(bytes: token.baseAddress, count: token.count)
                        }
                        if Int(g) == counts.count { counts.append(1) } else { counts[Int(g)] &+= 1 }
                    }
                }
            }
        }
    }

    /// Lowercases a token (ASCII in place in the scratch buffer; otherwise through String).
    @inline(__always)
    func lowercased<R>(_ token: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var ascii = true
        for b in token where b >= 0x80 { ascii = false; break }
        if !ascii {
            var text = String(decoding: token, as: UTF8.self).lowercased()
            return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
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
        return body(UnsafeRawBufferPointer(start: out, count: token.count))
    }

    deinit { scratch.deallocate() }

    public func finish() throws {
        let keys = table.keyColumns()
        let output = ColumnarBatch(schema: spec.schema, columns: keys + [ColumnVector(.long(counts))], numRows: table.count)
        try emitAll(chunked(output), to: downstream)
    }
}
