// OutputBuffer: a growable raw byte buffer for writers, with appenders that format bigint,
// double, date and timestamp values as text straight into it (Spark's formats, no String per value).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(EmberInternal) import Planner

/// Bytes being prepared for a file. Owned by one writer (one task); not shared.
///
/// The text of each value is exactly Planner's formatting (`formatDouble`, `formatDate`,
/// `formatTimestamp`, which follow Spark/Java), produced without building Strings:
/// - bigint: decimal digits;
/// - double: Java's `Double.toString` layout over Swift's shortest round-trip digits: plain
///   (`1.5`, `100.0`, `0.001`) for 1e-3 ≤ |x| < 1e7, otherwise `d.dddE±n` (`1.0E7`, `1.0E-4`);
///   `NaN`, `Infinity`, `-Infinity`, `-0.0`;
/// - date: `yyyy-MM-dd` (year zero-padded to 4 digits, a `-` before negative years);
/// - timestamp: `yyyy-MM-dd HH:mm:ss` plus `.ffffff` without trailing zeros when not whole (UTC).
final class OutputBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Bytes in use.
    var count = 0

    init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes in use (valid until the buffer next grows).
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    func removeAll() { count = 0 }

    /// Empties the buffer and gives its memory back down to `capacity` bytes.
    func removeAll(shrinkingTo capacity: Int) {
        count = 0
        guard self.capacity > capacity else { return }
        base.deallocate()
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    /// Makes room for `extra` more bytes.
    @inline(__always) func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private func grow(to needed: Int) {
        let bigger = max(needed, capacity * 2)
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        p.update(from: base, count: count)
        base.deallocate()
        base = p
        capacity = bigger
    }

    /// Appends a byte; the caller has reserved room.
    @inline(__always) func appendUnchecked(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    @inline(__always) func append(_ byte: UInt8) {
        reserve(1)
        appendUnchecked(byte)
    }

    @inline(__always) func append(_ bytes: UnsafeRawBufferPointer) {
        guard let src = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        memcpy(base + count, src, bytes.count)
        count += bytes.count
    }

    func append(_ bytes: [UInt8]) { bytes.withUnsafeBytes { append($0) } }

    /// "00" "01" … "99": two digits per division by 100.
    @inline(__always) private static var digitPairs: UnsafePointer<UInt8> {
        let pairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
        return pairs.utf8Start
    }

    /// Appends `value` zero-padded to `width` digits (value ≥ 0); room reserved by the caller.
    @inline(__always) private func appendPadded(_ value: Int64, width: Int) {
        assert(value >= 0, "appendPadded takes a magnitude")
        var v = UInt64(bitPattern: value)
        var digits = 1
        var limit: UInt64 = 10
        while v >= limit && digits < 19 { digits += 1; limit &*= 10 }
        let n = max(digits, width)
        let pairs = Self.digitPairs
        var i = count + n
        while v >= 100 {
            let r = Int(truncatingIfNeeded: v % 100) &* 2
            v /= 100
            i -= 2
            base[i] = pairs[r]
            base[i + 1] = pairs[r + 1]
        }
        if v >= 10 {
            let r = Int(truncatingIfNeeded: v) &* 2
            i -= 2
            base[i] = pairs[r]
            base[i + 1] = pairs[r + 1]
        } else {
            i -= 1
            base[i] = 0x30 &+ UInt8(truncatingIfNeeded: v)
        }
        while i > count { i -= 1; base[i] = 0x30 }   // the padding
        count += n
    }

    func appendLong(_ v: Int64) {
        reserve(20)
        if v < 0 {
            appendUnchecked(UInt8(ascii: "-"))
            if v == .min {
                for byte in "9223372036854775808".utf8 { appendUnchecked(byte) }
                return
            }
        }
        appendPadded(v < 0 ? -v : v, width: 1)
    }

    func appendDate(_ days: Int32) {
        let (y, m, d) = civilFromDays(Int64(days))
        reserve(24)
        if y < 0 { appendUnchecked(UInt8(ascii: "-")) }
        appendPadded(abs(y), width: 4)
        appendUnchecked(UInt8(ascii: "-"))
        appendPadded(m, width: 2)
        appendUnchecked(UInt8(ascii: "-"))
        appendPadded(d, width: 2)
    }

    func appendTimestamp(_ micros: Int64) {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        appendDate(Int32(truncatingIfNeeded: days))
        reserve(16)
        appendUnchecked(UInt8(ascii: " "))
        appendPadded(secondOfDay / 3600, width: 2)
        appendUnchecked(UInt8(ascii: ":"))
        appendPadded(secondOfDay / 60 % 60, width: 2)
        appendUnchecked(UInt8(ascii: ":"))
        appendPadded(secondOfDay % 60, width: 2)
        if fraction != 0 {
            var f = fraction
            var width = 6
            while f % 10 == 0 { f /= 10; width -= 1 }
            appendUnchecked(UInt8(ascii: "."))
            appendPadded(f, width: width)
        }
    }

    func appendDouble(_ v: Double) {
        reserve(32)
        if v.isNaN { return appendASCII("NaN") }
        if v.isInfinite { return appendASCII(v < 0 ? "-Infinity" : "Infinity") }
        if v == 0 { return appendASCII(v.sign == .minus ? "-0.0" : "0.0") }
        if v < 0 { appendUnchecked(UInt8(ascii: "-")) }
        let magnitude = abs(v)
        if appendShortDecimal(magnitude) { return }
        if magnitude >= 1e-3 && magnitude < 1e7 && appendSwiftPlainDigits(magnitude) { return }
        // Shortest round-trip digits as Swift prints them: "123.45", "0.0001", "1.5e-05", "1e+16",
        // written into a stack buffer (DigitSink), not a String allocated per value.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DigitSink.capacity) { textBuffer in
            var sink = DigitSink(textBuffer.baseAddress!)
            magnitude.write(to: &sink)
            let utf8 = UnsafeBufferPointer(start: textBuffer.baseAddress, count: sink.count)
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { dig in   // on the stack
                var n = 0
                var exponent = 0            // scientific exponent: value = d.ddd × 10^exponent
                var seenPoint = false
                var intDigits = 0
                var leadingZeros = 0        // zeros after the point before the first digit (0.000ddd)
                var i = 0
                while i < utf8.count {
                    let c = utf8[i]
                    if c == UInt8(ascii: "e") {
                        var sign = 1
                        i += 1
                        if utf8[i] == UInt8(ascii: "-") { sign = -1; i += 1 } else if utf8[i] == UInt8(ascii: "+") { i += 1 }
                        var e = 0
                        while i < utf8.count { e = e * 10 + Int(utf8[i] &- 0x30); i += 1 }
                        exponent = sign * e
                        break
                    }
                    if c == UInt8(ascii: ".") {
                        seenPoint = true
                    } else if n == 0 && c == UInt8(ascii: "0") {
                        if seenPoint { leadingZeros += 1 }
                    } else if n < 24 {
                        dig[n] = c
                        n += 1
                        if !seenPoint { intDigits += 1 }
                    }
                    i += 1
                }
                exponent += intDigits > 0 ? intDigits - 1 : -(leadingZeros + 1)
                while n > 1 && dig[n - 1] == UInt8(ascii: "0") { n -= 1 }
                if magnitude >= 1e-3 && magnitude < 1e7 {
                    if exponent >= 0 {
                        for k in 0...exponent { appendUnchecked(k < n ? dig[k] : UInt8(ascii: "0")) }
                        appendUnchecked(UInt8(ascii: "."))
                        if n > exponent + 1 { for k in (exponent + 1)..<n { appendUnchecked(dig[k]) } } else { appendUnchecked(UInt8(ascii: "0")) }
                    } else {
                        appendUnchecked(UInt8(ascii: "0"))
                        appendUnchecked(UInt8(ascii: "."))
                        for _ in 0..<(-exponent - 1) { appendUnchecked(UInt8(ascii: "0")) }
                        for k in 0..<n { appendUnchecked(dig[k]) }
                    }
                } else {
                    appendUnchecked(dig[0])
                    appendUnchecked(UInt8(ascii: "."))
                    if n > 1 { for k in 1..<n { appendUnchecked(dig[k]) } } else { appendUnchecked(UInt8(ascii: "0")) }
                    appendUnchecked(UInt8(ascii: "E"))
                    if exponent < 0 { appendUnchecked(UInt8(ascii: "-")) }
                    appendPadded(Int64(abs(exponent)), width: 1)
                }
            }
        }
    }

    /// Most doubles in data (prices, sums of them) are decimals with a few places: if the integer
    /// I = round(v × 1000) gives back v as I / 1000, then I / 1000 with its trailing zeros dropped
    /// is the shortest decimal that round-trips (I has at most 10 digits, far from a double's 15.9,
    /// so no other decimal that short reads back as v, and a decimal with fewer places is the same
    /// number). One multiply and one divide, also for the values that need more places. Printed
    /// plainly, as Java does in [1e-3, 1e7): "1234.5", "12.0", "0.07". False when v needs more
    /// places (then the general path runs).
    private func appendShortDecimal(_ magnitude: Double) -> Bool {
        guard magnitude >= 1e-3 && magnitude < 1e7 else { return false }
        // floor(x + 0.5) rather than rounded(), which is a call into libm; the check below
        // accepts only an integer that gives v back, however it was found.
        let thousandths = Int64(magnitude * 1000 + 0.5)
        guard Double(thousandths) / 1000 == magnitude else { return false }
        let whole = UInt64(thousandths) / 1000
        var fraction = UInt64(thousandths) &- whole &* 1000
        var places = 3
        while places > 0 && fraction % 10 == 0 { fraction /= 10; places -= 1 }
        appendPadded(Int64(whole), width: 1)
        appendUnchecked(UInt8(ascii: "."))
        if places == 0 { appendUnchecked(UInt8(ascii: "0")) } else { appendPadded(Int64(fraction), width: places) }
        return true
    }

    /// In [1e-3, 1e7) Swift prints a double's shortest round-trip digits plainly, as Java does
    /// ("292.49333333333334", "0.00123"), so they go straight into the buffer; ".0" follows a
    /// whole number. False (nothing appended) if Swift chose an exponent after all.
    private func appendSwiftPlainDigits(_ magnitude: Double) -> Bool {
        reserve(DigitSink.capacity + 2)
        let start = base + count
        var sink = DigitSink(start)
        magnitude.write(to: &sink)
        var point = false
        for k in 0..<sink.count {
            let c = start[k]
            if c == UInt8(ascii: "e") { return false }
            if c == UInt8(ascii: ".") { point = true }
        }
        count += sink.count
        if !point {
            appendUnchecked(UInt8(ascii: "."))
            appendUnchecked(UInt8(ascii: "0"))
        }
        return true
    }

    private func appendASCII(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

}

/// Receives a double's printed digits (`Double.write(to:)` hands them over as ASCII bytes, without
/// making a String) into a buffer of `capacity` bytes; longer text is cut, which a double's
/// shortest form (at most 24 characters) never is.
struct DigitSink: TextOutputStream {
    static let capacity = 40
    private let base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0

    init(_ base: UnsafeMutablePointer<UInt8>) { self.base = base }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        for byte in buffer where count < Self.capacity {
            base[count] = byte
            count += 1
        }
    }

    mutating func write(_ string: String) {
        var text = string
        text.withUTF8 { _writeASCII($0) }
    }
}
