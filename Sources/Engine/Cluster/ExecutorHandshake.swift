// ExecutorHandshake: what a connection to the driver's executor port must do before the driver
// believes a word of it (its user was already checked on accept): send one register frame of at
// most a few KiB, carrying the application secret, within one deadline for the whole exchange.

@_spi(EmberInternal) import Executor

struct ExecutorHandshake: Sendable {
    let secret: String
    let timeoutSeconds: Double

    /// The registration the connection presents; throws (saying why) when it is refused.
    func receiveRegistration(_ connection: FrameConnection) throws -> ExecutorRegistration {
        let deadline = Deadline(secondsFromNow: timeoutSeconds)
        let (first, _) = try connection.receive(ExecutorMessage.self, limit: FrameConnection.preAuthenticationMaxFrameBytes,
                                                deadline: deadline)
        guard case .register(let registration) = first else {
            throw ConnectionError.protocolViolation("the first message is not a registration")
        }
        guard Self.constantTimeEqual(registration.secret, secret) else {
            throw ConnectionError.protocolViolation("wrong application secret")
        }
        return registration
    }

    /// Compares without stopping at the first difference (only the length leaks).
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
