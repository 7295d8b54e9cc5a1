// FramePipeline: compresses a stream of encoded chunks on a helper thread while the task thread
// gathers the next chunks and writes finished frames to the file, so the writer's throughput is
// bounded by zstd alone rather than by zstd + gathering + write(2).
//
//   task thread                         helper thread
//   ───────────                         ─────────────
//   gather+encode chunk ─submit──► pending ──► compress (reused ZSTD_CCtx) ──► done
//   write(2) frames  ◄──────────────────────────────────────────────────────── done
//   markers pass through in order, so the task thread can insert spill-run segments between
//   partitions exactly where they belong.
//
// At most `maxInFlight` items wait or are being compressed (back-pressure), so the pipeline holds
// about 2 × maxInFlight chunk buffers.

import Foundation

final class FramePipeline: @unchecked Sendable {
    enum Item {
        /// An encoded chunk of partition p (before), or its compressed frame (after).
        case chunk(partition: Int, buffer: RawBuffer)
        /// Start of partition p's output.
        case marker(partition: Int)
    }

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [Item] = []
    private var done: [Item] = []
    private var freeInput: [RawBuffer] = []
    private var freeOutput: [RawBuffer] = []
    private var inFlight = 0
    private var failure: (any Error)?
    private var closing = false
    private var helperDone = false

    private let compressor: ZstdCompressor
    private let maxInFlight: Int
    private let chunkCapacity: Int

    init(compressor: ZstdCompressor, chunkCapacity: Int, maxInFlight: Int = 3) {
        self.compressor = compressor
        self.chunkCapacity = chunkCapacity
        self.maxInFlight = maxInFlight
        let thread = Thread { [self] in run() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    deinit { stopHelper() }

    /// A buffer to encode the next chunk into.
    func inputBuffer() -> RawBuffer {
        condition.lock()
        let buffer = freeInput.popLast()
        condition.unlock()
        let b = buffer ?? RawBuffer(capacity: chunkCapacity + 4096)
        b.removeAll()
        return b
    }

    /// Queues an item; while the pipeline is full, hands finished items to `output` (in order).
    func submit(_ item: Item, output: (Item) throws -> Void) throws {
        try drain(output, untilInFlightBelow: maxInFlight)
        condition.lock()
        pending.append(item)
        inFlight += 1
        condition.broadcast()
        condition.unlock()
        try drain(output, untilInFlightBelow: Int.max)   // opportunistic: whatever is already done
    }

    /// Waits for every queued item and hands it to `output`.
    func finish(output: (Item) throws -> Void) throws {
        try drain(output, untilInFlightBelow: 1)
    }

    /// Returns a compressed frame's buffer for reuse.
    func recycle(frame buffer: RawBuffer) {
        condition.lock()
        if freeOutput.count < maxInFlight + 1 { freeOutput.append(buffer) }
        condition.unlock()
    }

    private func drain(_ output: (Item) throws -> Void, untilInFlightBelow limit: Int) throws {
        while true {
            condition.lock()
            if limit != Int.max {
                while inFlight >= limit && done.isEmpty && failure == nil { condition.wait() }
            }
            if let error = failure {
                condition.unlock()
                throw error
            }
            if done.isEmpty {
                condition.unlock()
                return
            }
            let item = done.removeFirst()
            inFlight -= 1
            condition.unlock()
            try output(item)
        }
    }

    private func stopHelper() {
        condition.lock()
        closing = true
        condition.broadcast()
        while !helperDone { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while pending.isEmpty && !closing { condition.wait() }
            if pending.isEmpty && closing {
                helperDone = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let item = pending.removeFirst()
            let out = freeOutput.popLast()
            let failed = failure != nil
            condition.unlock()
            var result = item
            var error: (any Error)? = nil
            if case .chunk(let p, let input) = item, !failed {
                let frame = out ?? RawBuffer(capacity: ZstdCompressor.bound(chunkCapacity))
                frame.removeAll()
                do {
                    let bound = ZstdCompressor.bound(input.count)
                    let n = try compressor.compressFrame(input.bytes, into: frame.reserveTail(bound), capacity: bound)
                    frame.commit(n)
                } catch let e { error = e }
                result = .chunk(partition: p, buffer: frame)
                condition.lock()
                if freeInput.count < maxInFlight + 1 { freeInput.append(input) }
                condition.unlock()
            }
            condition.lock()
            if let error, failure == nil { failure = error }
            done.append(result)
            condition.broadcast()
            condition.unlock()
        }
    }
}
