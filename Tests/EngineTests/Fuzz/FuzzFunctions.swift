// FuzzFunctions: the fuzzer's calls of the functions added for TPC-H and everyday jobs — CASE WHEN,
// isin, between, LIKE, startsWith/endsWith/contains, substring, concat, round, abs and the date
// functions — as one FuzzExpr case (`.call`): their types, their DataFrame API form, their Swift
// text and their row-at-a-time reference, written from Spark's documented semantics (not from
// Ember's code; dates use Foundation's Gregorian calendar in UTC, within 1800–2200 where it is
// proleptic enough).

import Engine
import Foundation
@_spi(EmberInternal) import Planner

enum FuzzCall: Sendable, Equatable {
    /// Arguments c1, v1, c2, v2, … then the ELSE value if `hasElse`.
    case caseWhen(hasElse: Bool)
    /// Arguments: value, then literals.
    case isin
    /// Arguments: value, lower, upper.
    case between
    case like(String)
    case startsWith, endsWith, contains
    case substring(Int, Int)
    case concat
    case round(Int)
    case abs
    case year, month, dayOfMonth
    /// Arguments: date, bigint.
    case dateAdd, dateSub, addMonths
    case dateDiff
    /// Arguments: string; nil format: Spark's cast.
    case toDate(String?)

    func type(_ args: [FuzzExpr], in schema: [String: DataType]) -> DataType {
        switch self {
        case .caseWhen(let hasElse):
            var values = stride(from: 1, to: args.count, by: 2).map { args[$0].type(in: schema) }
            if hasElse, let last = args.last { values.append(last.type(in: schema)) }
            return values.contains(.double) && values.contains(.long) ? .double : values[0]
        case .isin, .between, .like, .startsWith, .endsWith, .contains: return .boolean
        case .substring, .concat: return .string
        case .round, .abs: return args[0].type(in: schema)
        case .year, .month, .dayOfMonth, .dateDiff: return .long
        case .dateAdd, .dateSub, .addMonths, .toDate: return .date
        }
    }

    func bound(_ args: [FuzzExpr], _ bounds: [String: NumericBound]) -> NumericBound {
        switch self {
        case .year: return NumericBound(magnitude: 12, fraction: 0)
        case .month, .dayOfMonth: return NumericBound(magnitude: 5, fraction: 0)
        case .dateDiff: return NumericBound(magnitude: 18, fraction: 0)
        case .round, .abs: return NumericBound.of(args[0], bounds)
        case .caseWhen:
            let all = stride(from: 1, to: args.count, by: 2).map { NumericBound.of(args[$0], bounds) } + (args.count % 2 == 1 ? [NumericBound.of(args.last!, bounds)] : [])
            return NumericBound(magnitude: all.map(\.magnitude).max() ?? 0, fraction: all.map(\.fraction).max() ?? 0)
        default: return NumericBound(magnitude: 1, fraction: 0)
        }
    }

    func column(_ args: [FuzzExpr]) -> Engine.Column {
        let c = args.map(\.column)
        switch self {
        case .caseWhen(let hasElse):
            var out = when(c[0], c[1])
            var k = 2
            while k + 1 < c.count { out = out.when(c[k], c[k + 1]); k += 2 }
            return hasElse ? out.otherwise(c[c.count - 1]) : out
        case .isin: return c[0].isin(Array(c.dropFirst()))
        case .between: return c[0].between(c[1], c[2])
        case .like(let p): return c[0].like(p)
        case .startsWith: return c[0].startsWith(c[1])
        case .endsWith: return c[0].endsWith(c[1])
        case .contains: return c[0].contains(c[1])
        case .substring(let pos, let len): return Engine.substring(c[0], pos, len)
        case .concat: return Engine.Column(.function(.concat, c.map(\.expression)))
        case .round(let scale): return Engine.round(c[0], scale)
        case .abs: return Engine.abs(c[0])
        case .year: return Engine.year(c[0])
        case .month: return Engine.month(c[0])
        case .dayOfMonth: return Engine.dayofmonth(c[0])
        case .dateAdd: return date_add(c[0], c[1])
        case .dateSub: return date_sub(c[0], c[1])
        case .addMonths: return add_months(c[0], c[1])
        case .dateDiff: return datediff(c[0], c[1])
        case .toDate(let format): return format.map { to_date(c[0], $0) } ?? to_date(c[0])
        }
    }

