// BlockingQueue: a thread-safe FIFO that any thread may post to and one consumer takes from,
// optionally with a timeout. The scheduler's event loop reads its events from one.

import Foundation

final class BlockingQueue<Element: Sendable>: @unchecked Sendable {
    // All fields are guarded by `condition`.
    private let condition = NSCondition()
    private var items: [Element] = []
    private var head = 0

    func post(_ item: Element) {
        condition.lock()
        items.append(item)
        condition.signal()
        condition.unlock()
    }

    /// Takes the oldest item, waiting up to `timeout` seconds; nil on timeout.
    func take(timeout: Double) -> Element? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while head >= items.count {
            if !condition.wait(until: deadline) && head >= items.count { return nil }
        }
        let item = items[head]
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }
}
