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

    /// Items the helper finished, in order; guarded by `helper.condition`.
    private final class Finished: @unchecked Sendable {
        var items: [Item] = []
    }

    private let helper: HelperThread<Item>
    private let finished = Finished()
    private let inputs: BufferPool
    private let frames: BufferPool
    private let maxInFlight: Int
    /// Items submitted and not yet handed to `output` (task thread only).
    private var inFlight = 0

    init(compressor: ZstdCompressor, chunkCapacity: Int, maxInFlight: Int = 3) {
        self.maxInFlight = maxInFlight
        let inputs = BufferPool(limit: maxInFlight + 1, capacity: chunkCapacity + 4096)
        let frames = BufferPool(limit: maxInFlight + 1, capacity: ZstdCompressor.bound(chunkCapacity))
        let finished = self.finished
        self.inputs = inputs
        self.frames = frames
        let condition = NSCondition()
        helper = HelperThread(stackSize: 1 << 20, condition: condition) { item, failed in
            var result = item
            if case .chunk(let p, let input) = item {
                defer { inputs.giveBack(input) }
                if failed { return }
                let frame = frames.take()
                let bound = ZstdCompressor.bound(input.count)
                let n = try compressor.compressFrame(input.bytes, into: frame.reserveTail(bound), capacity: bound)
                frame.commit(n)
                result = .chunk(partition: p, buffer: frame)
            }
            condition.lock()
            finished.items.append(result)
            condition.unlock()
        }
    }

    /// A buffer to encode the next chunk into.
    func inputBuffer() -> RawBuffer { inputs.take() }

    /// Queues an item; while the pipeline is full, hands finished items to `output` (in order).
    func submit(_ item: Item, output: (Item) throws -> Void) throws {
        try drain(output, untilInFlightBelow: maxInFlight)
        inFlight += 1
        helper.submit(item)
        try drain(output, untilInFlightBelow: Int.max)   // opportunistic: whatever is already done
    }

    /// Waits for every queued item, hands it to `output`, and stops the helper thread.
    func finish(output: (Item) throws -> Void) throws {
        try drain(output, untilInFlightBelow: 1)
        try helper.close()
    }

    /// Stops the helper thread when the output is abandoned (on an error path); its error is moot.
    func discard() { try? helper.close() }

    /// Returns a compressed frame's buffer for reuse.
    func recycle(frame buffer: RawBuffer) { frames.giveBack(buffer) }

    private func drain(_ output: (Item) throws -> Void, untilInFlightBelow limit: Int) throws {
        let condition = helper.condition
        while true {
            condition.lock()
            if limit != Int.max {
                while inFlight >= limit && finished.items.isEmpty && helper.failureLocked == nil { condition.wait() }
            }
            if let error = helper.failureLocked {
                condition.unlock()
                throw error
            }
            if finished.items.isEmpty {
                condition.unlock()
                return
            }
            let item = finished.items.removeFirst()
            inFlight -= 1
            condition.unlock()
            try output(item)
        }
    }
}
