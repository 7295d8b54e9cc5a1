// FuzzReferenceExpressions: the fuzzer's naive, row-at-a-time evaluation of one FuzzExpr over one
// row, written from Spark's documented semantics (spark.sql.ansi.enabled=false), not from Ember's
// code:
//   - SQL three-valued logic: a comparison or arithmetic with a null operand is null (`<=>` is
//     true for two nulls and false for one); AND is false if either side is false, OR true if
//     either side is true, otherwise null when a side is null.
//   - bigint arithmetic wraps; `/` is double division; x / 0 and x % 0 are null (doubles too).
//   - doubles compare with Spark's total order: NaN = NaN, NaN above every other value, -0.0 = 0.0.
//   - strings compare by their UTF-8 bytes; booleans false < true.
//   - lower/upper/trim/length take a string (other types are cast first); trim removes spaces;
//     length counts characters (code points).
//   - casts: string → bigint trims spaces and drops a fractional part ("1.5" → 1, Spark's
//     UTF8String.toLong); string → double is Java's parseDouble plus "inf"/"nan" forms; double →
//     bigint truncates, NaN → 0, ±Infinity and out-of-range values saturate; to string: Java's
//     Double.toString for doubles.

@_spi(EmberInternal) import Planner

struct FuzzRow {
    var values: [Value]
}

/// Column positions and types of a row layout.
struct FuzzLayout {
    var names: [String]
    var types: [DataType]
    var index: [String: Int]
    var typeByName: [String: DataType]

    init(names: [String], types: [DataType]) {
        self.names = names
        self.types = types
        index = [:]
        typeByName = [:]
        for (i, n) in names.enumerated() { index[n] = i; typeByName[n] = types[i] }
    }
}

enum FuzzEval {
    typealias Compiled = ([Value]) -> Value

    static func evaluate(_ e: FuzzExpr, _ row: [Value], _ layout: FuzzLayout) -> Value { compile(e, layout)(row) }

    /// The expression as a function of a row of `layout` (names and types resolved once).
    static func compile(_ e: FuzzExpr, _ layout: FuzzLayout) -> Compiled {
        switch e {
        case .column(let n):
            let i = layout.index[n]!
            return { $0[i] }
        case .literal(let v, _): return { _ in v }
        case .arithmetic(let op, let l, let r):
            let a = compile(l, layout), b = compile(r, layout)
            let isLong = e.type(in: layout.typeByName) == .long
            return { row in
                let x = a(row), y = b(row)
                if x.isNull || y.isNull { return .null }
                if isLong, case .long(let p) = x, case .long(let q) = y { return longArithmetic(op, p, q) }
                return doubleArithmetic(op, x.doubleValue!, y.doubleValue!)
            }
        case .negate(let inner):
            let a = compile(inner, layout)
            return { row in
                switch a(row) {
                case .long(let x): return .long(0 &- x)
                case .double(let x): return .double(-x)
                default: return .null
                }
            }
        case .compare(let op, let l, let r):
            let a = compile(l, layout), b = compile(r, layout)
            return { row in
                let x = a(row), y = b(row)
                if op == .nullSafeEqual && (x.isNull || y.isNull) { return .boolean(x.isNull && y.isNull) }
                if x.isNull || y.isNull { return .null }
                let c = sparkCompare(x, y)
                switch op {
                case .nullSafeEqual: return .boolean(c == 0)
                case .equal: return .boolean(c == 0)
                case .notEqual: return .boolean(c != 0)
                case .less: return .boolean(c < 0)
                case .lessOrEqual: return .boolean(c <= 0)
                case .greater: return .boolean(c > 0)
                case .greaterOrEqual: return .boolean(c >= 0)
                }
            }
        case .and(let l, let r):
            let a = compile(l, layout), b = compile(r, layout)
            return { row in
                let x = a(row).boolValue, y = b(row).boolValue
                if x == false || y == false { return .boolean(false) }
                if x == nil || y == nil { return .null }
                return .boolean(true)
            }
        case .or(let l, let r):
            let a = compile(l, layout), b = compile(r, layout)
            return { row in
                let x = a(row).boolValue, y = b(row).boolValue
                if x == true || y == true { return .boolean(true) }
                if x == nil || y == nil { return .null }
                return .boolean(false)
            }
        case .not(let inner):
            let a = compile(inner, layout)
            return { row in a(row).boolValue.map { .boolean(!$0) } ?? .null }
        case .isNull(let inner):
            let a = compile(inner, layout)
            return { row in .boolean(a(row).isNull) }
        case .isNotNull(let inner):
            let a = compile(inner, layout)
            return { row in .boolean(!a(row).isNull) }
        case .string(let f, let inner):
            let a = compile(inner, layout)
            return { row in
                guard case .string(let s) = cast(a(row), to: .string) else { return .null }
                switch f {
                case .lower: return .string(s.lowercased())
                case .upper: return .string(s.uppercased())
                case .trim: return .string(trimSpaces(s))
                case .length: return .long(Int64(s.unicodeScalars.count))
                }
            }
        case .coalesce(let es):
            let t = e.type(in: layout.typeByName)
            let all = es.map { compile($0, layout) }
            return { row in
                for x in all {
                    let v = x(row)
                    if !v.isNull { return cast(v, to: t) }
                }
                return .null
            }
        case .cast(let inner, let t):
            let a = compile(inner, layout)
            return { row in cast(a(row), to: t) }
        case .call(let f, let args):
            let compiled = args.map { compile($0, layout) }
            let t = e.type(in: layout.typeByName)
            return { row in FuzzCallReference.evaluate(f, compiled.map { $0(row) }, resultType: t) }
        }
    }

