// GatherEncoder: encodes rows picked from several batches straight into BatchCodec's wire format,
// without building an intermediate batch. The shuffle writer uses it to turn one reduce
// partition's rows (scattered over the buffered batches) into the bytes of one zstd frame, reusing
// one output buffer, so the write path allocates nothing per chunk or per row.

@_spi(EmberInternal) import Planner

enum GatherEncoder {
    /// Appends one encoded batch holding, for k in 0..<n, row `rows[k]` of batch `batch[k]`.
    /// `columns[c][b]` is column c of buffered batch b.
    static func encode(columns: [[ColumnVector]], schema: StructType, batch: UnsafeBufferPointer<Int32>,
                       rows: UnsafeBufferPointer<Int32>, magic: UInt32 = BatchCodec.magic, into out: RawBuffer) {
        let n = rows.count
        let start = out.count
        out.appendLE(magic)
        out.appendLE(UInt32(n))
        out.appendLE(UInt32(columns.count))
        out.appendLE(UInt64(0))
        for (c, sources) in columns.enumerated() {
            encodeColumn(sources, type: schema.fields[c].dataType, batch: batch, rows: rows, into: out)
        }
        let bodyLength = UInt64(out.count - start - BatchCodec.headerSize)
        (out.base + start + 12).storeBytes(of: bodyLength.littleEndian, as: UInt64.self)
    }

    static func encodeColumn(_ sources: [ColumnVector], type: DataType, batch: UnsafeBufferPointer<Int32>,
                             rows: UnsafeBufferPointer<Int32>, into out: RawBuffer) {
        if case .array = type {
            // Lists are rare on the shuffle path: gather into a column, then encode it.
            var bytes: [UInt8] = []
            BatchCodec.encodeColumn(ColumnVector.gather(sources, batch: batch, rows: rows, type: type), into: &bytes)
            bytes.withUnsafeBytes { out.append($0) }
            return
        }
        let n = rows.count
        let nullable = sources.contains { $0.hasNulls }
        let tagAt = out.count
        out.appendLE(BatchCodec.Tag(type).rawValue)
        out.appendLE(nullable ? BatchCodec.hasValidityFlag : UInt8(0))
        out.appendLE(UInt32(n))
        if nullable {
            let words = (n + 63) >> 6
            let w = out.reserveTail(words * 8).bindMemory(to: UInt64.self, capacity: words)
            w.initialize(repeating: 0, count: words)
            // Each source's validity words by pointer (empty: no nulls), not a column copy per row.
            let bitmaps = sources.map { $0.validity?.words ?? [] }
            withExtendedLifetime(bitmaps) {
                let sourceWords = bitmaps.map { $0.withUnsafeBufferPointer { $0 } }
                for k in 0..<n {
                    let v = sourceWords[Int(batch[k])], r = Int(rows[k])
                    if v.isEmpty || (v[r >> 6] >> UInt64(r & 63)) & 1 == 1 { w[k >> 6] |= 1 << UInt64(k & 63) }
                }
            }
            out.commit(words * 8)
        }
        // Fixed-width values are gathered after room for a packing header, then packed in place
        // (ColumnPacking) or moved down over the unused room.
        let headerAt = out.count
        if ColumnPacking.stride(of: type) != nil {
            _ = out.reserveTail(ColumnPacking.headerSize)
            out.commit(ColumnPacking.headerSize)
        }
        switch type {
        case .long, .timestamp:
            gatherFixed(sources.map { c -> [Int64] in
                switch c.values { case .long(let v), .timestamp(let v): return v; default: return [] }
            }, batch, rows, out)
            pack(type, headerAt: headerAt, tagAt: tagAt, count: n, out)
        case .double:
            gatherFixed(sources.map { if case .double(let v) = $0.values { return v } else { return [] } }, batch, rows, out)
            pack(type, headerAt: headerAt, tagAt: tagAt, count: n, out)
        case .date:
            gatherFixed(sources.map { if case .date(let v) = $0.values { return v } else { return [] } }, batch, rows, out)
            pack(type, headerAt: headerAt, tagAt: tagAt, count: n, out)
        case .boolean:
            gatherFixed(sources.map { if case .boolean(let v) = $0.values { return v } else { return [] } }, batch, rows, out)
        case .string:
            gatherStrings(sources.map { if case .string(let s) = $0.values { return s } else { return StringArray() } }, batch, rows, out)
        case .array:
            break
        }
    }

