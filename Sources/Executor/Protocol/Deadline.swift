// Deadline: an absolute point on the monotonic clock by which a whole exchange (a handshake, an
// HTTP request head, an executor's registration) must be done. One deadline for the exchange, not a
// timeout per read: a peer that sends a byte every few seconds still runs out of time (slow-loris).

import Foundation

@_spi(EmberInternal) public struct Deadline: Sendable {
    /// Monotonic nanoseconds (DispatchTime's uptime clock).
    @_spi(EmberInternal) public let uptimeNanos: UInt64

    @_spi(EmberInternal) public init(secondsFromNow seconds: Double) {
        // No trap, whatever a caller passes: NaN and negatives are now, huge values a century.
        let clamped = seconds.isNaN ? 0 : max(0, min(seconds, 100 * 365 * 86_400))
        uptimeNanos = Self.nowNanos &+ UInt64(clamped * 1e9)
    }

    static var nowNanos: UInt64 { DispatchTime.now().uptimeNanoseconds }

    @_spi(EmberInternal) public var hasPassed: Bool { Self.nowNanos >= uptimeNanos }

    /// Milliseconds left, rounded up so a poll(2) never wakes just before the deadline: 0 once it
    /// has passed, at most Int32.max.
    @_spi(EmberInternal) public var remainingMillis: Int32 {
        let now = Self.nowNanos
        guard uptimeNanos > now else { return 0 }
        return Int32(min(UInt64(Int32.max), (uptimeNanos - now + 999_999) / 1_000_000))
    }
}
