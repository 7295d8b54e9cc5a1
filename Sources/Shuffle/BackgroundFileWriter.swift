// BackgroundFileWriter: appends to a file from a helper thread, so the task thread does not wait
// for write(2) to copy finished frames into the page cache. Bytes are staged in a few large raw
// buffers; at most `maxInFlight` wait to be written (back-pressure), so memory stays at about
// (maxInFlight + 1) × bufferSize per writer.
//
//   task thread:  append(frame) … ──buffer full──► queue ──► helper thread: write(2)
//                 finish(): hand over the last buffer, wait for the helper, rethrow its error

import Foundation

final class BackgroundFileWriter: @unchecked Sendable {
    // Guarded by `condition`: queue, recycled, failure, closing, helperDone.
    private let condition = NSCondition()
    private var queue: [RawBuffer] = []
    private var recycled: [RawBuffer] = []
    private var failure: (any Error)?
    private var closing = false
    private var helperDone = false

    private let file: PosixFile
    private let bufferSize: Int
    private let maxInFlight: Int
    /// Owned by the task thread.
    private var current: RawBuffer

    init(file: PosixFile, bufferSize: Int = 2 << 20, maxInFlight: Int = 2) {
        self.file = file
        self.bufferSize = bufferSize
        self.maxInFlight = maxInFlight
        current = RawBuffer(capacity: bufferSize)
        let thread = Thread { [self] in run() }
        thread.stackSize = 256 << 10
        thread.start()
    }

    /// Appends bytes (copied into the staging buffer).
    func append(_ bytes: UnsafeRawBufferPointer) throws {
        if current.count + bytes.count > bufferSize && current.count > 0 { try handOver() }
        current.append(bytes)
    }

    /// Writes what is left and waits until everything is in the file.
    func finish() throws {
        if current.count > 0 { try handOver() }
        stopHelper()
        condition.lock()
        let error = failure
        condition.unlock()
        if let error { throw error }
    }

    deinit { stopHelper() }

    private func stopHelper() {
        condition.lock()
        closing = true
        condition.broadcast()
        while !helperDone { condition.wait() }
        condition.unlock()
    }

    private func handOver() throws {
        condition.lock()
        while queue.count >= maxInFlight && failure == nil { condition.wait() }
        if let error = failure {
            condition.unlock()
            throw error
        }
        queue.append(current)
        let next = recycled.popLast()
        condition.broadcast()
        condition.unlock()
        current = next ?? RawBuffer(capacity: bufferSize)
        current.removeAll()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !closing { condition.wait() }
            if queue.isEmpty && closing {
                helperDone = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let buffer = queue.removeFirst()
            let failed = failure != nil
            condition.unlock()
            var error: (any Error)? = nil
            if !failed {
                do { try file.write(buffer.bytes) } catch let e { error = e }
            }
            condition.lock()
            if let error, failure == nil { failure = error }
            if recycled.count < maxInFlight { recycled.append(buffer) }
            condition.broadcast()
            condition.unlock()
        }
    }
}