    /// Packs the `count` values gathered after the header room at `headerAt` in place and marks the
    /// column's tag packed, or, when they do not pack, moves them down over the header room.
    static func pack(_ type: DataType, headerAt: Int, tagAt: Int, count: Int, _ out: RawBuffer) {
        let stride = ColumnPacking.stride(of: type)!
        let header = out.base + headerAt
        let values = header + ColumnPacking.headerSize
        guard let plan = ColumnPacking.plan(type, values, count: count) else {
            header.copyMemory(from: values, byteCount: count * stride)   // memmove: the ranges overlap
            out.truncate(to: headerAt + count * stride)
            return
        }
        let logicalTag = BatchCodec.Tag(type).rawValue
        ColumnPacking.writeHeader(plan, logicalTag: logicalTag, to: header)
        let written = ColumnPacking.pack(values, count: count, stride: stride, plan: plan, into: values)
        out.truncate(to: headerAt + ColumnPacking.headerSize + written)
        (out.base + tagAt).storeBytes(of: (plan.scale == nil ? BatchCodec.Tag.packedIntegers : .packedDecimals).rawValue, as: UInt8.self)
    }

    /// Offsets (0, …, total) then the bytes. Rows of one partition arrive in runs from the same batch,
    /// so each source's buffers are pinned once per run, not once per row.
    static func gatherStrings(_ arrays: [StringArray], _ batch: UnsafeBufferPointer<Int32>,
                              _ rows: UnsafeBufferPointer<Int32>, _ out: RawBuffer) {
        let n = rows.count
        let offsetsAt = out.count
        _ = out.reserveTail((n + 1) * 4)
        out.commit((n + 1) * 4)
        var total: Int32 = 0
        var k = 0
        (out.base + offsetsAt).storeBytes(of: Int32(0), as: Int32.self)
        while k < n {
            let b = batch[k]
            let runStart = k
            while k < n && batch[k] == b { k += 1 }
            arrays[Int(b)].offsets.withUnsafeBufferPointer { o in
                for j in runStart..<k {
                    let r = Int(rows[j])
                    total &+= o[r + 1] &- o[r]
                    (out.base + offsetsAt + (j + 1) * 4).storeBytes(of: total.littleEndian, as: Int32.self)
                }
            }
        }
        let dst = out.reserveTail(Int(total))
        var at = 0
        k = 0
        while k < n {
            let b = batch[k]
            let runStart = k
            while k < n && batch[k] == b { k += 1 }
            let s = arrays[Int(b)]
            s.offsets.withUnsafeBufferPointer { o in
                s.bytes.withUnsafeBytes { src in
                    for j in runStart..<k {
                        let r = Int(rows[j])
                        let a = Int(o[r]), e = Int(o[r + 1])
                        if e > a { (dst + at).copyMemory(from: src.baseAddress! + a, byteCount: e - a) }
                        at += e - a
                    }
                }
            }
        }
        out.commit(Int(total))
    }

    @inline(__always)
    static func gatherFixed<T: BitwiseCopyable>(_ arrays: [[T]], _ batch: UnsafeBufferPointer<Int32>,
                                                _ rows: UnsafeBufferPointer<Int32>, _ out: RawBuffer) {
        let n = rows.count
        let dst = out.reserveTail(n * MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: n)
        var k = 0
        while k < n {
            let b = batch[k]
            arrays[Int(b)].withUnsafeBufferPointer { src in
                while k < n && batch[k] == b {
                    dst[k] = src[Int(rows[k])]
                    k += 1
                }
            }
        }
        out.commit(n * MemoryLayout<T>.stride)
    }
}
