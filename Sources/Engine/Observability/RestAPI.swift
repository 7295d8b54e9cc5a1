// RestAPI: Spark's monitoring REST API (/api/v1) over the AppStatusStore, with Spark's field
// names, so runbooks like `curl …/api/v1/applications/<app-id>/executors | jq '.[] | select(.activeTasks == 0)'`
// work as written.

import Foundation
import Planner

enum RestAPI {
    static func ms(_ t: Double?) -> Any { t.map { Int64($0 * 1000) } ?? NSNull() }
    static func date(_ t: Double?) -> Any {
        guard let t else { return NSNull() }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date(timeIntervalSince1970: t)).replacingOccurrences(of: "Z", with: "GMT")
    }

    static func applications(_ s: AppStatusStore.State) -> Any {
        [["id": s.appId, "name": s.appName,
          "attempts": [["startTime": date(s.startTime), "endTime": date(s.endTime), "completed": s.endTime != nil,
                        "duration": Int64(((s.endTime ?? Date().timeIntervalSince1970) - s.startTime) * 1000)]]]]
    }

    static func jobs(_ s: AppStatusStore.State) -> Any {
        s.jobs.values.sorted { $0.id > $1.id }.map { job(s, $0) }
    }

    /// One job (…/jobs/{id}), nil when unknown.
    static func job(_ s: AppStatusStore.State, id: Int) -> [String: Any]? { s.jobs[id].map { job(s, $0) } }

    /// Spark's JobData, plus "rootCause": the root-cause report when the job failed or recovered.
    static func job(_ s: AppStatusStore.State, _ j: AppStatusStore.JobRow) -> [String: Any] {
        let stages = s.stages.values.filter { j.stageIds.contains($0.id) }
        let tasks = stages.flatMap { $0.tasks.values }
        return ["jobId": j.id, "name": "job \(j.id)", "status": j.status, "submissionTime": date(j.submissionTime),
                "completionTime": date(j.completionTime), "stageIds": j.stageIds,
                "numTasks": stages.reduce(0) { $0 + $1.numTasks },
                "numActiveTasks": tasks.filter { $0.status == "RUNNING" }.count,
                "numCompletedTasks": tasks.filter { $0.status == "SUCCESS" }.count,
                "numFailedTasks": tasks.filter { $0.status == "FAILED" }.count,
                "numActiveStages": stages.filter { $0.status == "ACTIVE" }.count,
                "numCompletedStages": stages.filter { $0.status == "COMPLETE" }.count,
                "numFailedStages": stages.filter { $0.status == "FAILED" }.count,
                "failureReason": j.error ?? NSNull(), "rootCause": j.rootCause?.restObject ?? NSNull()]
    }

    static func stage(_ st: AppStatusStore.StageRow, details: Bool) -> [String: Any] {
        let tasks = st.tasks.values.sorted { $0.info.taskId < $1.info.taskId }
        var d: [String: Any] = [
            "stageId": st.id, "attemptId": st.attempt, "name": st.name, "status": st.status, "numTasks": st.numTasks,
            "numActiveTasks": tasks.filter { $0.status == "RUNNING" }.count,
            "numCompleteTasks": tasks.filter { $0.status == "SUCCESS" }.count,
            "numFailedTasks": tasks.filter { $0.status == "FAILED" }.count,
            "submissionTime": date(st.submissionTime), "completionTime": date(st.completionTime),
            "executorRunTime": tasks.reduce(Int64(0)) { $0 + Int64($1.metrics.durationNanos / 1_000_000) },
            "inputBytes": tasks.reduce(Int64(0)) { $0 + $1.metrics.inputBytes },
            "inputRecords": tasks.reduce(Int64(0)) { $0 + $1.metrics.inputRows },
            "shuffleReadBytes": tasks.reduce(Int64(0)) { $0 + $1.metrics.shuffleReadBytes },
            "shuffleReadRecords": tasks.reduce(Int64(0)) { $0 + $1.metrics.shuffleReadRows },
            "shuffleWriteBytes": tasks.reduce(Int64(0)) { $0 + $1.metrics.shuffleWriteBytes },
            "shuffleWriteRecords": tasks.reduce(Int64(0)) { $0 + $1.metrics.shuffleWriteRows },
            "diskBytesSpilled": tasks.reduce(Int64(0)) { $0 + $1.metrics.diskBytesSpilled },
            "failureReason": st.failureReason ?? NSNull()]
        if details {
            var list: [String: Any] = [:]
            for t in tasks { list[String(t.info.taskId)] = task(t) }
            d["tasks"] = list
            d["taskSummary"] = summary(tasks.filter { $0.status == "SUCCESS" })
        }
        return d
    }

    static func task(_ t: AppStatusStore.TaskRow) -> [String: Any] {
        let m = t.metrics
        return ["taskId": t.info.taskId, "index": t.info.partition, "attempt": t.info.attempt, "launchTime": date(t.info.launchTime),
                "duration": Int64(m.durationNanos / 1_000_000), "executorId": t.info.executor, "status": t.status,
                "taskLocality": t.info.locality.description, "errorMessage": t.error ?? NSNull(),
                "taskMetrics": ["executorRunTime": Int64(m.durationNanos / 1_000_000), "peakExecutionMemory": m.peakExecutionMemory,
                                "diskBytesSpilled": m.diskBytesSpilled,
                                "inputMetrics": ["bytesRead": m.inputBytes, "recordsRead": m.inputRows],
                                "shuffleReadMetrics": ["localBytesRead": m.shuffleReadBytes, "recordsRead": m.shuffleReadRows,
                                                       "localBlocksFetched": m.shuffleBlocksFetched],
                                "shuffleWriteMetrics": ["bytesWritten": m.shuffleWriteBytes, "recordsWritten": m.shuffleWriteRows]]]
    }

    /// Spark's taskSummary: quantiles (0, 0.25, 0.5, 0.75, 1) of task metrics.
    static func summary(_ tasks: [AppStatusStore.TaskRow]) -> [String: Any] {
        let q = [0.0, 0.25, 0.5, 0.75, 1.0]
        func quantiles(_ xs: [Double]) -> [Double] {
            let s = xs.sorted()
            return q.map { s.isEmpty ? 0 : s[Int((Double(s.count - 1) * $0).rounded())] }
        }
        return ["quantiles": q,
                "duration": quantiles(tasks.map { Double($0.metrics.durationNanos) / 1e6 }),
                "shuffleReadBytes": quantiles(tasks.map { Double($0.metrics.shuffleReadBytes) }),
                "shuffleWriteBytes": quantiles(tasks.map { Double($0.metrics.shuffleWriteBytes) }),
                "inputBytes": quantiles(tasks.map { Double($0.metrics.inputBytes) })]
    }

    static func stages(_ s: AppStatusStore.State) -> Any {
        s.stages.values.sorted { ($0.id, $0.attempt) > ($1.id, $1.attempt) }.map { stage($0, details: false) }
    }

    static func stageAttempts(_ s: AppStatusStore.State, id: Int) -> [[String: Any]]? {
        let attempts = s.stages.values.filter { $0.id == id }.sorted { $0.attempt < $1.attempt }
        return attempts.isEmpty ? nil : attempts.map { stage($0, details: true) }
    }

    static func executors(_ s: AppStatusStore.State, all: Bool, maxMemory: Int64) -> Any {
        s.executors.values.filter { all || $0.isActive }.sorted { (Int($0.id) ?? 0) < (Int($1.id) ?? 0) }.map { e -> [String: Any] in
            ["id": e.id, "hostPort": "\(e.host):0", "isActive": e.isActive, "isExcluded": e.isExcluded, "totalCores": e.cores,
             "maxTasks": e.cores, "activeTasks": e.activeTasks, "failedTasks": e.failedTasks, "completedTasks": e.completedTasks,
             "totalTasks": e.activeTasks + e.failedTasks + e.completedTasks, "totalDuration": Int64(e.totalDuration * 1000),
             "totalGCTime": 0, "totalInputBytes": e.inputBytes, "totalShuffleRead": e.shuffleRead, "totalShuffleWrite": e.shuffleWrite,
             "memoryUsed": e.memoryUsed, "maxMemory": maxMemory, "peakRSS": e.peakRSS, "addTime": date(e.addTime),
             "removeTime": date(e.removeTime), "removeReason": e.removeReason ?? NSNull()]
        }
    }

    static func json(_ value: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data("null".utf8)
    }
}
