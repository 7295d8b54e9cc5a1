// SortReference: a naive stable sort of rows of Values by sort orders, with Spark's null placement
// and NaN above every double, for checking Ember's sorts; and seeded random rows with nulls, ties,
// NaN and -0.0.

@testable import Engine
import Foundation
@_spi(EmberInternal) import Planner

enum SortReference {
    /// Spark's order of two non-null values of one type: NaN above every double, -0.0 = 0.0.
    static func compare(_ a: Value, _ b: Value) -> Int {
        if case .double(let x) = a, case .double(let y) = b {
            if x.isNaN || y.isNaN { return x.isNaN == y.isNaN ? 0 : (x.isNaN ? 1 : -1) }
            return x < y ? -1 : (x == y ? 0 : 1)
        }
        return compareValues(a, b)
    }

    static func compare(_ a: [Value], _ b: [Value], _ orders: [(column: Int, ascending: Bool, nullsFirst: Bool)]) -> Int {
        for o in orders {
            let x = a[o.column], y = b[o.column]
            if x.isNull || y.isNull {
                if x.isNull && y.isNull { continue }
                return (x.isNull ? -1 : 1) * (o.nullsFirst ? 1 : -1)
            }
            let c = compare(x, y)
            if c != 0 { return o.ascending ? c : -c }
        }
        return 0
    }

    /// Rows as text: Value's == says NaN differs from itself, its description does not.
    static func text(_ rows: [[Value]]) -> [String] { rows.map(\.description) }

    /// Stable sort (ties keep their order).
    static func sorted(_ rows: [[Value]], _ orders: [(column: Int, ascending: Bool, nullsFirst: Bool)]) -> [[Value]] {
        rows.enumerated().sorted { x, y in
            let c = compare(x.element, y.element, orders)
            return c < 0 || (c == 0 && x.offset < y.offset)
        }.map(\.element)
    }

    /// Schema: id (row number), k (few distinct longs, nulls), d (doubles with NaN, -0.0, nulls), s (strings, nulls).
    static let schema = StructType([StructField("id", .long), StructField("k", .long), StructField("d", .double),
                                    StructField("s", .string)])

    static func rows(_ count: Int, seed: UInt64, distinctKeys: Int = 20) -> [[Value]] {
        var rng = SplitMix64(seed: seed)
        let specials: [Double] = [.nan, -0.0, 0.0, .infinity, -.infinity, 1.5, -1.5]
        return (0..<count).map { i in
            let k: Value = rng.below(10) == 0 ? .null : .long(Int64(rng.below(distinctKeys)) - 5)
            let d: Value
            switch rng.below(10) {
            case 0: d = .null
            case 1, 2: d = .double(specials[rng.below(specials.count)])
            default: d = .double(Double(rng.below(1000)) / 8 - 60)
            }
            let s: Value = rng.below(12) == 0 ? .null : .string(["", "a", "ab", "abcdefgh", "abcdefghi", "abcdefghz", "b", "é"][rng.below(8)])
            return [.long(Int64(i)), k, d, s]
        }
    }

    /// The rows as CSV text with a header (nulls as empty fields).
    static func csv(_ rows: [[Value]]) -> String {
        var text = "id,k,d,s\n"
        for r in rows {
            text += r.map { v -> String in
                switch v {
                case .null: return ""
                case .double(let x): return x.isNaN ? "NaN" : (x.isInfinite ? (x > 0 ? "Infinity" : "-Infinity") : "\(x)")
                case .string(let s): return s.isEmpty ? "\"\"" : s
                default: return v.description
                }
            }.joined(separator: ",") + "\n"
        }
        return text
    }
}
