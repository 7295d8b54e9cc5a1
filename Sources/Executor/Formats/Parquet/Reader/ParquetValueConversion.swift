// ParquetValueConversion: physical Parquet values, dense in memory, appended to an output column
// as Ember values (see ParquetConversion in ParquetSchema.swift for the mapping). Fixed-width
// values come as raw little-endian bytes (`width` each, any alignment); byte arrays as a
// StringArray. Conversions that can overflow (a millisecond timestamp beyond Ember's range, a
// Julian day far out) are errors, never wrapped values.

@_spi(EmberInternal) import Planner

enum ParquetValueConversion {
    /// Exact powers of ten as doubles (10^22 is the largest exact one).
    static let powersOfTen: [Double] = (0...22).map { p in (0..<p).reduce(1.0) { r, _ in r * 10 } }

    /// Appends `n` fixed-width values at `p` converted by `column.conversion`.
    static func appendFixed(_ p: UnsafeRawPointer, count n: Int, column: ParquetColumn,
                            into out: inout ParquetColumnOutput) throws {
        switch column.conversion {
        case .int32(let unsigned):
            if unsigned {
                appendEach(&out.longs, n) { Int64(UInt32(bitPattern: p.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))) }
            } else {
                appendEach(&out.longs, n) { Int64(p.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
            }
        case .date:
            copyAppend(&out.days, p, n)
        case .int64:
            copyAppend(&out.longs, p, n)
        case .uint64:
            appendEach(&out.doubles, n) { Double(p.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)) }
        case .double:
            copyAppend(&out.doubles, p, n)
        case .float:
            appendEach(&out.doubles, n) { Double(p.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self)) }
        case .timestamp(let unit):
            switch unit {
            case .micros: copyAppend(&out.longs, p, n)
            case .millis:
                try appendEach(&out.longs, n) { i in
                    let (v, overflow) = p.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self).multipliedReportingOverflow(by: 1000)
                    guard !overflow else { throw parquetCorrupt("millisecond timestamp beyond Ember's timestamp range") }
                    return v
                }
            case .nanos:
                appendEach(&out.longs, n) { i in
                    let v = p.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)
                    return v >= 0 ? v / 1000 : -((-(v + 1)) / 1000) - 1   // floor division
                }
            }
        case .int96:
            try appendEach(&out.longs, n) { try int96Micros(p + 12 * $0) }
        case .float16:
            appendEach(&out.doubles, n) { float16(p.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)) }
        case .decimal(let scale):
            switch column.physicalType {
            case .int32 where powersOfTen.indices.contains(scale):
                let divisor = powersOfTen[scale]   // exact, and every int32 is below 2^53
                appendEach(&out.doubles, n) { Double(p.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) / divisor }
            case .int64 where powersOfTen.indices.contains(scale):
                let divisor = powersOfTen[scale]
                appendEach(&out.doubles, n) { i in
                    let unscaled = p.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)
                    return unscaled.magnitude < (1 << 53) ? Double(unscaled) / divisor : decimal(unscaled, scale: scale)
                }
            case .int32:
                appendEach(&out.doubles, n) { decimal(Int64(p.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)), scale: scale) }
            case .int64:
                appendEach(&out.doubles, n) { decimal(p.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self), scale: scale) }
            default:
                let w = column.typeLength
                appendEach(&out.doubles, n) { decimal(bigEndian: UnsafeRawBufferPointer(start: p + w * $0, count: w), scale: scale) }
            }
        case .string:
            let w = column.typeLength
            guard out.strings.bytes.count + n * w <= Int(Int32.max) else { throw parquetCorrupt("string values exceed 2 GiB in one batch") }
            out.strings.bytes.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n * w))
            var end = out.strings.offsets[out.strings.offsets.count - 1]
            for _ in 0..<n {
                end += Int32(w)
                out.strings.offsets.append(end)
            }
        case .boolean:
            throw EmberError(.internal, "booleans are not fixed-width Parquet values")
        }
    }

    /// Appends byte-array values (already decoded into `values`) converted by the column's conversion.
    static func appendByteArrays(_ values: StringArray, column: ParquetColumn, into out: inout ParquetColumnOutput,
                                 raw: inout [UInt8]) throws {
        let n = values.count
        switch column.conversion {
        case .string:
            for i in 0..<n { out.strings.append(from: values, at: i) }
        case .decimal(let scale):
            values.bytes.withUnsafeBytes { b in
                for i in 0..<n {
                    let a = Int(values.offsets[i]), e = Int(values.offsets[i + 1])
                    out.doubles.append(decimal(bigEndian: UnsafeRawBufferPointer(rebasing: b[a..<e]), scale: scale))
                }
            }
        default:
            // Fixed-width values that arrived through a byte-array encoding (DELTA_BYTE_ARRAY on FLBA).
            let w = column.typeLength
            for i in 0..<n where values.length(at: i) != w {
                throw parquetCorrupt("a value of \(values.length(at: i)) bytes in a \(w)-byte column")
            }
            raw = values.bytes
            try raw.withUnsafeBytes { r in
                guard let base = r.baseAddress else { return }
                try appendFixed(base, count: n, column: column, into: &out)
            }
        }
    }

    /// Appends `value(i)` for i < n, writing through a pointer (no per-value capacity check).
    @inline(__always)
    private static func appendEach<T: ExpressibleByIntegerLiteral>(_ array: inout [T], _ n: Int, _ value: (Int) throws -> T) rethrows {
        let base = array.count
        array.append(contentsOf: repeatElement(0, count: n))
        try array.withUnsafeMutableBufferPointer { b in
            guard let dst = b.baseAddress else { return }
            for i in 0..<n { dst[base + i] = try value(i) }
        }
    }

    /// Appends `n` values of `T` copied from `p` (any alignment).
    private static func copyAppend<T: ExpressibleByIntegerLiteral>(_ array: inout [T], _ p: UnsafeRawPointer, _ n: Int) {
        let base = array.count
        array.append(contentsOf: repeatElement(0, count: n))
        array.withUnsafeMutableBytes { dst in
            guard let start = dst.baseAddress else { return }
            (start + base * MemoryLayout<T>.stride).copyMemory(from: p, byteCount: n * MemoryLayout<T>.stride)
        }
    }

    /// unscaled / 10^scale, correctly rounded.
    static func decimal(_ unscaled: Int64, scale: Int) -> Double {
        if scale == 0 { return Double(unscaled) }
        if unscaled.magnitude < (1 << 53) && scale < powersOfTen.count { return Double(unscaled) / powersOfTen[scale] }
        return Double("\(unscaled)e-\(scale)") ?? .nan
    }

    /// A big-endian two's-complement unscaled value / 10^scale.
    static func decimal(bigEndian bytes: UnsafeRawBufferPointer, scale: Int) -> Double {
        guard let first = bytes.first else { return 0 }
        let negative = first & 0x80 != 0
        // Leading sign-extension bytes do not change the value.
        var start = 0
        while start < bytes.count - 1 && bytes[start] == (negative ? 0xFF : 0x00)
                && (bytes[start + 1] & 0x80 != 0) == negative { start += 1 }
        if bytes.count - start <= 8 {
            var v: Int64 = negative ? -1 : 0
            for i in start..<bytes.count { v = (v << 8) | Int64(bytes[i]) }
            return decimal(v, scale: scale)
        }
        // Wide values: the magnitude as decimal digits, parsed (correctly rounded) by the standard library.
        var magnitude = Array(bytes[start...])
        if negative {
            var carry = 1
            for i in stride(from: magnitude.count - 1, through: 0, by: -1) {
                let v = Int(~magnitude[i]) + carry
                magnitude[i] = UInt8(truncatingIfNeeded: v)
                carry = v >> 8
            }
        }
        var chunks: [UInt32] = []   // base 10^9, least significant first
        while magnitude.contains(where: { $0 != 0 }) {
            var remainder: UInt64 = 0
            for i in magnitude.indices {
                let cur = remainder << 8 | UInt64(magnitude[i])
                magnitude[i] = UInt8(cur / 1_000_000_000)
                remainder = cur % 1_000_000_000
            }
            chunks.append(UInt32(remainder))
        }
        var digits = chunks.last.map { String($0) } ?? "0"
        for chunk in chunks.dropLast().reversed() {
            let s = String(chunk)
            digits += String(repeating: "0", count: 9 - s.count) + s
        }
        return Double("\(negative ? "-" : "")\(digits)e-\(scale)") ?? .nan
    }

    /// Spark's legacy INT96 timestamp: 8 bytes of nanoseconds within the day, then the Julian day.
    static func int96Micros(_ p: UnsafeRawPointer) throws -> Int64 {
        let nanos = p.loadUnaligned(as: Int64.self)
        let julianDay = Int64(p.loadUnaligned(fromByteOffset: 8, as: Int32.self))
        let (dayMicros, overflow) = (julianDay - 2_440_588).multipliedReportingOverflow(by: 86_400_000_000)
        let (micros, overflow2) = dayMicros.addingReportingOverflow(nanos / 1000)
        guard !overflow && !overflow2 else { throw parquetCorrupt("INT96 timestamp beyond Ember's timestamp range") }
        return micros
    }

    /// An IEEE half-precision value.
    static func float16(_ bits: UInt16) -> Double {
        let sign: Double = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
