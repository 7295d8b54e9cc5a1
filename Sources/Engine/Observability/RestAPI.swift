// RestAPI: Spark's monitoring REST API (/api/v1) over the AppStatusStore, with Spark's field
// names, so runbooks like `curl …/api/v1/applications/<app-id>/executors | jq '.[] | select(.activeTasks == 0)'`
// work as written.

import Foundation
@_spi(EmberInternal) import Planner

enum RestAPI {
    /// A time as Spark writes dates, "2024-01-01T00:00:00.000GMT": to the millisecond the event log
    /// holds, so a live session, `ember history` and Spark's History Server print the same text.
    static func date(_ t: Double?) -> Any {
        guard let t else { return NSNull() }
        let millis = SparkEventJSON.millis(t)
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000   // rounded down, before 1970 too
        var clock = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&clock, &parts) != nil else { return NSNull() }
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dGMT", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(millis - seconds * 1000))
    }

    /// Spark's task duration: launch to finish in milliseconds, nil until the task ended.
    static func duration(_ i: TaskEventInfo) -> Int64? {
        i.finishTime > 0 ? SparkEventJSON.millis(i.finishTime) - SparkEventJSON.millis(i.launchTime) : nil
    }

    static func applications(_ s: AppStatusStore.State) -> Any {
        [["id": s.appId, "name": s.appName,
          "attempts": [["startTime": date(s.startTime), "endTime": date(s.endTime), "completed": s.endTime != nil,
                        "duration": SparkEventJSON.millis(s.endTime ?? Date().timeIntervalSince1970) - SparkEventJSON.millis(s.startTime)]]]]
    }

    static func jobs(_ s: AppStatusStore.State) -> Any {
        s.jobs.values.sorted { $0.id > $1.id }.map { job(s, $0) }
    }

    /// One job (…/jobs/{id}), nil when unknown.
    static func job(_ s: AppStatusStore.State, id: Int) -> [String: Any]? { s.jobs[id].map { job(s, $0) } }

    /// Spark's JobData, plus "rootCause": the root-cause report when the job failed or recovered.
    /// Its tasks are those of its stages as it started (a retried stage adds none), as Spark counts.
    static func job(_ s: AppStatusStore.State, _ j: AppStatusStore.JobRow) -> [String: Any] {
        let ids = Set(j.stageIds)
        let stages = s.stages.values.filter { ids.contains($0.id) }
        let tasks = stages.flatMap { $0.tasks.values }
        var latest: [Int: AppStatusStore.StageRow] = [:]   // each stage's latest attempt
        for stage in stages where stage.attempt >= latest[stage.id]?.attempt ?? .min { latest[stage.id] = stage }
        let numTasks = j.stageIds.saturatedSum { Int64(j.stageTasks[$0] ?? latest[$0]?.numTasks ?? 0) }
        return ["jobId": j.id, "name": j.name, "status": j.status, "submissionTime": date(j.submissionTime),
                "completionTime": date(j.completionTime), "stageIds": j.stageIds,
                "numTasks": Int(numTasks),
                "numActiveTasks": tasks.filter { $0.status == "RUNNING" }.count,
                "numCompletedTasks": tasks.filter { $0.status == "SUCCESS" }.count,
                "numFailedTasks": tasks.filter { $0.status == "FAILED" }.count,
                "numKilledTasks": tasks.filter { $0.status == "KILLED" }.count,
                "numActiveStages": stages.filter { $0.status == "ACTIVE" }.count,
                "numCompletedStages": Set(stages.filter { $0.status == "COMPLETE" }.map(\.id)).count,   // stages, not attempts
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
            "numKilledTasks": tasks.filter { $0.status == "KILLED" }.count,
            "submissionTime": date(st.submissionTime), "completionTime": date(st.completionTime),
            "executorRunTime": tasks.saturatedSum { Int64($0.metrics.durationNanos / 1_000_000) },
            "inputBytes": tasks.saturatedSum { $0.metrics.inputBytes },
            "inputRecords": tasks.saturatedSum { $0.metrics.inputRows },
            "rowGroupsRead": tasks.saturatedSum { $0.metrics.rowGroupsRead },
            "rowGroupsSkipped": tasks.saturatedSum { $0.metrics.rowGroupsSkipped },
            "shuffleReadBytes": tasks.saturatedSum { $0.metrics.shuffleReadBytes },
            "shuffleReadRecords": tasks.saturatedSum { $0.metrics.shuffleReadRows },
            "shuffleWriteBytes": tasks.saturatedSum { $0.metrics.shuffleWriteBytes },
            "shuffleWriteRecords": tasks.saturatedSum { $0.metrics.shuffleWriteRows },
            "memoryBytesSpilled": tasks.saturatedSum { $0.metrics.memoryBytesSpilled },
            "diskBytesSpilled": tasks.saturatedSum { $0.metrics.diskBytesSpilled },
            "failureReason": st.failureReason ?? NSNull()]
        if details {
            var list: [String: Any] = [:]
            for t in tasks { list[String(t.info.taskId)] = task(t) }
            d["tasks"] = list
            d["taskSummary"] = summary(tasks.filter { $0.status == "SUCCESS" })
        }
        return d
    }

    /// Spark's TaskData (its inputMetrics also count Parquet row groups read and skipped by
    /// statistics). As in Spark, a task still running has no metrics yet, and a duration
    /// shows only once it is above 0 ms (null before).
    static func task(_ t: AppStatusStore.TaskRow) -> [String: Any] {
        let m = t.metrics
        let metrics: [String: Any] = [
            "executorRunTime": Int64(m.durationNanos / 1_000_000), "peakExecutionMemory": m.peakExecutionMemory,
            "memoryBytesSpilled": m.memoryBytesSpilled, "diskBytesSpilled": m.diskBytesSpilled,
            "inputMetrics": ["bytesRead": m.inputBytes, "recordsRead": m.inputRows,
                             "rowGroupsRead": m.rowGroupsRead, "rowGroupsSkipped": m.rowGroupsSkipped],
            "shuffleReadMetrics": ["localBytesRead": m.shuffleReadBytes, "recordsRead": m.shuffleReadRows, "localBlocksFetched": m.shuffleBlocksFetched],
            "shuffleWriteMetrics": ["bytesWritten": m.shuffleWriteBytes, "recordsWritten": m.shuffleWriteRows]]
        return ["taskId": t.info.taskId, "index": t.info.partition, "attempt": t.info.attempt, "launchTime": date(t.info.launchTime),
                "duration": duration(t.info).flatMap { $0 > 0 ? $0 : nil } ?? NSNull(), "executorId": t.info.executor, "status": t.status,
                "taskLocality": t.info.locality.description, "errorMessage": t.error ?? NSNull(),
                "taskMetrics": t.status == "RUNNING" ? NSNull() : metrics]
    }

    /// Spark's taskSummary: quantiles (0, 0.25, 0.5, 0.75, 1) of task metrics.
    static func summary(_ tasks: [AppStatusStore.TaskRow]) -> [String: Any] {
        let q = [0.0, 0.25, 0.5, 0.75, 1.0]
        func quantiles(_ xs: [Double]) -> [Double] {
            let s = xs.sorted()
            return q.map { s.isEmpty ? 0 : s[Int((Double(s.count - 1) * $0).rounded())] }
        }
        return ["quantiles": q,
                "duration": quantiles(tasks.map { Double(duration($0.info) ?? 0) }),
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

    /// Spark's ExecutorSummary. An Ember executor has no block manager port: "hostPort" is the
    /// host alone, as Spark shows an executor whose block manager it never heard of.
    static func executors(_ s: AppStatusStore.State, all: Bool, maxMemory: Int64) -> Any {
        s.executors.values.filter { all || $0.isActive }.sorted { (Int($0.id) ?? 0) < (Int($1.id) ?? 0) }.map { e -> [String: Any] in
            ["id": e.id, "hostPort": e.host, "isActive": e.isActive, "isExcluded": e.isExcluded, "totalCores": e.cores,
             "maxTasks": e.cores, "activeTasks": e.activeTasks, "failedTasks": e.failedTasks, "completedTasks": e.completedTasks,
             "totalTasks": e.activeTasks + e.failedTasks + e.completedTasks + e.killedTasks, "totalDuration": e.totalDuration,
             "totalGCTime": 0, "totalInputBytes": e.inputBytes, "totalShuffleRead": e.shuffleRead, "totalShuffleWrite": e.shuffleWrite,
             "memoryUsed": e.memoryUsed, "maxMemory": maxMemory, "peakRSS": e.peakRSS, "addTime": date(e.addTime),
             "removeTime": date(e.removeTime), "removeReason": e.removeReason ?? NSNull()]
        }
    }

    static func json(_ value: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data("null".utf8)
    }
}
