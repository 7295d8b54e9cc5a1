// ExecutorOutbox: the driver's messages to one executor, sent in order by the outbox's own thread,
// so the scheduler never waits on a socket. An executor that stops reading (a stopped process, a
// hung one) delays only its own messages, until the connection's send deadline passes; then the
// outbox reports the failure once and drops what is still queued.
//
// A message is encoded when it is posted: a frame over the limit, or one that cannot be encoded, is
// refused to the poster at once, with nothing sent (the scheduler fails that task instead).

@_spi(EmberInternal) import Executor
import Foundation
import Synchronization

final class ExecutorOutbox: Sendable {
    private let connection: FrameConnection
    /// Frames to send; nil ends the thread.
    private let queue = BlockingQueue<FrameConnection.Frame?>()
    private let failed = Atomic<Bool>(false)

    /// Starts the sending thread; `onFailure` is called (on it) when a frame could not be sent.
    init(connection: FrameConnection, name: String, onFailure: @escaping @Sendable (ConnectionError) -> Void) {
        self.connection = connection
        let thread = Thread { [self] in drain(onFailure) }
        thread.name = name
        thread.start()
    }

    /// Sends queued frames in order until stopped or until one fails.
    private func drain(_ onFailure: @Sendable (ConnectionError) -> Void) {
        while true {
            guard let item = queue.take(timeout: 3600) else { continue }
            guard let frame = item, !failed.load(ordering: .acquiring) else { return }
            do {
                try connection.send(frame)
            } catch {
                failed.store(true, ordering: .releasing)
                onFailure(error as? ConnectionError ?? .closed("\(error)"))
                return
            }
        }
    }

    /// Queues a message; throws at once (nothing queued) when it cannot be encoded or is over the
    /// frame limit. A message posted after the connection failed is dropped.
    func post(_ message: DriverMessage) throws {
        let frame = try connection.frame(message)
        if !failed.load(ordering: .acquiring) { queue.post(frame) }
    }

    /// Ends the sending thread once what is queued has been sent (or has failed).
    func stop() { queue.post(nil) }

    /// Tells the executor to shut down, then ends the sending thread.
    func shutdown() {
        try? post(DriverMessage.shutdown)
        stop()
    }
}
