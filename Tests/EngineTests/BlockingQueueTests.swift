// The scheduler's event queue lets go of an event as soon as it is taken: task statuses carry
// result batches, and a queue that kept taken events alive made the driver hold every result it
// had already handed on (driver RSS 233 → 620 MiB writing a 180 MB CSV).

@testable import Engine
import Foundation
import Testing

@Suite struct BlockingQueueTests {
    final class Token: Sendable {}

    @Test func aTakenItemIsReleasedAtOnce() {
        let queue = BlockingQueue<Token>()
        weak var taken: Token?
        weak var waiting: Token?
        do {
            let first = Token(), second = Token()
            taken = first
            waiting = second
            queue.post(first)
            queue.post(second)
        }
        #expect(queue.take(timeout: 0) != nil)
        #expect(taken == nil, "the queue still holds an item it handed on")
        #expect(waiting != nil)
        #expect(queue.take(timeout: 0) != nil)
        #expect(waiting == nil, "the queue still holds an item it handed on")
    }

    @Test func itemsComeOutInOrderAcrossCompactions() {
        let queue = BlockingQueue<Int>()
        var posted = 0, taken = 0
        // Post 3,000 and take 2,000 per round: the queue is never empty and compacts on the way.
        for _ in 0..<6 {
            for _ in 0..<3_000 { queue.post(posted); posted += 1 }
            for _ in 0..<2_000 {
                #expect(queue.take(timeout: 0) == taken)
                taken += 1
            }
        }
        while let item = queue.take(timeout: 0) {
            #expect(item == taken)
            taken += 1
        }
        #expect(taken == posted)
    }
}