    func swiftText(_ args: [FuzzExpr]) -> String {
        let t = args.map(\.swiftText)
        switch self {
        case .caseWhen(let hasElse):
            var out = "when(\(t[0]), \(t[1]))"
            var k = 2
            while k + 1 < t.count { out += ".when(\(t[k]), \(t[k + 1]))"; k += 2 }
            return hasElse ? out + ".otherwise(\(t[t.count - 1]))" : out
        case .isin: return "\(t[0]).isin([\(t.dropFirst().joined(separator: ", "))])"
        case .between: return "\(t[0]).between(\(t[1]), \(t[2]))"
        case .like(let p): return "\(t[0]).like(\(quoted(p)))"
        case .startsWith: return "\(t[0]).startsWith(\(t[1]))"
        case .endsWith: return "\(t[0]).endsWith(\(t[1]))"
        case .contains: return "\(t[0]).contains(\(t[1]))"
        case .substring(let pos, let len): return "substring(\(t[0]), \(pos), \(len))"
        case .concat: return "concat(\(t.joined(separator: ", ")))"
        case .round(let scale): return "round(\(t[0]), \(scale))"
        case .abs: return "abs(\(t[0]))"
        case .year: return "year(\(t[0]))"
        case .month: return "month(\(t[0]))"
        case .dayOfMonth: return "dayofmonth(\(t[0]))"
        case .dateAdd: return "date_add(\(t[0]), \(t[1]))"
        case .dateSub: return "date_sub(\(t[0]), \(t[1]))"
        case .addMonths: return "add_months(\(t[0]), \(t[1]))"
        case .dateDiff: return "datediff(\(t[0]), \(t[1]))"
        case .toDate(let format): return format.map { "to_date(\(t[0]), \(quoted($0)))" } ?? "to_date(\(t[0]))"
        }
    }
}

// MARK: reference

enum FuzzCallReference {
    static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()
    static let epoch = Date(timeIntervalSince1970: 0)

    static func components(_ days: Int32) -> DateComponents {
        calendar.dateComponents([.year, .month, .day], from: epoch.addingTimeInterval(Double(days) * 86_400))
    }

