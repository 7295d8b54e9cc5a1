// WebPages: the web UI as plain HTML (no scripts): jobs, a job page with its stage DAG and its
// root-cause report, stages, a stage page with the task-duration distribution as an SVG chart and shuffle read/write per task
// (tasks far above the median highlighted as skewed), and executors with their loss reasons.
// Pages are built as HTML values, so every value put into a page is escaped (see HTML).

import Foundation
@_spi(EmberInternal) import Planner

enum WebPages {
    static let style: HTML = """
        body{font-family:sans-serif;margin:1.5em;color:#222}nav a{margin-right:1em}table{border-collapse:collapse;margin:.8em 0}
        td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{background:#eef}td.l,th.l{text-align:left}
        tr.skew td{background:#fdd}p.skew-note{background:#fdd;padding:.3em .6em;display:inline-block}ol.rootcause li{margin-bottom:.6em}ol.rootcause p{margin:.2em 0}.FAILED{color:#b00}.SUCCEEDED,.COMPLETE,.SUCCESS{color:#070}
        """

    static func page(_ title: String, _ s: AppStatusStore.State, _ body: HTML) -> String {
        let html: HTML = """
        <!doctype html><html><head><meta charset="utf-8"><title>Ember · \(title)</title>
        <style>\(style)</style></head><body>
        <h1>Ember · \(s.appName) <small>\(s.appId)</small></h1>
        <nav><a href="/">Jobs</a><a href="/stages">Stages</a><a href="/executors">Executors</a><a href="/metrics">Metrics</a>
        <a href="/api/v1/applications">REST API</a></nav><h2>\(title)</h2>\(body)</body></html>
        """
        return html.markup
    }

    static func jobs(_ s: AppStatusStore.State) -> String {
        var rows: HTML = ""
        for j in s.jobs.values.sorted(by: { $0.id > $1.id }) {
            let stages = j.stageIds.map { "<a href=\"/stage?id=\($0)\">\($0)</a>" as HTML }.joined(separator: " → ")
            let cause = j.rootCause?.findings.first.map { "<a href=\"/job?id=\(j.id)\">\($0.cause)</a>" as HTML } ?? ""
            let duration = j.completionTime.map { String(format: "%.2f s", $0 - j.submissionTime) } ?? "running"
            rows += "<tr><td><a href=\"/job?id=\(j.id)\">\(j.id)</a></td><td class=\"l \(j.status)\">\(j.status)</td><td class=\"l\">\(stages)</td>"
                + "<td>\(duration)</td><td class=\"l\">\(j.error ?? "")</td><td class=\"l\">\(cause)</td></tr>"
        }
        return page("Jobs", s, "<table><tr><th>Job</th><th class=\"l\">Status</th><th class=\"l\">Stages</th><th>Duration</th>"
            + "<th class=\"l\">Error</th><th class=\"l\">Root cause</th></tr>\(rows)</table>")
    }

    /// One job: its stage DAG, its stages, and its root-cause report.
    static func job(_ s: AppStatusStore.State, id: Int) -> String {
        guard let j = s.jobs[id] else { return page("Job \(id)", s, "<p>No such job.</p>") }
        let error: HTML = j.error.map { " · \($0)" } ?? ""
        var body: HTML = "<p class=\"\(j.status)\">\(j.status)\(error)</p><h3>DAG</h3>" + StageDAGView.svg(j, s)
        if let report = j.rootCause {
            body += "<h3>Root-cause report</h3><ol class=\"rootcause\">"
            for f in report.findings {
                body += "<li><p><b>Cause:</b> \(f.cause)</p><p><b>Component:</b> \(f.component)</p><ul>"
                    + f.evidence.map { "<li>\($0)</li>" as HTML }.joined() + "</ul><p><b>Fix:</b> \(f.fix)</p></li>"
            }
            body += "</ol>"
        } else {
            body += "<p>No root-cause report: the job ran without failures.</p>"
        }
        return page("Job \(id)", s, body)
    }

