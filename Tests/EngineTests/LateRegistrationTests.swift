// A registration from an executor whose process exited (and was reported lost) is not admitted by
// the cluster: it would be an executor too many. (One whose registration deadline passed is
// refused by the scheduler: RegistrationDeadlineTests.)

@testable import Engine
@_spi(EmberInternal) @testable import Executor
import Foundation
import Testing

@Suite(.serialized) struct LateRegistrationTests {
    @Test func anExecutorWhoseProcessExitedIsNotAdmitted() throws {
        let standIn = try DriverPortTests.StandIn()
        defer { standIn.stop() }
        // The process dies before its registration is admitted (as an executor that crashes right
        // after sending `register`).
        kill(try #require(standIn.cluster.pid(of: standIn.id)), SIGKILL)
        guard case .lost = standIn.nextEvent() else { Issue.record("no loss for the dead process"); return }
        let connection = try standIn.register(as: standIn.id)
        defer { connection.close() }
        let answer = try? connection.receive(DriverMessage.self, deadline: Deadline(secondsFromNow: 30))
        #expect(answer == nil, "the driver answered a registration of an executor reported lost: \(String(describing: answer))")
        var after: [String] = []
        while let event = standIn.cluster.events.take(timeout: 2) {
            switch event {
            case .registered(let info): after.append("registered \(info.id)")
            case .lost(let id, _): after.append("lost \(id)")
            default: after.append("other")
            }
        }
        #expect(after.isEmpty, "events after the executor was reported lost: \(after)")
    }
}
