// FuzzComparer: decides whether Ember's answer is one the reference allows.
//   - The schema must match: column names and Spark's result types.
//   - Rows compare as multisets. Cells compare exactly (null = null, NaN = NaN, -0.0 = 0.0), except
//     double sums and averages, which may differ by the reference's slack (their value depends on
//     the order of additions).
//   - A final orderBy: Ember's rows must be in order of the sort keys. With a limit n, the rows
//     sorting strictly before the n-th reference row must be exactly the reference's, and the rest
//     must be rows tied with it (any of them: Spark does not promise which ties a limit keeps).
//   - A final limit without orderBy: min(n, rows) rows, each one the reference has.
// On a mismatch it returns a description with the rows that differ.

@_spi(EmberInternal) import Planner

enum FuzzCell {
    /// A canonical text for a row of values: equal texts, equal rows. With `signedZero` false,
    /// -0.0 and 0.0 are one value (as Spark's comparisons and the comparer see them).
    static func key(_ values: [Value], signedZero: Bool = false) -> String {
        values.map { cell($0, signedZero: signedZero) }.joined(separator: "|")
    }

    static func cell(_ v: Value, signedZero: Bool) -> String {
        switch v {
        case .null: return "∅"
        case .long(let x): return "L\(x)"
        case .double(let x):
            if x.isNaN { return "DNaN" }
            if x == 0 { return signedZero && x.sign == .minus ? "D-0" : "D0" }
            return "D\(x)"
        case .string(let s): return "S\(s.utf8.count):\(s)"
        case .boolean(let b): return b ? "Btrue" : "Bfalse"
        default: return "?\(v)"
        }
    }

    /// A row as the report prints it: strings quoted, doubles as Swift writes them.
    static func show(_ values: [Value]) -> String {
        "[" + values.map { v -> String in
            switch v {
            case .string(let s): return quoted(s)
            case .double(let x): return "\(x)"
            default: return v.description
            }
        }.joined(separator: ", ") + "]"
    }
}

enum FuzzComparer {
    static func compare(schema: StructType, rows: [[Value]], reference r: FuzzResult) -> String? {
        let expected = zip(r.layout.names, r.layout.types).map { "\($0.0): \($0.1)" }
        let actual = schema.fields.map { "\($0.name): \($0.dataType)" }
        if expected != actual {
            return "schema differs:\n  ember:     \(actual.joined(separator: ", "))\n  reference: \(expected.joined(separator: ", "))"
        }
        let fuzzy = Set(r.layout.names.indices.filter { c in r.slack.contains { $0[c] > 0 } })
        let slackBound = r.layout.names.indices.map { c in r.slack.map { $0[c] }.max() ?? 0 }
        let matcher = Matcher(fuzzy: fuzzy, slack: slackBound)

        guard let ordering = r.ordering else {
            guard let n = r.limit else { return matcher.equal(rows, r.rows) }
            let want = Swift.min(n, r.rows.count)
            if rows.count != want { return "limit \(n): ember returned \(rows.count) rows, expected \(want)" }
            return matcher.contained(rows, in: r.rows)
        }
        let positions = ordering.map { r.layout.index[$0.column]! }
        func order(_ a: [Value], _ b: [Value]) -> Int { FuzzReference.compareForOrder(a, b, ordering, positions) }
        for i in rows.indices.dropFirst() where order(rows[i - 1], rows[i]) > 0 {
            return "rows out of order at \(i - 1)…\(i):\n  \(FuzzCell.show(rows[i - 1]))\n  \(FuzzCell.show(rows[i]))"
        }
        guard let n = r.limit else { return matcher.equal(rows, r.rows) }
        let want = Swift.min(n, r.rows.count)
        if rows.count != want { return "orderBy + limit \(n): ember returned \(rows.count) rows, expected \(want)" }
        guard want > 0 else { return nil }
        let boundary = r.rows[want - 1]
        let before = r.rows.filter { order($0, boundary) < 0 }
        let tied = r.rows.filter { order($0, boundary) == 0 }
        let mineBefore = rows.filter { order($0, boundary) < 0 }
        let mineTied = rows.filter { order($0, boundary) == 0 }
        if mineBefore.count + mineTied.count != rows.count {
            return "orderBy + limit \(n): ember returned rows that sort after the boundary row \(FuzzCell.show(boundary))"
                + "\n  ember:" + rows.prefix(8).map { "\n    \(FuzzCell.show($0))" }.joined()
                + "\n  reference (first \(want)):" + r.rows.prefix(Swift.min(want, 8)).map { "\n    \(FuzzCell.show($0))" }.joined()
        }
        if let d = matcher.equal(mineBefore, before) { return "rows before the limit's boundary differ: " + d }
        if let d = matcher.contained(mineTied, in: tied) { return "rows tied at the limit's boundary: " + d }
        return nil
    }

