// ConsoleProgressBar: Spark's console progress line on stderr, e.g.
//
//   [Stage 1:==========>                      (42 + 4) / 200]
//
// (done + running) / total tasks of each running stage that has run 500 ms, at most 3 stages.
// As in Spark, a timer redraws it every 200 ms (spark.ui.consoleProgress.update.interval) while a
// job runs, so it moves while tasks run even when no scheduler event arrives; scheduler events only
// update the counts. A line that did not change is redrawn at most once a minute; the line is
// erased when the job ends. Silent when stderr is not a terminal or when
// SessionConfig.showProgress is false.
//
//   jobStart ─► timer thread: every 200 ms { render visible stages; changed? write "\r" + line }
//   jobEnd   ─► timer stops, line erased

import Foundation
import Synchronization

final class ConsoleProgressBar: SchedulerListener {
    struct StageProgress: Sendable {
        var id: Int
        var total: Int
        var done = 0
        var running = 0
        var started: Double
    }
    private struct State {
        var stages: [Int: StageProgress] = [:]
        var lastLine = ""
        var lastDraw = 0.0
        var drawn = false
        /// Bumped at each job start and end: a timer whose generation is old stops.
        var generation = 0
    }
    private let state = Mutex(State())
    let width: Int
    let interval: Double
    private let clock: @Sendable () -> Double
    private let output: @Sendable (String) -> Void

    /// Spark's `firstDelay`: stages show after running this long.
    static let firstDelay = 0.5
    /// Spark's `updatePeriodMSec`: an unchanged line is redrawn this often.
    static let refreshUnchanged = 60.0

    init(width: Int = 80, interval: Double = 0.2,
         clock: @escaping @Sendable () -> Double = { DAGScheduler.wallClock() },
         output: @escaping @Sendable (String) -> Void = { StandardError.write($0) }) {
        self.width = width
        self.interval = interval
        self.clock = clock
        self.output = output
    }

    /// Whether a bar should be shown at all.
    static func enabled(_ config: SessionConfig) -> Bool { config.showProgress && isatty(2) == 1 }

    func onEvent(_ event: SchedulerEvent) {
        state.withLock { s in
            switch event {
            case .jobStart:
                s.generation += 1
                startTimer(generation: s.generation)
            case .stageSubmitted(let stage, _, _, let tasks, let t): s.stages[stage] = StageProgress(id: stage, total: tasks, started: t)
            case .taskStart(let info): s.stages[info.stage]?.running += 1
            case .taskEnd(let info, let failure, _):
                s.stages[info.stage]?.running -= 1
                if failure == nil { s.stages[info.stage]?.done += 1 }
            case .stageCompleted(let stage, _, _, _): s.stages[stage] = nil
            case .jobEnd:
                s.generation += 1
                s.stages = [:]
                s.lastLine = ""
                if s.drawn {
                    s.drawn = false
                    output("\r" + String(repeating: " ", count: width) + "\r")
                }
            default: break
            }
        }
    }

    /// Redraws every `interval` until the job of `generation` ends.
    private func startTimer(generation: Int) {
        let thread = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: interval)
                guard tick(generation: generation) else { return }
            }
        }
        thread.name = "ember-progress-bar"
        thread.start()
    }

    /// One timer tick: draws the line if it changed (or a minute passed); false once the job ended.
    func tick(generation: Int) -> Bool {
        let now = clock()
        return state.withLock { s in
            guard s.generation == generation else { return false }
            let visible = s.stages.values.filter { now - $0.started >= Self.firstDelay }.sorted { $0.id < $1.id }.prefix(3)
            guard !visible.isEmpty else { return true }
            let line = Self.render(Array(visible), width: width)
            if line != s.lastLine || now - s.lastDraw >= Self.refreshUnchanged {
                s.lastLine = line
                s.lastDraw = now
                s.drawn = true
                output("\r" + line)
            }
            return true
        }
    }

    /// One line for the given stages, splitting the width between them as Spark does.
    static func render(_ stages: [StageProgress], width: Int = 80) -> String {
        let each = width / Swift.max(1, stages.count)
        return stages.map { s in
            let header = "[Stage \(s.id):"
            let tailer = "(\(s.done) + \(s.running)) / \(s.total)]"
            let w = each - header.count - tailer.count
            guard w > 0 else { return header + tailer }
            let percent = s.total == 0 ? 0 : w * s.done / s.total
            let bar = (0..<w).map { i in i < percent ? "=" : (i == percent ? ">" : " ") }.joined()
            return header + bar + tailer
        }.joined()
    }
}