    static func stages(_ s: AppStatusStore.State) -> String {
        var rows: HTML = ""
        for st in s.stages.values.sorted(by: { ($0.id, $0.attempt) > ($1.id, $1.attempt) }) {
            let done = st.tasks.values.filter { $0.status == "SUCCESS" }.count
            let read = st.tasks.values.saturatedSum { $0.metrics.shuffleReadBytes }
            let write = st.tasks.values.saturatedSum { $0.metrics.shuffleWriteBytes }
            rows += "<tr><td><a href=\"/stage?id=\(st.id)\">\(st.id).\(st.attempt)</a></td><td class=\"l\">\(st.name)</td>"
                + "<td class=\"l \(st.status)\">\(st.status)</td><td>\(done)/\(st.numTasks)</td><td>\(read)</td><td>\(write)</td></tr>"
        }
        return page("Stages", s, "<table><tr><th>Stage</th><th class=\"l\">Name</th><th class=\"l\">Status</th><th>Tasks</th><th>Shuffle read</th><th>Shuffle write</th></tr>\(rows)</table>")
    }

    static func stage(_ s: AppStatusStore.State, id: Int) -> String {
        let attempts = s.stages.values.filter { $0.id == id }.sorted { $0.attempt < $1.attempt }
        guard let st = attempts.last else { return page("Stage \(id)", s, "<p>No such stage.</p>") }
        let tasks = st.tasks.values.sorted { ($0.info.partition, $0.info.attempt) < ($1.info.partition, $1.info.attempt) }
        let done = tasks.filter { $0.status == "SUCCESS" }
        let rule = SkewRule(sizes: done.map(\.metrics.readBytes))
        func isSkewed(_ t: AppStatusStore.TaskRow) -> Bool { t.status == "SUCCESS" && rule.isSkewed(t.metrics.readBytes) }
        // Parquet's row groups, in stages that read any.
        let readsRowGroups = tasks.contains { $0.metrics.rowGroupsRead > 0 || $0.metrics.rowGroupsSkipped > 0 }
        var rows: HTML = ""
        for t in tasks {
            let skewed = isSkewed(t)
            let rowGroups: HTML = readsRowGroups ? "<td>\(t.metrics.rowGroupsRead)</td><td>\(t.metrics.rowGroupsSkipped)</td>" : ""
            rows += "<tr class=\"\(skewed ? "skew" : "")\"><td>\(t.info.partition)</td><td>\(t.info.attempt)</td><td>\(t.info.executor)</td>"
                + "<td class=\"l\">\(t.info.locality)</td><td class=\"l \(t.status)\">\(t.status)</td>"
                + "<td>\(t.metrics.durationNanos / 1_000_000) ms</td><td>\(t.metrics.readBytes)</td>\(rowGroups)<td>\(t.metrics.shuffleWriteBytes)</td>"
                + "<td class=\"l\">\(skewed ? "skewed" : "")</td><td class=\"l\">\(t.error ?? "")</td></tr>"
        }
        var skewNote: HTML = ""
        for t in tasks where isSkewed(t) {
            let key = t.metrics.heavyKey.map { "; key \($0.key) holds at least \($0.rows) of its \($0.partitionRows) rows" } ?? ""
            skewNote += "<p class=\"skew-note\">Skewed: task \(t.info.partition).\(t.info.attempt) read \(t.metrics.readBytes) bytes, "
                + "\(rule.describe(t.metrics.readBytes))\(key).</p>"
        }
        let failure: HTML = st.failureReason.map { " · \($0)" } ?? ""
        let body: HTML = "<p>\(st.name) · attempt \(st.attempt) · \(st.status)\(failure)</p>"
            + "<h3>Task duration distribution</h3>" + histogram(done.map { Double($0.metrics.durationNanos) / 1e6 })
            + "<h3>Summary metrics for \(done.count) completed tasks</h3>" + quantiles(done) + skewNote
            + "<h3>Tasks</h3><table><tr><th>Partition</th><th>Attempt</th><th>Executor</th><th class=\"l\">Locality</th><th class=\"l\">Status</th>"
            + "<th>Duration</th><th>Input + shuffle read (bytes)</th>"
            + (readsRowGroups ? "<th>Row groups read</th><th>Row groups skipped</th>" : "")
            + "<th>Shuffle write (bytes)</th><th class=\"l\">Skew</th><th class=\"l\">Error</th></tr>\(rows)</table>"
        return page("Stage \(id)", s, body)
    }

