// RawBuffer: a growable byte buffer over malloc'd memory whose new space is never zero-filled.
// The shuffle write path encodes and compresses straight into such buffers: unlike [UInt8], making
// room for a frame costs no memset, and the bytes are written through one pointer.

#if canImport(Glibc)
import Glibc
#endif

final class RawBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 1 << 16) {
        self.capacity = Swift.max(capacity, 64)
        guard let p = malloc(self.capacity) else { fatalError("out of memory allocating \(capacity) bytes") }
        base = p
    }

    deinit { free(base) }

    /// Makes room for `extra` more bytes; returns a pointer to the end (valid until the next growth).
    @inline(__always)
    func reserveTail(_ extra: Int) -> UnsafeMutableRawPointer {
        if count + extra > capacity { grow(count + extra) }
        return base + count
    }

    private func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        guard let p = realloc(base, newCapacity) else { fatalError("out of memory growing a buffer to \(newCapacity) bytes") }
        base = p
        capacity = newCapacity
    }

    /// Marks `n` bytes after the end as written.
    @inline(__always) func commit(_ n: Int) { count += n }

    @inline(__always) func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        reserveTail(bytes.count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        count += bytes.count
    }

    @inline(__always) func appendLE<T: FixedWidthInteger>(_ value: T) {
        reserveTail(MemoryLayout<T>.size).storeBytes(of: value.littleEndian, as: T.self)
        count += MemoryLayout<T>.size
    }

    func removeAll() { count = 0 }

    /// Drops the bytes past the first `n`.
    func truncate(to n: Int) {
        precondition(n >= 0 && n <= count, "truncate past the end")
        count = n
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
