// Cast: Spark's casts with `spark.sql.ansi.enabled=false`, where a value that does not convert
// gives null, never an error:
//   - double → bigint: Java's (long) conversion: truncation toward zero, NaN → 0, ±Infinity and
//     values out of range saturate at the bigint bounds;
//   - string → bigint: Spark's UTF8String.toLong (see SparkText.parseLong): "1.5" → 1;
//   - string → double: Java's Double.parseDouble, then "inf"/"infinity"/"nan" in any case
//     (see SparkText.parseDouble);
//   - string → boolean: t/true/y/yes/1 and f/false/n/no/0, trimmed, in any case;
//   - bigint and double → boolean: non-zero is true (so NaN is true); boolean → number: 1 or 0;
//   - anything → string: the value's text (doubles as Java's Double.toString);
//   - dates and timestamps: see DateCasts.

enum Cast {
    static func evaluate(_ c: ColumnVector, to t: DataType) throws -> ColumnVector {
        if c.dataType == t { return c }
        switch (c.values, t) {
        case (.long(let v), .double): return ColumnVector(.double(v.map { Double($0) }), validity: c.validity)
        case (.double(let v), .long): return ColumnVector(.long(v.map(javaLong)), validity: c.validity)
        case (.boolean(let v), .long): return ColumnVector(.long(v.map { $0 ? 1 : 0 }), validity: c.validity)
        case (.boolean(let v), .double): return ColumnVector(.double(v.map { $0 ? 1 : 0 }), validity: c.validity)
        case (.long(let v), .boolean): return ColumnVector(.boolean(v.map { $0 != 0 }), validity: c.validity)
        case (.double(let v), .boolean): return ColumnVector(.boolean(v.map { $0 != 0 }), validity: c.validity)
        case (.string(let s), .long): return parse(s, c.validity, zero: 0, as: ColumnValues.long, SparkText.parseLong)
        case (.string(let s), .double): return parse(s, c.validity, zero: 0, as: ColumnValues.double, SparkText.parseDouble)
        case (.string(let s), .boolean): return parse(s, c.validity, zero: false, as: ColumnValues.boolean, SparkText.parseBoolean)
        case (_, .string):
            var b = ColumnBuilder(type: .string, capacity: c.count)
            for i in 0..<c.count {
                let v = c.value(at: i)
                if v.isNull { b.appendNull() } else { b.appendString(v.description) }
            }
            return b.finish()
        default:
            return DateCasts.evaluate(c, to: t) ?? .constant(.null, type: t, count: c.count)
        }
    }

    /// Java's `(long) x`.
    @inline(__always) static func javaLong(_ x: Double) -> Int64 {
        if x.isNaN { return 0 }
        if x >= 9_223_372_036_854_775_807.0 { return .max }   // the literal rounds to 2^63
        if x <= -9_223_372_036_854_775_808.0 { return .min }
        return Int64(x)
    }

    /// Parses every non-null string with `parse`; text it rejects becomes null.
    static func parse<T>(_ s: StringArray, _ validity: Bitmap?, zero: T, as wrap: ([T]) -> ColumnValues,
                         _ parse: (UnsafeBufferPointer<UInt8>) -> T?) -> ColumnVector {
        let n = s.count
        var out = [T](repeating: zero, count: n)
        var valid = validity ?? Bitmap(count: n, value: true)
        s.bytes.withUnsafeBufferPointer { bytes in
            for i in 0..<n where valid[i] {
                let text = UnsafeBufferPointer(rebasing: bytes[Int(s.offsets[i])..<Int(s.offsets[i + 1])])
                if let v = parse(text) { out[i] = v } else { valid[i] = false }
            }
        }
        return ColumnVector(wrap(out), validity: valid)
    }
}
