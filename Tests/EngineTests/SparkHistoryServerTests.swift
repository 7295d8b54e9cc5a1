// Spark's own tools read what Ember writes: Spark's History Server (PyPI's pyspark, on Java 17)
// runs over a folder of event logs from real Ember applications — a job that reads a CSV file, a
// job with a failed and retried task next to a job that fails for good, a job whose executor is
// killed, and multi-stage groupBys — lists every application, and its REST API answers with the
// same jobs, stages, tasks (with their metrics) and executors as Ember's own REST API serving the
// same log (`ember history`), field by field for the fields both have. Its pages render too.
// The server starts once, while the applications run, and is stopped at the end.

@testable import Engine
import Foundation
import Testing

@Suite(.serialized) struct SparkHistoryServerTests {
    /// One application whose log the two servers read.
    struct App {
        let name: String
        let id: String
        let log: String
    }

    @Test func sparksHistoryServerShowsWhatEmberShows() throws {
        let scratch = ScratchDir("spark-compat")
        defer { scratch.cleanup() }
        let logs = scratch.file("events")
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let spark = try SparkHistoryServerProcess(logDirectory: logs)   // the JVM starts while Ember runs
        defer { spark.stop() }

        let apps = try runApplications(logs: logs, scratch: scratch)
        for app in apps {
            let lines = try String(contentsOfFile: app.log, encoding: .utf8).split(separator: "\n")
            #expect(lines.first?.hasPrefix("{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":") == true)
            #expect(lines.allSatisfy { $0.hasPrefix("{\"Event\":\"") }, "Spark finds events by the line's prefix")
        }

        let base = try spark.waitUntilServing()
        let listing = try waitForListing(base, apps: apps, spark: spark)
        for app in apps {
            let ember = try HistoryServer(eventLog: app.log, port: SparkHistoryServerProcess.freeLoopbackPort())
            defer { ember.stop() }
            try compare(app, spark: base, ember: ember.url, listing: listing)
        }
        // Every line replayed: Spark logs the line it could not parse, and drops only the event it does not know.
        let log = spark.log
        #expect(!log.contains("Malformed line") && !log.contains("Exception parsing Spark event log"), "\(log.suffix(4000))")
    }

    // MARK: the applications