    static func longArithmetic(_ op: FuzzArithmetic, _ x: Int64, _ y: Int64) -> Value {
        switch op {
        case .add: return .long(x &+ y)
        case .subtract: return .long(x &- y)
        case .multiply: return .long(x &* y)
        case .remainder:
            if y == 0 { return .null }
            if y == -1 { return .long(0) }
            return .long(x % y)
        case .divide: return doubleArithmetic(.divide, Double(x), Double(y))
        }
    }

    static func doubleArithmetic(_ op: FuzzArithmetic, _ x: Double, _ y: Double) -> Value {
        switch op {
        case .add: return .double(x + y)
        case .subtract: return .double(x - y)
        case .multiply: return .double(x * y)
        case .divide: return y == 0 ? .null : .double(x / y)
        case .remainder: return y == 0 ? .null : .double(x.truncatingRemainder(dividingBy: y))
        }
    }

    /// Spark's ordering of two non-null values of comparable types.
    static func sparkCompare(_ a: Value, _ b: Value) -> Int {
        switch (a, b) {
        case (.long(let x), .long(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.string(let x), .string(let y)):
            if x == y { return 0 }
            return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1
        case (.boolean(let x), .boolean(let y)): return x == y ? 0 : (x ? 1 : -1)
        case (.date(let x), .date(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        default:
            guard let x = a.doubleValue, let y = b.doubleValue else { return 0 }
            if x.isNaN || y.isNaN { return x.isNaN ? (y.isNaN ? 0 : 1) : -1 }
            return x < y ? -1 : (x == y ? 0 : 1)
        }
    }

    /// Spark's ORDER BY comparison of two values, nulls placed as asked.
    static func orderCompare(_ a: Value, _ b: Value, ascending: Bool, nullsFirst: Bool) -> Int {
        if a.isNull || b.isNull {
            if a.isNull && b.isNull { return 0 }
            return a.isNull == nullsFirst ? -1 : 1
        }
        let c = sparkCompare(a, b)
        return ascending ? c : -c
    }

    static func trimSpaces(_ s: String) -> String {
        var u = Substring(s).unicodeScalars
        while u.first == " " { u.removeFirst() }
        while u.last == " " { u.removeLast() }
        return String(u)
    }

    static func cast(_ v: Value, to t: DataType) -> Value {
        if v.isNull { return .null }
        switch (v, t) {
        case (.long, .long), (.double, .double), (.string, .string), (.boolean, .boolean), (.date, .date): return v
        case (.date(let d), .string): return .string(FuzzCallReference.dateText(d))
        case (.string(let s), .date): return FuzzCallReference.parseDate(s).map { .date($0) } ?? .null
        case (.long(let x), .double): return .double(Double(x))
        case (.long(let x), .string): return .string(String(x))
        case (.double(let x), .string): return .string(formatJavaDouble(x))
        case (.boolean(let x), .string): return .string(x ? "true" : "false")
        case (.boolean(let x), .long): return .long(x ? 1 : 0)
        case (.boolean(let x), .double): return .double(x ? 1 : 0)
        case (.double(let x), .long):
            if x.isNaN { return .long(0) }
            if x >= 9_223_372_036_854_775_807.0 { return .long(.max) }
            if x <= -9_223_372_036_854_775_808.0 { return .long(.min) }
            return .long(Int64(x.rounded(.towardZero)))
        case (.string(let s), .long): return parseSparkLong(s).map { .long($0) } ?? .null
        case (.string(let s), .double): return parseSparkDouble(s).map { .double($0) } ?? .null
        default: return .null
        }
    }

    /// Spark's UTF8String.toLong with decimals allowed: whitespace trimmed, an optional sign,
    /// digits, then optionally '.' and digits that are dropped.
    static func parseSparkLong(_ text: String) -> Int64? {
        var bytes = Array(text.utf8)[...]
        while let f = bytes.first, f <= 0x20 { bytes.removeFirst() }
        while let l = bytes.last, l <= 0x20 { bytes.removeLast() }
        guard !bytes.isEmpty else { return nil }
        var negative = false
        if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") {
            negative = bytes.first == UInt8(ascii: "-")
            bytes.removeFirst()
            guard !bytes.isEmpty else { return nil }
        }
        var magnitude: UInt64 = 0
        var sawDot = false
        for b in bytes {
            if b == UInt8(ascii: ".") && !sawDot { sawDot = true; continue }
            guard b >= 0x30 && b <= 0x39 else { return nil }
            if sawDot { continue }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(b - 0x30))
            guard !o1, !o2, s <= UInt64(Int64.max) + (negative ? 1 : 0) else { return nil }
            magnitude = s
        }
        return negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
    }

    /// Java's Double.parseDouble (whitespace trimmed; decimal digits, optional exponent, optional
    /// d/f suffix, NaN, Infinity) plus Spark's case-insensitive inf/infinity/nan.
    static func parseSparkDouble(_ text: String) -> Double? {
        let t = String(decoding: Array(text.utf8).drop { $0 <= 0x20 }.reversed().drop { $0 <= 0x20 }.reversed(), as: UTF8.self)
        switch t.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: break
        }
        var body = Substring(t)
        if let last = body.last, "dDfF".contains(last) { body = body.dropLast() }
        var sawDigit = false, sawDot = false, sawExponent = false, previous: Character = " "
        for (i, c) in body.enumerated() {
            switch c {
            case "0"..."9": sawDigit = true
            case "+", "-": guard i == 0 || previous == "e" || previous == "E" else { return nil }
            case ".": guard !sawDot, !sawExponent else { return nil }; sawDot = true
            case "e", "E": guard sawDigit, !sawExponent else { return nil }; sawExponent = true
            default: return nil
            }
            previous = c
        }
        guard sawDigit, previous != "e", previous != "E", previous != "+", previous != "-" else { return nil }
        return Double(String(body))
    }

