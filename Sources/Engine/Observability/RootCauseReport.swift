// RootCauseReport: what the root-cause analysis found about one job: for each finding the cause, the
// component responsible, the evidence and the fix. Printed by the driver, served by the REST API
// (…/jobs/{id} → "rootCause") and the job page, and kept in the event log for `ember history`.

import Foundation
@_spi(EmberInternal) import Planner

public struct RootCauseReport: Sendable, CustomStringConvertible {
    public struct Finding: Sendable {
        public var cause: String
        public var component: String
        public var evidence: [String]
        public var fix: String
    }
    public var jobId: Int
    public var jobFailed: Bool
    public var findings: [Finding]

    public var description: String {
        var s = "== Ember root-cause report: job \(jobId) \(jobFailed ? "FAILED" : "succeeded after failures") ==\n"
        for (i, f) in findings.enumerated() {
            s += "\(i + 1). cause: \(f.cause)\n   component: \(f.component)\n"
            for e in f.evidence { s += "   evidence: \(e)\n" }
            s += "   fix: \(f.fix)\n"
        }
        return s.escapingControlCharacters   // findings quote data (keys, values): keep them off the terminal's controls
    }

    /// The REST API's form (camelCase keys, like Spark's JobData fields).
    var restObject: [String: Any] {
        ["jobId": jobId, "jobFailed": jobFailed,
         "findings": findings.map { ["cause": $0.cause, "component": $0.component, "evidence": $0.evidence, "fix": $0.fix] }]
    }

    init(jobId: Int, jobFailed: Bool, findings: [Finding]) {
        self.jobId = jobId
        self.jobFailed = jobFailed
        self.findings = findings
    }

    /// Reads the event log's form (SparkEventJSON writes it).
    init(eventObject o: [String: Any]) {
        jobId = (o["Job ID"] as? NSNumber)?.intValue ?? 0
        jobFailed = o["Job Failed"] as? Bool ?? false
        findings = (o["Findings"] as? [[String: Any]] ?? []).map {
            Finding(cause: $0["Cause"] as? String ?? "", component: $0["Component"] as? String ?? "",
                    evidence: $0["Evidence"] as? [String] ?? [], fix: $0["Fix"] as? String ?? "")
        }
    }
}
