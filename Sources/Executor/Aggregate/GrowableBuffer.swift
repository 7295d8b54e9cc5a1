// GrowableBuffer: a growable array of trivial values over malloc'd memory, for the group table's
// hot loops (no copy-on-write, uniqueness or exclusivity checks). Growth doubles the capacity; a
// size that overflows or an allocation the system refuses is an OUT_OF_MEMORY error, never a trap.

@_spi(EmberInternal) import Planner
#if canImport(Glibc)
import Glibc
#endif

struct GrowableBuffer<T: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<T>?
    var count = 0
    private(set) var capacity = 0

    @inline(__always) subscript(i: Int) -> T { base.unsafelyUnwrapped[i] }

    /// Makes room for at least `n` values.
    mutating func reserve(_ n: Int) throws {
        guard n > capacity else { return }
        var newCapacity = Swift.max(capacity * 2, 64)
        while newCapacity < n { newCapacity *= 2 }
        let (bytes, overflow) = newCapacity.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard !overflow, let raw = realloc(base, bytes) else {
            throw EmberError(.outOfMemory, "cannot allocate \(overflow ? "more than \(Int.max)" : String(bytes)) bytes for a hash table buffer",
                             hint: "give executors more memory or use more shuffle partitions")
        }
        base = raw.assumingMemoryBound(to: T.self)
        capacity = newCapacity
    }

    @inline(__always) mutating func append(_ value: T) throws {
        if count == capacity { try reserve(count + 1) }
        base.unsafelyUnwrapped[count] = value
        count += 1
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) throws where T == UInt8 {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        try reserve(count + bytes.count)
        ShortBytes.copy(UnsafeMutableRawPointer(base.unsafelyUnwrapped + count), source, bytes.count)
        count += bytes.count
    }

    mutating func removeAll() { count = 0 }

    func free() { Glibc.free(base) }
}

/// Byte equality; short keys (most words) are compared inline (ShortBytes) instead of calling memcmp.
@inline(__always)
func bytesEqual(_ a: UnsafeRawPointer?, _ b: UnsafeRawPointer?, _ n: Int) -> Bool {
    guard n > 0 else { return true }
    guard let a, let b else { return false }
    return ShortBytes.equal(a, b, n)
}

/// `count` zeroed UInt64 values in fresh memory (calloc: large tables start as untouched zero pages);
/// an OUT_OF_MEMORY error if refused.
func allocateZeroed(_ count: Int, for what: String) throws -> UnsafeMutablePointer<UInt64> {
    guard let raw = calloc(Swift.max(count, 1), MemoryLayout<UInt64>.stride) else {
        throw EmberError(.outOfMemory, "cannot allocate \(count) × 8 bytes for \(what)",
                         hint: "give executors more memory or use more shuffle partitions")
    }
    return raw.bindMemory(to: UInt64.self, capacity: count)
}
