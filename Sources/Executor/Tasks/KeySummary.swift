// KeySummary: finds the dominant partitioning key of a skewed reduce partition while the task reads
// it, so the root-cause report can name the key. A Misra–Gries summary over the rows' key hashes
// (16 slots): a key holding more than 1/17 of the rows is certain to be kept, and its count is low
// by at most rows/17. The key's text is taken from the batch at hand once its count reaches 32, so
// only keys that matter are ever rendered. The driver asks for it only for partitions ≥ 5× the
// median, so ordinary tasks never pay for it.

@_spi(EmberInternal) import Planner

struct KeySummary {
    static let slots = 16
    static let renderAt: Int64 = 32
    let request: KeySummaryRequest
    private var hashes = [UInt64](repeating: 0, count: slots)
    private var counts = [Int64](repeating: 0, count: slots)
    private var keys = [String?](repeating: nil, count: slots)
    private var rowHashes: [UInt64] = []
    private(set) var rows: Int64 = 0

    init(_ request: KeySummaryRequest) { self.request = request }

    mutating func add(_ batch: ColumnarBatch) throws {
        guard batch.numRows > 0 else { return }
        let columns = try request.keys.map { try $0.evaluate(batch) }
        FixedSeedHash.hashRows(columns, numRows: batch.numRows, seed: 0x5eed, into: &rowHashes)
        rows += Int64(batch.numRows)
        for row in 0..<batch.numRows {
            let h = rowHashes[row]
            if let slot = slotHolding(h) {
                counts[slot] += 1
                if keys[slot] == nil && counts[slot] >= Self.renderAt { keys[slot] = render(columns, row) }
            } else if let free = counts.firstIndex(of: 0) {
                hashes[free] = h
                counts[free] = 1
                keys[free] = nil
            } else {
                for i in 0..<Self.slots { counts[i] -= 1 }
            }
        }
    }

    private func slotHolding(_ h: UInt64) -> Int? {
        for i in 0..<Self.slots where hashes[i] == h && counts[i] > 0 { return i }
        return nil
    }

    private func render(_ columns: [ColumnVector], _ row: Int) -> String {
        let values = columns.map { $0.value(at: row).description }
        if columns.count == 1 { return "\(request.keyNames.first ?? "key") = \(values[0])" }
        return "(\(request.keyNames.joined(separator: ", "))) = (\(values.joined(separator: ", ")))"
    }

    /// The most frequent key, if one was frequent enough to be rendered.
    var heavyKey: HeavyKey? {
        guard let top = (0..<Self.slots).filter({ keys[$0] != nil }).max(by: { counts[$0] < counts[$1] }) else { return nil }
        return HeavyKey(key: keys[top]!, rows: counts[top], partitionRows: rows)
    }
}
