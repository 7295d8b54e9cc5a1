// BlockingQueue: a thread-safe FIFO that any thread may post to and one consumer takes from,
// optionally with a timeout. The scheduler's event loop reads its events from one.
//
// A taken item is released at once (its slot is cleared), so the queue never keeps alive what its
// consumer is done with: task statuses carry result batches, and the driver must not hold them.

import Foundation

final class BlockingQueue<Element: Sendable>: @unchecked Sendable {
    // All fields are guarded by `condition`.
    private let condition = NSCondition()
    /// Slots before `head` are taken (nil); the queue's items are `slots[head...]`.
    private var slots: [Element?] = []
    private var head = 0

    func post(_ item: Element) {
        condition.lock()
        slots.append(item)
        condition.signal()
        condition.unlock()
    }

    /// Takes the oldest item, waiting up to `timeout` seconds; nil on timeout.
    func take(timeout: Double) -> Element? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while head >= slots.count {
            if !condition.wait(until: deadline) && head >= slots.count { return nil }
        }
        let item = slots[head].take()
        head += 1
        if head == slots.count {
            slots.removeAll(keepingCapacity: slots.count <= 1024)
            head = 0
        } else if head > 1024 && head * 2 > slots.count {
            slots.removeFirst(head)
            head = 0
        }
        return item
    }
}
