// NameSuggestions: "did you mean …?" for a name that matches nothing (a column, a view, a setting),
// by edit distance over the names that do exist.

@_spi(EmberInternal) public enum NameSuggestions {
    /// The closest of `candidates` to `name`, compared case-insensitively, if it is within a third
    /// of the name's length (at least one edit); nil when nothing is that close.
    @_spi(EmberInternal) public static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
        let lower = name.lowercased()
        let limit = max(1, lower.count / 3)
        var best: (name: String, distance: Int)? = nil
        for candidate in candidates {
            let d = editDistance(candidate.lowercased(), lower)
            if d <= limit, d < (best?.distance ?? .max) { best = (candidate, d) }
        }
        return best?.name
    }

    /// Levenshtein distance over UTF-8 bytes.
    @_spi(EmberInternal) public static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a.utf8), y = Array(b.utf8)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev = Array(0...y.count)
        for i in 1...x.count {
            var cur = [i] + [Int](repeating: 0, count: y.count)
            for j in 1...y.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[y.count]
    }
}
