// BufferPool: RawBuffers one thread is done with, kept for another thread to reuse, so a pipeline
// of helper threads allocates its few buffers once instead of once per chunk. At most `limit` are
// kept; `take()` hands back an empty one, reused or new.

import Foundation

final class BufferPool: @unchecked Sendable {
    private let lock = NSLock()
    private var buffers: [RawBuffer] = []   // guarded by `lock`
    private let limit: Int
    private let capacity: Int

    init(limit: Int, capacity: Int) {
        self.limit = limit
        self.capacity = capacity
    }

    func take() -> RawBuffer {
        lock.lock()
        let reused = buffers.popLast()
        lock.unlock()
        let buffer = reused ?? RawBuffer(capacity: capacity)
        buffer.removeAll()
        return buffer
    }

    func giveBack(_ buffer: RawBuffer) {
        lock.lock()
        if buffers.count < limit { buffers.append(buffer) }
        lock.unlock()
    }
}