    static func days(_ y: Int, _ m: Int, _ d: Int) -> Int32? {
        guard let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
              calendar.component(.day, from: date) == d, calendar.component(.month, from: date) == m else { return nil }
        return Int32((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    static func dateText(_ days: Int32) -> String {
        let c = components(days)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// Spark's cast of text to a date: trimmed, `yyyy`, `yyyy-m[m]` or `yyyy-m[m]-d[d]`, the last
    /// optionally followed by ' ' or 'T' and anything.
    static func parseDate(_ s: String) -> Int32? {
        let t = s.trimmingCharacters(in: CharacterSet(charactersIn: " \t\n\r\u{0B}\u{0C}"))
        var body = Substring(t)
        if let cut = t.firstIndex(where: { $0 == " " || $0 == "T" }) { body = t[..<cut] }
        let parts = body.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              (4...7).contains(parts[0].count), parts.dropFirst().allSatisfy({ $0.count <= 2 }) else { return nil }
        if parts.count < 3 && body.count != t.count { return nil }
        let numbers = parts.map { Int($0)! }
        return days(numbers[0], numbers.count > 1 ? numbers[1] : 1, numbers.count > 2 ? numbers[2] : 1)
    }

    static func evaluate(_ call: FuzzCall, _ args: [Value], resultType: DataType) -> Value {
        switch call {
        case .caseWhen(let hasElse):
            var k = 0
            while k + 1 < args.count {
                if args[k] == .boolean(true) { return FuzzEval.cast(args[k + 1], to: resultType) }
                k += 2
            }
            return hasElse ? FuzzEval.cast(args[args.count - 1], to: resultType) : .null
        case .isin:
            if args[0].isNull { return .null }
            var sawNull = false
            for item in args.dropFirst() {
                if item.isNull { sawNull = true; continue }
                if FuzzEval.sparkCompare(args[0], item) == 0 { return .boolean(true) }
            }
            return sawNull ? .null : .boolean(false)
        default:
            break
        }
        if args.contains(where: \.isNull) { return .null }
        switch call {
        case .between:
            return .boolean(FuzzEval.sparkCompare(args[0], args[1]) >= 0 && FuzzEval.sparkCompare(args[0], args[2]) <= 0)
        case .like(let p): return .boolean(likeMatches(Array(text(args[0]).unicodeScalars)[...], likeTokens(p)[...]))
        case .startsWith: return .boolean(text(args[0]).utf8.starts(with: text(args[1]).utf8))
        case .endsWith: return .boolean(text(args[0]).utf8.reversed().starts(with: text(args[1]).utf8.reversed()))
        case .contains:
            let s = Array(text(args[0]).utf8), n = Array(text(args[1]).utf8)
            if n.isEmpty { return .boolean(true) }
            return .boolean(s.count >= n.count && (0...(s.count - n.count)).contains { s[$0..<($0 + n.count)].elementsEqual(n) })
        case .substring(let pos, let len):
            let chars = Array(text(args[0]).unicodeScalars)
            // 1-based; 0 is 1; negative counts from the end; characters before the start shorten len.
            let start = pos > 0 ? pos - 1 : (pos < 0 ? chars.count + pos : 0)
            let end = start + len
            let from = Swift.max(start, 0), to = Swift.min(end, chars.count)
            if from >= to { return .string("") }
            var out = String.UnicodeScalarView()
            out.append(contentsOf: chars[from..<to])
            return .string(String(out))
        case .concat: return .string(args.map(text).joined())
        case .round(let scale): return round(args[0], scale)
        case .abs:
            switch args[0] {
            case .long(let x): return .long(x == .min ? .min : Swift.abs(x))
            case .double(let x): return .double(Swift.abs(x))
            default: return .null
            }
        case .year, .month, .dayOfMonth:
            guard case .date(let d) = args[0] else { return .null }
            let c = components(d)
            return .long(Int64(call == .year ? c.year! : (call == .month ? c.month! : c.day!)))
        case .dateAdd, .dateSub:
            guard case .date(let d) = args[0], case .long(let n) = args[1] else { return .null }
            return .date(call == .dateAdd ? d &+ Int32(truncatingIfNeeded: n) : d &- Int32(truncatingIfNeeded: n))
        case .addMonths:
            guard case .date(let d) = args[0], case .long(let n) = args[1] else { return .null }
            // Java's plusMonths: the same day in the target month, clamped to its length. (Foundation's
            // date(byAdding: .month) gives 2058-03-01 for 2060-02-29 minus 24 months.)
            let c = components(d)
            let total = c.year! * 12 + (c.month! - 1) + Int(n)
            let year = Int((Double(total) / 12).rounded(.down)), month = total - year * 12 + 1
            let first = calendar.date(from: DateComponents(year: year, month: month, day: 1))!
            let length = calendar.range(of: .day, in: .month, for: first)!.count
            return days(year, month, Swift.min(c.day!, length)).map { .date($0) } ?? .null
        case .dateDiff:
            guard case .date(let e) = args[0], case .date(let s) = args[1] else { return .null }
            return .long(Int64(e) - Int64(s))
        case .toDate(let format):
            let s = text(args[0])
            if format == nil { return parseDate(s).map { .date($0) } ?? .null }
            // "yyyy-MM-dd": exactly 4-2-2 digits, nothing else.
            let parts = s.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts.map(\.count) == [4, 2, 2], parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return .null }
            return days(Int(parts[0])!, Int(parts[1])!, Int(parts[2])!).map { .date($0) } ?? .null
        case .caseWhen, .isin: return .null
        }
    }

    static func text(_ v: Value) -> String {
        if case .date(let d) = v { return dateText(d) }
        if case .string(let s) = FuzzEval.cast(v, to: .string) { return s }
        return ""
    }

    /// HALF_UP rounding of the decimal Java prints for a double (Spark's BigDecimal(x)).
    static func round(_ v: Value, _ scale: Int) -> Value {
        switch v {
        case .long(let x):
            if scale >= 0 { return v }
            var d = Decimal(x), r = Decimal()
            NSDecimalRound(&r, &d, scale, .plain)
            return .long(Int64(NSDecimalNumber(decimal: r).stringValue) ?? 0)
        case .double(let x):
            if !x.isFinite { return v }
            if x == 0 || Swift.abs(x) < 1e-30 { return .double(0) }
            if Swift.abs(x) >= 1e30 { return v }
            guard var d = Decimal(string: FuzzEval.formatJavaDouble(x).replacingOccurrences(of: "E", with: "e")) else { return .null }
            var r = Decimal()
            NSDecimalRound(&r, &d, scale, .plain)
            let out = Double(NSDecimalNumber(decimal: r).stringValue) ?? .nan
            return .double(out == 0 ? 0 : out)
        default: return .null
        }
    }

    enum LikeToken: Equatable { case char(Unicode.Scalar), one, any }

    static func likeTokens(_ p: String) -> [LikeToken] {
        var out: [LikeToken] = []
        var escaped = false
        for u in p.unicodeScalars {
            if escaped { out.append(.char(u)); escaped = false; continue }
            switch u {
            case "\\": escaped = true
            case "%": out.append(.any)
            case "_": out.append(.one)
            default: out.append(.char(u))
            }
        }
        return out
    }

    /// Plain recursion: `%` tries every split.
    static func likeMatches(_ s: ArraySlice<Unicode.Scalar>, _ p: ArraySlice<LikeToken>) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        switch first {
        case .any: return (0...s.count).contains { likeMatches(s.dropFirst($0), p.dropFirst()) }
        case .one: return !s.isEmpty && likeMatches(s.dropFirst(), p.dropFirst())
        case .char(let c): return s.first == c && likeMatches(s.dropFirst(), p.dropFirst())
        }
    }
}
