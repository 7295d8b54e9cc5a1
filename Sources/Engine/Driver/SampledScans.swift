// SampledScans: the inputs of a range exchange's sampling job, cut down. The bounds of a global
// sort need only a sample of the sort keys, yet Spark's sampling job computes the exchange's whole
// child, which doubles the cost of everything under the sort (an aggregate's scan and both its
// stages). Here the sampling job first reads each byte-range split of a line format (CSV, JSON
// lines, text) as a few small pieces spread over the split:
//
//   split  [start ─────────────────────────────────────────────── end)
//   pieces  [▓▓]      [▓▓]      [▓▓]      [▓▓]      [▓▓]      …    (piecesPerSplit, each 1/64 of
//                                                                     the split, at most 256 KiB)
//
// A piece reads as a split does (from the first line start in it, through the line crossing its
// end), so the sample is rows of the real input spread over the whole file. Bounds only balance
// the partitions; the sorted result is right whatever they are. Splits that are whole files (a
// compressed input, or a small file) and Parquet's row-group splits are read whole; a child that
// does more than pass input rows on (an aggregate's final step, a join) is sampled whole.

@_spi(EmberInternal) import Planner

enum SampledScans {
    static let piecesPerSplit: Int64 = 8
    /// A piece is 1/64 of its split (an eighth of the split is read), at most this much…
    static let maxPieceBytes: Int64 = 256 << 10
    /// …and at least this much: shorter splits are read whole.
    static let minPieceBytes: Int64 = 4 << 10

    /// `plan` with its cut line-format splits read as pieces; nil when no split was cut down, or
    /// when the plan does more than pass input rows on (projections, filters, generators, unions,
    /// coalescing, partial aggregates): an exchange, join, limit or window over pieces would give
    /// keys unlike the whole input's (or none). A cache in the plan is left out of the sampling
    /// plan, so that no task stores a piece as a cached partition.
    static func apply(_ plan: PhysicalPlan) -> PhysicalPlan? {
        var changed = false
        func visit(_ p: PhysicalPlan) -> PhysicalPlan? {
            switch p {
            case .fileScan(var scan):
                if case .parquet = scan.format { return p }
                let pieces = scan.splits.flatMap(Self.pieces)
                guard pieces.count > scan.splits.count else { return p }
                scan.splits = pieces
                changed = true
                return .fileScan(scan)
            case .cache(_, let child):
                return visit(child)
            case .project, .filter, .generate, .union, .coalesce, .hashAggregate(.partial, _, _, _, _), .tokenCount:
                var children: [PhysicalPlan] = []
                for child in p.children {
                    guard let sampled = visit(child) else { return nil }
                    children.append(sampled)
                }
                return p.withNewChildren(children)
            default:
                return nil
            }
        }
        guard let sampled = visit(plan), changed else { return nil }
        return sampled
    }

    /// The pieces of one split: itself unless it is a byte range cut from its file (so the format
    /// reads any range of it) and longer than its pieces together.
    static func pieces(_ split: FileSplit) -> [FileSplit] {
        let isCut = split.start != 0 || split.length != split.fileLength
        let pieceBytes = min(maxPieceBytes, split.length / 64)
        guard isCut, pieceBytes >= minPieceBytes else { return [split] }
        return (0..<piecesPerSplit).map { k in
            var piece = split
            piece.start = split.start + split.length * k / piecesPerSplit
            piece.length = pieceBytes
            return piece
        }
    }
}