    struct Matcher {
        var fuzzy: Set<Int>
        var slack: [Double]

        func exactPart(_ row: [Value]) -> String {
            FuzzCell.key(row.indices.filter { !fuzzy.contains($0) }.map { row[$0] })
        }

        func close(_ a: [Value], _ b: [Value]) -> Bool {
            for c in fuzzy {
                switch (a[c], b[c]) {
                case (.null, .null): continue
                case (.double(let x), .double(let y)):
                    if x.isNaN && y.isNaN { continue }
                    if !x.isFinite || !y.isFinite { if x == y { continue } else { return false } }
                    if Swift.abs(x - y) <= slack[c] + 1e-12 * Swift.max(Swift.abs(x), Swift.abs(y)) { continue }
                    return false
                default: return false
                }
            }
            return true
        }

        func grouped(_ rows: [[Value]]) -> [String: [[Value]]] {
            Dictionary(grouping: rows, by: exactPart)
        }

        /// nil when `mine` and `theirs` are equal multisets.
        func equal(_ mine: [[Value]], _ theirs: [[Value]]) -> String? {
            if let d = contained(mine, in: theirs) { return d }
            if mine.count != theirs.count {
                return "ember returned \(mine.count) rows, the reference \(theirs.count)" + missing(mine, theirs)
            }
            return nil
        }

        /// nil when every row of `mine` can be matched to its own row of `theirs`.
        func contained(_ mine: [[Value]], in theirs: [[Value]]) -> String? {
            let available = grouped(theirs)
            var extra: [[Value]] = []
            for (key, rows) in grouped(mine) {
                var pool = available[key] ?? []
                // Rows that differ only in rounding pair up in sorted order: a linear check first,
                // the search below (quadratic in a group) only when that does not match them all.
                if rows.count == pool.count && zip(sortedByFuzzy(rows), sortedByFuzzy(pool)).allSatisfy({ close($0, $1) }) { continue }
                for row in rows {
                    if let i = pool.firstIndex(where: { close(row, $0) }) { pool.remove(at: i) } else { extra.append(row) }
                }
            }
            if extra.isEmpty { return nil }
            var text = "ember returned \(mine.count) rows, the reference \(theirs.count); \(extra.count) of ember's are not in the reference:"
            for row in extra.prefix(8) {
                let near = available[exactPart(row)]?.first.map { " (reference has \(FuzzCell.show($0)))" } ?? ""
                text += "\n  + \(FuzzCell.show(row))\(near)"
            }
            return text + missing(mine, theirs)
        }

        /// Rows in the order of their inexact columns.
        func sortedByFuzzy(_ rows: [[Value]]) -> [[Value]] {
            rows.sorted { x, y in
                for c in fuzzy {
                    let d = compareValues(x[c], y[c])
                    if d != 0 { return d < 0 }
                }
                return false
            }
        }

        /// Reference rows that ember's answer lacks (by the exact part), for the report.
        func missing(_ mine: [[Value]], _ theirs: [[Value]]) -> String {
            let have = grouped(mine).mapValues(\.count)
            var lacking: [[Value]] = []
            for (key, rows) in grouped(theirs) where rows.count > (have[key] ?? 0) {
                lacking.append(contentsOf: rows.prefix(rows.count - (have[key] ?? 0)))
            }
            guard !lacking.isEmpty else { return "" }
            return "\n  reference rows missing from ember's answer (\(lacking.count)):"
                + lacking.prefix(8).map { "\n  - \(FuzzCell.show($0))" }.joined()
        }
    }
}