    func config(_ name: String, logs: String) -> SessionConfig {
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 2, memory: 256 << 20)
        config.appName = name
        config.shufflePartitions = 4
        config.eventLogDir = logs
        config.uiEnabled = false
        config.printRootCauseReport = false
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        return config
    }

    /// Runs `body` in a session and checks the log's name: `<appId>.inprogress` while it runs,
    /// `<appId>` once it stopped (Spark's names for a single-file event log).
    func run(_ config: SessionConfig, logs: String, _ body: (Session) throws -> Void) throws -> App {
        let session = try Session(config: config)
        let running = session.eventLogPath
        #expect(running == logs + "/" + session.appId + ".inprogress")
        do {
            try body(session)
        } catch {
            session.stop()
            throw error
        }
        session.stop()
        let log = try #require(session.eventLogPath)
        #expect(log == logs + "/" + session.appId)
        #expect(FileManager.default.fileExists(atPath: log) && !FileManager.default.fileExists(atPath: log + ".inprogress"))
        return App(name: config.appName, id: session.appId, log: log)
    }

    func runApplications(logs: String, scratch: ScratchDir) throws -> [App] {
        var apps: [App] = []
        // A job that reads a file (input metrics), in one stage.
        let csv = scratch.write("numbers.csv", "k,x\n" + (0..<3000).map { "k\($0 % 7),\($0)" }.joined(separator: "\n") + "\n")
        apps.append(try run(config("csv-scan", logs: logs), logs: logs) { session in
            let rows = try session.read.option("header", true).option("inferSchema", true).csv(csv).filter(col("x") >= 2000).collect()
            #expect(rows.count == 1000)
        })
        // A task of each stage fails once and is retried; then a job whose only task fails four times,
        // on executors that are excluded for failing (killed, replaced) as it goes.
        var retried = config("retried-task", logs: logs)
        retried.faults.failTasks = [TaskSelector(partition: 1, attempt: 0)] + (0..<4).map { TaskSelector(stage: 2, partition: 0, attempt: $0) }
        retried.excludeOnFailureEnabled = true
        retried.excludeOnFailureMaxFailedTasksPerExecutor = 3
        apps.append(try run(retried, logs: logs) { session in
            let rows = try session.range(0, 20_000, numPartitions: 4).groupBy((col("id") % 10).alias("k")).count().collect()
            #expect(rows.count == 10)
            #expect(throws: EmberError.self) { _ = try session.range(0, 1000, numPartitions: 1).filter(col("id") > 5).collect() }
        })
        // An executor is killed (SIGKILL) after two tasks and replaced.
        var killed = config("killed-executor", logs: logs)
        killed.faults.killExecutor = (executor: 1, afterTasks: 2)
        apps.append(try run(killed, logs: logs) { session in
            let rows = try session.range(0, 100_000, numPartitions: 8).groupBy((col("id") % 13).alias("k")).count().collect()
            #expect(rows.count == 13)
        })
        // A map output is damaged between the stages: the reduce stage fails on a fetch failure, the
        // map output is recomputed (a second attempt of the map stage), and the reduce stage reruns.
        var corrupt = config("fetch-failure", logs: logs)
        corrupt.faults.corruptShuffleOutput = (.truncateData, 1)
        apps.append(try run(corrupt, logs: logs) { session in
            let rows = try session.range(0, 40_000, numPartitions: 4).groupBy((col("id") % 11).alias("k")).count().collect()
            #expect(rows.count == 11)
        })
        // A groupBy of a groupBy (three stages), then the inner groupBy alone (two stages).
        apps.append(try run(config("multi-stage", logs: logs), logs: logs) { session in
            let perKey = session.range(0, 60_000, numPartitions: 4).groupBy((col("id") % 97).alias("k")).count()
            let groups = try perKey.groupBy((col("k") % 5).alias("g")).agg(sum(col("count")).alias("rows")).collect()
            #expect(groups.count == 5)
            let keys = try perKey.collect()
            #expect(keys.count == 97)
        })
        return apps
    }

    // MARK: reading the two REST APIs

    func get(_ url: String) throws -> (status: Int32, body: String) {
        let (status, out, _) = try runProgram("/usr/bin/curl", ["-s", "--max-time", "60", "-w", "\n%{http_code}", url])
        var lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        let code = Int32(lines.removeLast()) ?? -1
        return (status == 0 ? code : -1, lines.joined(separator: "\n"))
    }

    func json(_ url: String) throws -> Any {
        let (status, body) = try get(url)
        try #require(status == 200, "GET \(url) answered \(status): \(body.prefix(500))")
        return try JSONSerialization.jsonObject(with: Data(body.utf8))
    }

    func objects(_ url: String) throws -> [[String: Any]] { try json(url) as? [[String: Any]] ?? [] }

    /// Polls Spark's application list until it holds every application, completed.
    func waitForListing(_ base: String, apps: [App], spark: SparkHistoryServerProcess) throws -> [String: [String: Any]] {
        let deadline = Date().addingTimeInterval(180)
        var listed: [String: [String: Any]] = [:]
        while Date() < deadline {
            let list = (try? get(base + "/api/v1/applications")).flatMap { reply in
                try? JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [[String: Any]]
            } ?? []
            listed = Dictionary(list.compactMap { app in (app["id"] as? String).map { ($0, app) } }) { a, _ in a }
            let done = apps.allSatisfy { app in (value(listed[app.id], "attempts.0.completed") as? Bool) == true }
            if done { return listed }
            usleep(500_000)
        }
        Issue.record("Spark's History Server listed \(listed.keys.sorted()) of \(apps.map(\.id)); its log:\n\(spark.log.suffix(4000))")
        throw SparkHistoryServerProcess.Missing(description: "applications not listed")
    }

    // MARK: comparing

    /// The value at a dotted path ("attempts.0.startTime", "taskMetrics.inputMetrics.bytesRead").
    func value(_ object: Any?, _ path: String) -> Any? {
        path.split(separator: ".").reduce(object) { current, key in
            if let index = Int(key), let array = current as? [Any] { return index < array.count ? array[index] : nil }
            return (current as? [String: Any])?[String(key)]
        }
    }

    /// A JSON value as text, so numbers, strings, booleans, lists and nulls compare alike.
    func text(_ v: Any?) -> String {
        guard let v, !(v is NSNull) else { return "null" }
        // Wrapped in a list, as JSONSerialization writes no bare scalars; the brackets come off.
        let list = (try? JSONSerialization.data(withJSONObject: [v], options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) }
        return list.map { String($0.dropFirst().dropLast()) } ?? "\(v)"
    }

    /// Expects the same value at each path of the two objects.
    func expectSame(_ fields: [String], spark: Any?, ember: Any?, _ what: String) {
        for field in fields {
            let (s, e) = (text(value(spark, field)), text(value(ember, field)))
            #expect(s == e, "\(what): \(field) is \(s) in Spark's History Server, \(e) in Ember's")
        }
    }

    /// The objects of a list by their key.
    func keyed(_ list: [[String: Any]], _ key: (([String: Any]) -> String)) -> [String: [String: Any]] {
        Dictionary(list.map { (key($0), $0) }) { a, _ in a }
    }

    func compare(_ app: App, spark: String, ember: String, listing: [String: [String: Any]]) throws {
        let emberApps = try objects(ember + "/api/v1/applications")
        expectSame(["id", "name", "attempts.0.startTime", "attempts.0.endTime", "attempts.0.duration", "attempts.0.completed"],
                   spark: listing[app.id], ember: emberApps.first, "application \(app.id)")
        let sparkAPI = spark + "/api/v1/applications/" + app.id, emberAPI = ember + "/api/v1/applications/" + app.id

        let sparkJobs = keyed(try objects(sparkAPI + "/jobs")) { text($0["jobId"]) }
        let emberJobs = keyed(try objects(emberAPI + "/jobs")) { text($0["jobId"]) }
        #expect(Set(sparkJobs.keys) == Set(emberJobs.keys) && !emberJobs.isEmpty, "\(app.id): jobs")
        for (id, job) in emberJobs {
            expectSame(["name", "status", "submissionTime", "completionTime", "stageIds", "numTasks", "numActiveTasks",
                        "numCompletedTasks", "numFailedTasks", "numKilledTasks", "numActiveStages", "numCompletedStages", "numFailedStages"],
                       spark: sparkJobs[id], ember: job, "\(app.id) job \(id)")
        }

        let stageKey: ([String: Any]) -> String = { "\(self.text($0["stageId"])).\(self.text($0["attemptId"]))" }
        let sparkStages = keyed(try objects(sparkAPI + "/stages"), stageKey)
        let emberStages = keyed(try objects(emberAPI + "/stages"), stageKey)
        #expect(Set(sparkStages.keys) == Set(emberStages.keys) && !emberStages.isEmpty, "\(app.id): stages")
        for (key, stage) in emberStages {
            expectSame(["name", "status", "numTasks", "numActiveTasks", "numCompleteTasks", "numFailedTasks", "numKilledTasks", "submissionTime",
                        "completionTime", "executorRunTime", "inputBytes", "inputRecords", "shuffleReadBytes", "shuffleReadRecords",
                        "shuffleWriteBytes", "shuffleWriteRecords", "memoryBytesSpilled", "diskBytesSpilled", "failureReason"],
                       spark: sparkStages[key], ember: stage, "\(app.id) stage \(key)")
            let path = "/stages/" + key.replacingOccurrences(of: ".", with: "/")
            let sparkTasks = value(try json(sparkAPI + path), "tasks") as? [String: Any] ?? [:]
            let emberTasks = value(try json(emberAPI + path), "tasks") as? [String: Any] ?? [:]
            #expect(Set(sparkTasks.keys) == Set(emberTasks.keys) && !emberTasks.isEmpty, "\(app.id) stage \(key): tasks")
            for (id, task) in emberTasks {
                expectSame(["index", "attempt", "launchTime", "duration", "executorId", "status", "taskLocality",
                            "taskMetrics.executorRunTime", "taskMetrics.peakExecutionMemory", "taskMetrics.memoryBytesSpilled", "taskMetrics.diskBytesSpilled",
                            "taskMetrics.inputMetrics.bytesRead", "taskMetrics.inputMetrics.recordsRead",
                            "taskMetrics.shuffleReadMetrics.localBytesRead", "taskMetrics.shuffleReadMetrics.recordsRead",
                            "taskMetrics.shuffleReadMetrics.localBlocksFetched",
                            "taskMetrics.shuffleWriteMetrics.bytesWritten", "taskMetrics.shuffleWriteMetrics.recordsWritten"],
                           spark: sparkTasks[id], ember: task, "\(app.id) stage \(key) task \(id)")
                // Spark shows an exception with its class name first.
                if let message = value(task, "errorMessage") as? String {
                    let shown = value(sparkTasks[id], "errorMessage") as? String ?? ""
                    #expect(shown.contains(message), "\(app.id) task \(id): Spark shows \(shown), Ember \(message)")
                }
            }
        }

        let sparkExecutors = keyed(try objects(sparkAPI + "/allexecutors")) { text($0["id"]) }
        let emberExecutors = keyed(try objects(emberAPI + "/allexecutors")) { text($0["id"]) }
        #expect(Set(sparkExecutors.keys) == Set(emberExecutors.keys) && !emberExecutors.isEmpty, "\(app.id): executors")
        for (id, executor) in emberExecutors {
            expectSame(["hostPort", "isActive", "isExcluded", "totalCores", "maxTasks", "activeTasks", "failedTasks", "completedTasks",
                        "totalTasks", "totalDuration", "totalInputBytes", "totalShuffleRead", "totalShuffleWrite", "addTime",
                        "removeTime", "removeReason"],
                       spark: sparkExecutors[id], ember: executor, "\(app.id) executor \(id)")
        }
        try expectScenario(app, jobs: Array(sparkJobs.values), stages: Array(sparkStages.values), executors: Array(sparkExecutors.values))

        // Spark's pages for the application render (the jobs page links each job).
        let jobsPage = try get(spark + "/history/\(app.id)/jobs/")
        #expect(jobsPage.status == 200 && sparkJobs.keys.allSatisfy { jobsPage.body.contains("job/?id=\($0)") }, "\(app.id): jobs page")
        let stage = sparkStages.values.first.map { "?id=\(text($0["stageId"]))&attempt=\(text($0["attemptId"]))" } ?? ""
        for page in ["/stages/", "/stages/stage/" + stage, "/executors/"] {
            #expect(try get(spark + "/history/\(app.id)" + page).status == 200, "\(app.id): page \(page)")
        }
    }

    /// What each application was run to show is there, as Spark shows it.
    func expectScenario(_ app: App, jobs: [[String: Any]], stages: [[String: Any]], executors: [[String: Any]]) throws {
        func number(_ o: [String: Any], _ key: String) -> Int { (o[key] as? NSNumber)?.intValue ?? 0 }
        switch app.name {
        case "csv-scan":
            #expect(stages.contains { number($0, "inputBytes") > 0 && number($0, "inputRecords") == 3000 }, "the scan's input")
        case "retried-task":
            #expect(stages.contains { number($0, "numFailedTasks") > 0 && $0["status"] as? String == "COMPLETE" }, "a retried task")
            #expect(Set(jobs.compactMap { $0["status"] as? String }) == ["SUCCEEDED", "FAILED"])
            #expect(executors.contains { $0["isExcluded"] as? Bool == true }, "an executor excluded for failing tasks")
        case "killed-executor":
            // (Its replacement may register after the job ended, or not before the session stops.)
            #expect(executors.count >= 2 && executors.contains {
                $0["isActive"] as? Bool == false && ($0["removeReason"] as? String ?? "").contains("SIGKILL")
            }, "the killed executor: \(executors)")
        case "fetch-failure":
            #expect(stages.contains { $0["status"] as? String == "FAILED" && ($0["failureReason"] as? String ?? "") != "" }, "the failed attempt")
            #expect(stages.contains { number($0, "attemptId") == 1 && $0["status"] as? String == "COMPLETE" }, "the stage's second attempt")
        case "multi-stage":
            #expect(jobs.contains { ($0["stageIds"] as? [Any])?.count == 3 } && stages.count == 5)
            #expect(stages.contains { number($0, "shuffleReadBytes") > 0 && number($0, "shuffleWriteBytes") > 0 }, "a stage between two shuffles")
        default:
            Issue.record("no expectations for \(app.name)")
        }
    }
}
