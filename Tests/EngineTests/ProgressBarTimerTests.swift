// The console progress bar redraws on its 200 ms timer, as Spark's does, not only when a
// scheduler event arrives; it shows stages that have run 500 ms and erases its line at job end.

@testable import Engine
import Foundation
import Synchronization
import Testing

@Suite struct ProgressBarTimerTests {
    @Test func theProgressBarRedrawsOnItsTimerWithoutNewEvents() throws {
        let clock = ManualClock()
        let output = Mutex<[String]>([])
        let bar = ConsoleProgressBar(width: 80, interval: 0.02, clock: clock.read, output: { text in output.withLock { $0.append(text) } })
        let info = TaskEventInfo(taskId: 1, stage: 3, stageAttempt: 0, partition: 0, attempt: 0, executor: "1", locality: .any, launchTime: 0)
        bar.onEvent(.jobStart(job: 0, stages: [JobStageInfo(id: 3, name: "range", numTasks: 10, parents: [], isShuffleMap: false)], time: 0))
        bar.onEvent(.stageSubmitted(stage: 3, attempt: 0, name: "range", tasks: 10, time: 0))
        bar.onEvent(.taskStart(info))
        bar.onEvent(.taskStart(info))
        // No more events: only time passes. Past the 500 ms first delay the timer must draw the stage.
        clock.advance(by: 1)
        let deadline = Date(timeIntervalSinceNow: 30)
        while !output.withLock({ $0.joined().contains("[Stage 3:") }) && Date() < deadline { usleep(10_000) }
        let drawn = output.withLock { $0.joined() }
        #expect(drawn.contains("[Stage 3:"), "the timer drew the bar: \(drawn.debugDescription)")
        #expect(drawn.contains("(0 + 2) / 10]"))
        bar.onEvent(.jobEnd(job: 0, error: nil, time: 1))
        #expect(output.withLock { $0.last } == "\r" + String(repeating: " ", count: 80) + "\r", "the line is erased when the job ends")
    }
}
