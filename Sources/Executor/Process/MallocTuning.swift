// MallocTuning: glibc malloc settings for Ember's own processes (executors and the `ember`
// command), not for programs that embed the engine. Operators hand each batch fresh column
// buffers of a few hundred KiB; by default glibc serves those with mmap and returns them with
// munmap, so every batch pays page faults and zeroing of new pages (measured: a third of a Parquet
// scan's time). Keeping blocks up to 32 MiB in the heap, and up to 128 MiB of free heap before
// trimming, reuses the same pages batch after batch. Task memory is still bounded by the memory
// manager; freed pages stay with the process for reuse, so an executor scales both thresholds down
// with its memory (a sixteenth and an eighth of it) to stay within its memory + 64 MiB of RSS.

#if canImport(Glibc)
import CMalloc
import Glibc
#endif

@_spi(EmberInternal) public enum MallocTuning {
    /// Applies the settings. `memoryBytes` (an executor's memory) caps the block kept in the heap
    /// at a sixteenth of it and the free heap kept at an eighth. An explicit MALLOC_MMAP_THRESHOLD_ /
    /// MALLOC_TRIM_THRESHOLD_ in the environment wins.
    @_spi(EmberInternal) public static func apply(memoryBytes: Int64? = nil) {
        #if canImport(Glibc)
        let cap = memoryBytes.map { max($0, 1 << 20) } ?? Int64.max
        let mmapThreshold = Int32(min(32 << 20, cap / 16))
        let trimThreshold = Int32(min(128 << 20, cap / 8))
        if getenv("MALLOC_MMAP_THRESHOLD_") == nil { _ = mallopt(M_MMAP_THRESHOLD, mmapThreshold) }
        if getenv("MALLOC_TRIM_THRESHOLD_") == nil { _ = mallopt(M_TRIM_THRESHOLD, trimThreshold) }
        #endif
    }
}
