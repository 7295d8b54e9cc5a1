// RowGroupReservation: the Parquet writer's row group in its task's memory. A row group is buffered
// whole until it is written (up to `parquet.block.size`, 128 MiB), so the writer reserves what its
// buffers hold from the memory consumer its task gives it (TaskRunner → FileWriteSink), like the
// sort and the shuffle writer. When the task's memory refuses more, the writer ends the row group
// early (smaller row groups are valid Parquet) instead of failing or holding memory it was not
// granted; when another consumer of the task needs memory, the writer's row group is written out
// the same way (it spills into the file). Everything is given back on close and abort.

@_spi(EmberInternal) import Planner

final class RowGroupReservation {
    let memory: any MemoryReservation
    /// Bytes reserved now.
    private(set) var reserved = 0

    init(_ memory: any MemoryReservation) { self.memory = memory }

    /// Makes the reservation `held` bytes: grows it (false when the task's memory refuses) or
    /// gives back what is no longer held.
    func settle(_ held: Int) throws -> Bool {
        if held > reserved {
            guard try memory.tryGrow(held - reserved) else { return false }
        } else if held < reserved {
            memory.shrink(reserved - held)
        }
        reserved = held
        return true
    }

    /// Gives back what is no longer held, never asking for more (while spilling for another consumer).
    func shrink(to held: Int) {
        guard held < reserved else { return }
        memory.shrink(reserved - held)
        reserved = held
    }

    func releaseAll() { shrink(to: 0) }
}
