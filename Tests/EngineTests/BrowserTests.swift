// The web UI in a real browser: a skewed job with an injected task failure and a killed executor
// runs with the UI on, and headless Chromium loads every page. The test checks what the browser
// shows (the DOM it built): the jobs table, the job's stage DAG and root-cause report naming the
// skewed key, the stage page's duration chart and highlighted skewed task, and the executors with
// their loss reasons. Screenshots go to $EMBER_SCREENSHOTS when set (the README's images).

@testable import Engine
import Foundation
import Testing

@Suite(.serialized) struct BrowserTests {
    func occurrences(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test func pagesShowJobsDagRootCauseSkewAndLosses() throws {
        guard let chromium = HeadlessChromium.find() else {
            Issue.record("Debian's chromium is not installed: scripts/test installs it (or: apt-get install chromium)")
            return
        }
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 2, memory: 256 << 20)
        config.appName = "skewed-report"
        config.eventLogDir = nil
        config.uiEnabled = true
        config.uiPort = 4240
        config.printRootCauseReport = false
        config.faults.failTasks = [TaskSelector(stage: 1, partition: 2, attempt: 0)]
        config.faults.killExecutor = (executor: 2, afterTasks: 3)
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        let session = try Session(config: config)
        defer { session.stop() }
        // 90 % of the rows have key 0, so one of the 8 reduce partitions holds most of the data.
        let df = session.range(0, 200_000, numPartitions: 4)
            .select((col("id") % 10 === 0).cast(.long).alias("cold"), col("id"))
            .select(((col("cold") * col("id")) % 97).alias("k"), randstr(20, seed: col("id")).alias("v"))
            .repartition(8, col("k")).agg(count(col("*")).alias("rows"), sum(length(col("v"))).alias("chars"))
        let rows = try df.collect()
        #expect(rows.first?.description == "[200000,4000000]")
        let base = try #require(session.uiURL)
        let shots = ProcessInfo.processInfo.environment["EMBER_SCREENSHOTS"]
        let scratch = ScratchDir("screenshots")
        defer { scratch.cleanup() }
        func shoot(_ page: String, _ name: String, height: Int = 800) throws {
            let file = (shots ?? scratch.path) + "/\(name).png"
            let (w, h) = try chromium.screenshot(base + page, to: file, height: height)
            #expect(w == 1200 && h == height, "screenshot \(name) is \(w)×\(h)")
        }

        let jobs = try chromium.dom(base + "/")
        #expect(jobs.contains("<tbody>"), "the browser built the jobs table")
        #expect(jobs.contains("SUCCEEDED") && jobs.contains("href=\"/job?id=0\""))
        #expect(jobs.contains("<a href=\"/job?id=0\">executor 2 was killed from outside Ember (SIGKILL)</a>"),
                "the jobs table links the first root cause")
        try shoot("/", "jobs", height: 400)

        let job = try chromium.dom(base + "/job?id=0")
        #expect(occurrences("class=\"dag-stage\"", in: job) == 3, "three stages in the DAG")
        #expect(occurrences("marker-end=\"url(#arrow)\"", in: job) == 2, "stage 0 → 1 → 2")
        #expect(job.contains("Root-cause report") && job.contains("data skew in stage 1: key k = 0 holds at least"))
        #expect(job.contains("key k = 0: at least"), "with the key summary's evidence")
        #expect(job.contains("terminated by signal 9"), "the lost executor is explained too")
        try shoot("/job?id=0", "job", height: 900)

        let stage = try chromium.dom(base + "/stage?id=1")
        #expect(stage.contains("aria-label=\"task durations\"") && stage.contains("<rect"), "the duration chart is drawn")
        #expect(occurrences("<tr class=\"skew\">", in: stage) == 1, "exactly the skewed task is highlighted")
        #expect(stage.contains("Summary metrics for") && stage.contains("75th percentile"), "Spark's task quantiles")
        #expect(stage.contains("class=\"skew-note\"") && stage.contains("key k = 0 holds at least"), "the skewed task and its key")
        try shoot("/stage?id=1", "stage", height: 900)

        let stages = try chromium.dom(base + "/stages")
        #expect(occurrences("href=\"/stage?id=", in: stages) >= 3)

        let executors = try chromium.dom(base + "/executors")
        #expect(executors.contains("removed"), "the killed executor is listed as removed")
        #expect(executors.contains("SIGKILL") || executors.contains("killed"), "with its loss reason")
        #expect(occurrences("<tr><td>", in: executors) >= 3, "two executors and the replacement")
        try shoot("/executors", "executors", height: 400)
    }
}
