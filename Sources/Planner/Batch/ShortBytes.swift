// ShortBytes: copies and comparisons of short byte strings (grouping keys, words) inline, with
// overlapping word loads, instead of calls to memcpy and memcmp, whose call and dispatch cost more
// than the work itself below 16 bytes. Only the `n` bytes named are ever read or written, so the
// strings need no padding. Longer strings go to memcpy and memcmp.

#if canImport(Glibc)
import Glibc
#endif

@_spi(EmberInternal) public enum ShortBytes {
    /// Copies `n` bytes from `source` to `destination` (the ranges must not overlap).
    @inlinable @inline(__always)
    @_spi(EmberInternal) public static func copy(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, _ n: Int) {
        if n >= 8 {
            if n > 16 {
                destination.copyMemory(from: source, byteCount: n)
                return
            }
            let head = source.loadUnaligned(as: UInt64.self)
            let tail = source.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            destination.storeBytes(of: head, as: UInt64.self)
            destination.storeBytes(of: tail, toByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 {
            let head = source.loadUnaligned(as: UInt32.self)
            let tail = source.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            destination.storeBytes(of: head, as: UInt32.self)
            destination.storeBytes(of: tail, toByteOffset: n - 4, as: UInt32.self)
        } else if n > 0 {
            // 1 to 3 bytes: the first, the middle and the last (some of them the same byte).
            destination.storeBytes(of: source.load(as: UInt8.self), as: UInt8.self)
            destination.storeBytes(of: source.load(fromByteOffset: n >> 1, as: UInt8.self), toByteOffset: n >> 1, as: UInt8.self)
            destination.storeBytes(of: source.load(fromByteOffset: n - 1, as: UInt8.self), toByteOffset: n - 1, as: UInt8.self)
        }
    }

    /// Whether the `n` bytes at `a` and at `b` are equal.
    @inlinable @inline(__always)
    @_spi(EmberInternal) public static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
        if n >= 8 {
            if n > 16 { return memcmp(a, b, n) == 0 }
            let head = a.loadUnaligned(as: UInt64.self) ^ b.loadUnaligned(as: UInt64.self)
            let tail = a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            return head | tail == 0
        }
        if n >= 4 {
            let head = a.loadUnaligned(as: UInt32.self) ^ b.loadUnaligned(as: UInt32.self)
            let tail = a.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) ^ b.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            return head | tail == 0
        }
        if n > 0 {
            return a.load(as: UInt8.self) == b.load(as: UInt8.self)
                && a.load(fromByteOffset: n >> 1, as: UInt8.self) == b.load(fromByteOffset: n >> 1, as: UInt8.self)
                && a.load(fromByteOffset: n - 1, as: UInt8.self) == b.load(fromByteOffset: n - 1, as: UInt8.self)
        }
        return true
    }
}
