// BlockingQueue: a thread-safe FIFO that any thread may post to and one consumer takes from,
// optionally with a timeout. The scheduler's event loop reads its events from one.
//
// A taken item is released at once (its slot is cleared), so the queue never keeps alive what its
// consumer is done with: task statuses carry result batches, and the driver must not hold them.
//
// `wake()` makes the consumer's current or next waiting `take` return nil at once, without an
// item: the event loop is woken so when a request arrives (stop, unpersist) or its manual clock
// moves. `poll()` never waits and leaves a pending wake-up for the next `take`.

import Foundation

final class BlockingQueue<Element: Sendable>: @unchecked Sendable {
    // All fields are guarded by `condition`.
    private let condition = NSCondition()
    /// Slots before `head` are taken (nil); the queue's items are `slots[head...]`.
    private var slots: [Element?] = []
    private var head = 0
    /// Set by `wake()` until a waiting `take` returns because of it.
    private var wakePending = false

    func post(_ item: Element) {
        condition.lock()
        slots.append(item)
        condition.signal()
        condition.unlock()
    }

    /// Makes the consumer's waiting `take` return nil now (or its next one, if it is not waiting).
    func wake() {
        condition.lock()
        wakePending = true
        condition.signal()
        condition.unlock()
    }

    /// Takes the oldest item, waiting up to `timeout` seconds (`.infinity`: until an item or a
    /// wake-up comes); nil on timeout or wake-up.
    func take(timeout: Double) -> Element? {
        // Without a deadline, an untimed wait (Foundation cannot wait until `distantFuture`).
        let deadline = timeout.isFinite ? Date(timeIntervalSinceNow: timeout) : nil
        condition.lock()
        defer { condition.unlock() }
        while head >= slots.count {
            if wakePending {
                wakePending = false
                return nil
            }
            guard let deadline else {
                condition.wait()
                continue
            }
            if !condition.wait(until: deadline) && head >= slots.count && !wakePending { return nil }
        }
        return removeFirst()
    }

    /// Takes the oldest item if there is one, without waiting.
    func poll() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        return head < slots.count ? removeFirst() : nil
    }

    /// Called with `condition` held and an item queued.
    private func removeFirst() -> Element? {
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
