// RadixSort: a stable least-significant-digit radix sort of 64-bit keys carrying a payload, for
// sorts whose prefix is the whole key (SortPrefix.isExact): no comparison, eight passes at most
// over byte digits (256 counters: cheap for small sorts, and a scatter that stays in cache), and
// none for a digit every key shares (the high bytes of keys in a narrow range, the usual case):
//
//   pass d: histogram of digit d → bucket starts → scatter (key, payload) in input order
//
// Stable, so rows with equal keys keep their input order, as the comparison sort keeps them.

enum RadixSort {
    /// Below this many keys a comparison sort is as fast.
    static let minimumCount = 256

    /// Reorders `keys` ascending and `payload` with them, stably.
    static func sort(_ keys: inout [UInt64], _ payload: inout [Int64]) {
        let n = keys.count
        precondition(payload.count == n, "one payload per key")
        guard n > 1 else { return }
        var otherKeys = [UInt64](repeating: 0, count: n)
        var otherPayload = [Int64](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 256)
        for shift in stride(from: UInt64(0), to: 64, by: 8) {
            counts.withUnsafeMutableBufferPointer { c in
                c.update(repeating: 0)
                keys.withUnsafeBufferPointer { k in
                    for i in 0..<n { c[Int(truncatingIfNeeded: (k[i] >> shift) & 0xFF)] += 1 }
                }
            }
            // Every key in one bucket: this digit does not reorder anything.
            let first = Int(truncatingIfNeeded: (keys[0] >> shift) & 0xFF)
            if counts[first] == n { continue }
            counts.withUnsafeMutableBufferPointer { c in
                var start = 0
                for d in 0..<c.count {
                    let count = c[d]
                    c[d] = start
                    start += count
                }
                keys.withUnsafeBufferPointer { k in
                    payload.withUnsafeBufferPointer { p in
                        otherKeys.withUnsafeMutableBufferPointer { ok in
                            otherPayload.withUnsafeMutableBufferPointer { op in
                                for i in 0..<n {
                                    let d = Int(truncatingIfNeeded: (k[i] >> shift) & 0xFF)
                                    let at = c[d]
                                    c[d] = at + 1
                                    ok[at] = k[i]
                                    op[at] = p[i]
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &otherKeys)
            swap(&payload, &otherPayload)
        }
    }
}
