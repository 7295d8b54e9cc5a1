// ConnectionLimiter: caps how many connections a listener serves at once. A connection that arrives
// when every slot is taken gets the slot of the oldest one, which is shut down (its thread wakes
// from its read or write and ends) and reset when closed. A flood of idle connections then cycles through the slots instead of
// holding them, and a real peer, which sends its request or handshake at once, is still served.

import Foundation
import Synchronization

final class ConnectionLimiter: Sendable {
    /// One admitted connection.
    struct Slot: Sendable {
        fileprivate let ticket: UInt64
        let fd: Int32
    }

    let capacity: Int
    private struct State {
        var nextTicket: UInt64 = 0
        /// Admitted connections, oldest first.
        var admitted: [Slot] = []
        var evicted = 0
    }
    private let state = Mutex(State())

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Admits `fd`; when every slot is taken, shuts down the oldest admitted connection first.
    func admit(_ fd: Int32) -> Slot {
        state.withLock { s in
            if s.admitted.count >= capacity { Self.evictOldest(&s) }
            let slot = Slot(ticket: s.nextTicket, fd: fd)
            s.nextTicket += 1
            s.admitted.append(slot)
            return slot
        }
    }

    /// Shuts down the oldest admitted connection, so its descriptor comes free (when the listener
    /// is out of descriptors, before the cap is reached); false when none is admitted.
    @discardableResult
    func evictOldest() -> Bool {
        state.withLock { s in
            guard !s.admitted.isEmpty else { return false }
            Self.evictOldest(&s)
            return true
        }
    }

    private static func evictOldest(_ s: inout State) {
        // Still admitted, so its owner has not closed it yet (it releases before closing). The
        // close that follows resets the connection (linger 0): an evicted peer that stopped reading
        // would otherwise hold the answer still queued for it, with the FIN stuck behind it, and
        // never learn that it was cut off.
        let fd = s.admitted.removeFirst().fd
        var abort = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, socklen_t(MemoryLayout<linger>.size))
        shutdown(fd, Int32(SHUT_RDWR))
        s.evicted += 1
    }

    /// Gives a slot back; false when a newer connection had taken it (the fd was shut down). Call
    /// it before closing the connection's fd: after that, the limiter never touches the fd again.
    @discardableResult
    func release(_ slot: Slot) -> Bool {
        state.withLock { s in
            guard let index = s.admitted.firstIndex(where: { $0.ticket == slot.ticket }) else { return false }
            s.admitted.remove(at: index)
            return true
        }
    }

    /// Connections holding a slot now.
    var count: Int { state.withLock { $0.admitted.count } }
    /// Connections shut down so far to make room for newer ones.
    var evicted: Int { state.withLock { $0.evicted } }
}