    /// Java's Double.toString: shortest round-trip digits, plain for 1e-3 ≤ |x| < 1e7, else d.dddE±n.
    static func formatJavaDouble(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Infinity" : "Infinity" }
        if v == 0 { return v.sign == .minus ? "-0.0" : "0.0" }
        let mag = Swift.abs(v)
        if mag >= 1e-3 && mag < 1e7 {
            let s = "\(v)"
            if !s.contains("e") { return s.contains(".") ? s : s + ".0" }
        }
        // Scientific: digits from Swift's shortest form, exponent recomputed.
        var digits = "\(mag)"
        var exponent = 0
        if let e = digits.firstIndex(where: { $0 == "e" }) {
            exponent = Int(digits[digits.index(after: e)...])!
            digits = String(digits[..<e])
        }
        var parts = digits.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1 { parts.append("") }
        var all = parts[0] + parts[1]
        exponent += parts[0].count - 1
        while all.hasPrefix("0") && all.count > 1 { all.removeFirst(); exponent -= 1 }
        while all.hasSuffix("0") && all.count > 1 { all.removeLast() }
        let mantissa = String(all.prefix(1)) + "." + (all.count > 1 ? String(all.dropFirst()) : "0")
        return (v < 0 ? "-" : "") + mantissa + "E" + String(exponent)
    }
}
