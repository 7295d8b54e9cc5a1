// ConsoleProgressBar: Spark's console progress line on stderr, e.g.
//
//   [Stage 1:==========>                      (42 + 4) / 200]
//
// (done + running) / total tasks of each running stage, redrawn at most every 200 ms after the
// stage has run 500 ms (spark.ui.consoleProgress.update.interval), erased when the job ends.
// Silent when stderr is not a terminal or when SessionConfig.showProgress is false.

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
        var lastDraw = 0.0
        var drawn = false
    }
    private let state = Mutex(State())
    let width: Int

    init(width: Int = 80) { self.width = width }

    /// Whether a bar should be shown at all.
    static func enabled(_ config: SessionConfig) -> Bool { config.showProgress && isatty(2) == 1 }

    func onEvent(_ event: SchedulerEvent) {
        let now = DAGScheduler.wallClock()
        let text: String? = state.withLock { s in
            switch event {
            case .stageSubmitted(let stage, _, _, let tasks, let t): s.stages[stage] = StageProgress(id: stage, total: tasks, started: t)
            case .taskStart(let info): s.stages[info.stage]?.running += 1
            case .taskEnd(let info, let error, _):
                s.stages[info.stage]?.running -= 1
                if error == nil { s.stages[info.stage]?.done += 1 }
            case .stageCompleted(let stage, _, _, _): s.stages[stage] = nil
            case .jobEnd:
                s.stages = [:]
                if s.drawn { s.drawn = false; return "\r" + String(repeating: " ", count: width) + "\r" }
                return nil
            default: return nil
            }
            let visible = s.stages.values.filter { now - $0.started >= 0.5 }.sorted { $0.id < $1.id }
            guard !visible.isEmpty, now - s.lastDraw >= 0.2 else { return nil }
            s.lastDraw = now
            s.drawn = true
            return "\r" + Self.render(visible, width: width)
        }
        if let text { StandardError.write(text) }
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
