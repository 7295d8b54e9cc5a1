// AcceptLoop: a listener's accepting thread. It never stops for good on an error: on a shortage of
// descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM) it ends the oldest connection it is
// serving and pauses, longer while the shortage lasts, as pending connections wait in the backlog;
// a connection that failed on its own (ECONNABORTED, EPROTO, EPERM…) is skipped; only a listening
// socket that was shut down ends the loop.
// A connection from another user is closed before a byte of it is read; the others are served on
// a thread of their own, within the limiter's cap.

@_spi(EmberInternal) import Executor
import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

final class AcceptLoop: Sendable {
    /// Serves one admitted connection; must release the slot, then close the fd.
    typealias Serve = @Sendable (Int32, ConnectionLimiter.Slot) -> Void

    let name: String
    let limiter: ConnectionLimiter
    private let listenFD: Int32
    private let logger: Logger
    private let stopped = Atomic<Bool>(false)
    private let strangers = Atomic<Int>(0)

    /// A loop over `listenFD`, which it closes when it ends; `start` starts it.
    init(name: String, listenFD: Int32, limiter: ConnectionLimiter, logger: Logger) {
        self.name = name
        self.listenFD = listenFD
        self.limiter = limiter
        self.logger = logger
    }

    /// Starts accepting on a thread of its own.
    func start(serve: @escaping Serve) {
        let thread = Thread { [self] in run(serve) }
        thread.name = name
        thread.start()
    }

    /// Stops accepting: the listening socket is shut down, and the loop closes it when it wakes.
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        shutdown(listenFD, Int32(SHUT_RDWR))
    }

    /// Connections closed because another user opened them.
    var refusedStrangers: Int { strangers.load(ordering: .relaxed) }

    static let firstPauseMillis = 5
    static let longestPauseMillis = 1000

    private func run(_ serve: @escaping Serve) {
        defer { close(listenFD) }
        var pauseMillis = 0
        while !stopped.load(ordering: .acquiring) {
            switch LoopbackSocket.accept(listenFD) {
            case .listenerClosed:
                return
            case .retry(let code, let shortage):
                guard shortage else { continue }
                if pauseMillis == 0 {
                    logger.warning("accept failed; shedding the oldest connection and retrying with backoff until it recovers",
                                   metadata: ["listener": "\(name)", "error": "\(SocketIO.errorText(code))"])
                }
                // Out of descriptors or memory: free one by ending the oldest connection still in
                // its handshake or request, then give the system a moment.
                limiter.evictOldest()
                pauseMillis = min(Self.longestPauseMillis, max(Self.firstPauseMillis, pauseMillis * 2))
                usleep(UInt32(pauseMillis) * 1000)
            case .connection(let fd):
                if pauseMillis > 0 {
                    logger.notice("accepting again", metadata: ["listener": "\(name)"])
                    pauseMillis = 0
                }
                if stopped.load(ordering: .acquiring) {
                    close(fd)
                    return
                }
                guard PeerCredentials.isSameUser(fd) else {
                    strangers.add(1, ordering: .relaxed)
                    logger.debug("closed a connection from another user", metadata: ["listener": "\(name)"])
                    close(fd)
                    continue
                }
                let slot = limiter.admit(fd)
                let worker = Thread { serve(fd, slot) }
                worker.name = name + "-connection"
                worker.start()
            }
        }
    }
}
