// BackgroundFileWriter: appends to a file from a helper thread, so the task thread does not wait
// for write(2) to copy finished frames into the page cache. Bytes are staged in a few large raw
// buffers; at most `maxInFlight` wait to be written (back-pressure), so memory stays at about
// (maxInFlight + 1) × bufferSize per writer.
//
//   task thread:  append(frame) … ──buffer full──► queue ──► helper thread: write(2)
//                 finish(): hand over the last buffer, wait for the helper, rethrow its error

import Foundation

final class BackgroundFileWriter: @unchecked Sendable {
    private let helper: HelperThread<RawBuffer>
    private let written: BufferPool
    private let bufferSize: Int
    private let maxInFlight: Int
    /// Owned by the task thread.
    private var current: RawBuffer

    init(file: PosixFile, bufferSize: Int = 2 << 20, maxInFlight: Int = 2) {
        self.bufferSize = bufferSize
        self.maxInFlight = maxInFlight
        let written = BufferPool(limit: maxInFlight, capacity: bufferSize)
        self.written = written
        current = written.take()
        helper = HelperThread(stackSize: 256 << 10) { buffer, failed in
            defer { written.giveBack(buffer) }
            if !failed { try file.write(buffer.bytes) }
        }
    }

    /// Appends bytes (copied into the staging buffer).
    func append(_ bytes: UnsafeRawBufferPointer) throws {
        if current.count + bytes.count > bufferSize && current.count > 0 { try handOver() }
        current.append(bytes)
    }

    /// Writes what is left and waits until everything is in the file.
    func finish() throws {
        if current.count > 0 { try handOver() }
        try helper.close()
    }

    /// Stops the helper thread when the file is abandoned (on an error path); its error is moot.
    func discard() { try? helper.close() }

    private func handOver() throws {
        let condition = helper.condition
        condition.lock()
        while helper.queuedLocked >= maxInFlight && helper.failureLocked == nil { condition.wait() }
        let error = helper.failureLocked
        condition.unlock()
        if let error { throw error }
        helper.submit(current)
        current = written.take()
    }
}
