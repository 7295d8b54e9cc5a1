// MallocTuning: glibc malloc settings for Ember's own processes (executors and the `ember`
// command), not for programs that embed the engine. Operators hand each batch fresh column
// buffers of a few hundred KiB; by default glibc serves those with mmap and returns them with
// munmap, so every batch pays page faults and zeroing of new pages (measured: a third of a Parquet
// scan's time). Keeping blocks up to 32 MiB in the heap, and up to 128 MiB of free heap before
// trimming, reuses the same pages batch after batch. Peak memory is unchanged: task memory is
// still bounded by the memory manager; only freed pages stay with the process for reuse.

#if canImport(Glibc)
import CMalloc
import Glibc
#endif

@_spi(EmberInternal) public enum MallocTuning {
    /// Applies the settings once; later calls do nothing. An explicit MALLOC_MMAP_THRESHOLD_ /
    /// MALLOC_TRIM_THRESHOLD_ in the environment wins.
    @_spi(EmberInternal) public static func apply() {
        #if canImport(Glibc)
        if getenv("MALLOC_MMAP_THRESHOLD_") == nil { _ = mallopt(M_MMAP_THRESHOLD, 32 << 20) }
        if getenv("MALLOC_TRIM_THRESHOLD_") == nil { _ = mallopt(M_TRIM_THRESHOLD, 128 << 20) }
        #endif
    }
}
