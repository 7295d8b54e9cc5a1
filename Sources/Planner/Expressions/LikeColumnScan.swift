// LikeColumnScan: `s LIKE '%…%…'` over a whole string column at once. A pattern that starts with
// `%` can only hold on rows containing its longest middle piece, so that piece is searched for in
// the column's bytes end to end (all rows are contiguous): `memchr` on the piece's rarest byte
// (English letter frequencies, so `%special%requests%` looks for 'q' in "requests"), a compare at
// each hit, and only the row a hit lands in is checked against the whole pattern. Most rows of a
// selective pattern are then never looked at one by one.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct LikeColumnScan {
    let needle: [UInt8]
    /// Where the rarest byte sits in the needle, and the byte.
    let rareOffset: Int
    let rare: UInt8

    /// nil when the pattern does not start with `%` or has no non-empty middle piece.
    init?(_ pieces: [[UInt8]]) {
        guard pieces.count > 2, pieces[0].isEmpty,
              let longest = pieces[1..<(pieces.count - 1)].max(by: { $0.count < $1.count }), !longest.isEmpty else { return nil }
        needle = longest
        var best = 0
        for i in longest.indices where Self.rarity(longest[i]) > Self.rarity(longest[best]) { best = i }
        rareOffset = best
        rare = longest[best]
    }

    /// Higher is rarer: space, then lowercase letters from the most to the least frequent in
    /// English, then everything else (uppercase, digits, punctuation, non-ASCII).
    static func rarity(_ b: UInt8) -> Int {
        if b == UInt8(ascii: " ") { return 0 }
        if let rank = frequencyOrder.firstIndex(of: b) { return rank + 1 }
        return frequencyOrder.count + 1
    }
    static let frequencyOrder: [UInt8] = Array("etaoinshrdlcumwfgypbvkjxqz".utf8)

    /// Calls `body` once for each row (in order) whose bytes contain the needle.
    func forEachCandidateRow(_ s: StringArray, _ body: (Int) -> Void) {
        let rows = s.count
        guard rows > 0 else { return }
        s.bytes.withUnsafeBufferPointer { bytes in
            s.offsets.withUnsafeBufferPointer { offsets in
                guard let base = bytes.baseAddress else { return }
                let n = needle.count
                let total = Int(offsets[rows])
                // The rare byte of a needle starting at p is at p + rareOffset; p + n ≤ total.
                let limit = total - n + rareOffset + 1
                var at = Int(offsets[0]) + rareOffset
                var row = 0
                needle.withUnsafeBufferPointer { needle in
                    while at < limit {
                        guard let found = memchr(base + at, Int32(rare), limit - at) else { return }
                        let hit = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
                        let start = hit - rareOffset
                        if memcmp(base + start, needle.baseAddress!, n) == 0 {
                            row = Self.row(containing: start, offsets, from: row, rows: rows)
                            let end = Int(offsets[row + 1])
                            if start + n <= end {
                                body(row)
                                row += 1
                                at = end + rareOffset
                                continue
                            }
                        }
                        at = hit + 1
                    }
                }
            }
        }
    }

    /// The last row at or after `from` whose bytes start at or before `position` (so, skipping empty
    /// rows, the one holding it).
    static func row(containing position: Int, _ offsets: UnsafeBufferPointer<Int32>, from: Int, rows: Int) -> Int {
        var lo = from, hi = rows - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if Int(offsets[mid]) <= position { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }
}