    /// Spark's "Summary Metrics for Completed Tasks": min, 25th percentile, median, 75th percentile, max.
    static func quantiles(_ tasks: [AppStatusStore.TaskRow]) -> HTML {
        guard !tasks.isEmpty else { return "" }
        func row(_ name: String, _ values: [Int64], _ unit: String) -> HTML {
            let sorted = values.sorted()
            let cells = [0.0, 0.25, 0.5, 0.75, 1.0].map { q in "<td>\(sorted[Int(q * Double(sorted.count - 1))])\(unit)</td>" as HTML }.joined()
            return "<tr><td class=\"l\">\(name)</td>\(cells)</tr>"
        }
        return "<table><tr><th class=\"l\">Metric</th><th>Min</th><th>25th percentile</th><th>Median</th><th>75th percentile</th><th>Max</th></tr>"
            + row("Duration", tasks.map { Int64($0.metrics.durationNanos / 1_000_000) }, " ms")
            + row("Input + shuffle read (bytes)", tasks.map(\.metrics.readBytes), "")
            + (tasks.contains { $0.metrics.rowGroupsRead > 0 || $0.metrics.rowGroupsSkipped > 0 }
                ? row("Parquet row groups read", tasks.map(\.metrics.rowGroupsRead), "")
                    + row("Parquet row groups skipped by statistics", tasks.map(\.metrics.rowGroupsSkipped), "") : "")
            + row("Shuffle write (bytes)", tasks.map(\.metrics.shuffleWriteBytes), "")
            + row("Peak execution memory (bytes)", tasks.map(\.metrics.peakExecutionMemory), "") + "</table>"
    }

    /// An SVG bar chart of durations in 10 buckets.
    static func histogram(_ values: [Double]) -> HTML {
        guard let lo = values.min(), let hi = values.max() else { return "<p>No finished tasks.</p>" }
        let buckets = 10
        let width = Swift.max(hi - lo, 1)
        var counts = [Int](repeating: 0, count: buckets)
        for v in values { counts[Swift.min(buckets - 1, Int((v - lo) / width * Double(buckets)))] += 1 }
        let top = Swift.max(counts.max() ?? 1, 1)
        var bars: HTML = ""
        for (i, c) in counts.enumerated() {
            let h = Double(c) / Double(top) * 120
            bars += "<rect x=\"\(i * 42 + 30)\" y=\"\(145 - h)\" width=\"36\" height=\"\(h)\" fill=\"#58c\"><title>\(c) tasks</title></rect>"
                + "<text x=\"\(i * 42 + 48)\" y=\"\(140 - h)\" font-size=\"11\" text-anchor=\"middle\">\(c)</text>"
        }
        return "<svg width=\"460\" height=\"175\" role=\"img\" aria-label=\"task durations\">\(bars)"
            + "<text x=\"30\" y=\"165\" font-size=\"11\">\(String(format: "%.0f ms", lo))</text>"
            + "<text x=\"440\" y=\"165\" font-size=\"11\" text-anchor=\"end\">\(String(format: "%.0f ms", hi))</text></svg>"
    }

    static func executors(_ s: AppStatusStore.State) -> String {
        var rows: HTML = ""
        for e in s.executors.values.sorted(by: { (Int($0.id) ?? 0) < (Int($1.id) ?? 0) }) {
            rows += "<tr><td>\(e.id)</td><td class=\"l\">\(e.host)</td><td class=\"l\">\(e.isActive ? "active" : "removed")\(e.isExcluded ? ", excluded" : "")</td>"
                + "<td>\(e.cores)</td><td>\(e.activeTasks)</td><td>\(e.completedTasks)</td><td>\(e.failedTasks)</td>"
                + "<td>\(e.shuffleRead)</td><td>\(e.shuffleWrite)</td><td>\(e.peakRSS >> 20) MiB</td><td class=\"l\">\(e.removeReason ?? "")</td></tr>"
        }
        return page("Executors", s, "<table><tr><th>Executor</th><th class=\"l\">Host</th><th class=\"l\">State</th><th>Cores</th><th>Active</th>"
            + "<th>Completed</th><th>Failed</th><th>Shuffle read</th><th>Shuffle write</th><th>Peak RSS</th><th class=\"l\">Loss reason</th></tr>\(rows)</table>")
    }
}
