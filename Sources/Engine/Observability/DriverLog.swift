// DriverLog: the driver's log through swift-log, with levels: jobs at info, losses, exclusions and
// task failures at warning, tasks at debug. The library never bootstraps logging; programs do
// (the `ember` tool logs to stderr at the level in EMBER_LOG_LEVEL, warning by default).
// Text that may quote input data (error messages, reasons) is logged with control characters escaped.
// A job stopped because a value contradicts a schema inferred from a sample is logged at info: it
// is how the groupBy job learns to infer again from every record, not a failure of the work.

@_spi(EmberInternal) import Executor
import Logging
import Synchronization
@_spi(EmberInternal) import Planner

final class DriverLog: SchedulerListener {
    let logger: Logger
    /// Whether the job that ended last stopped on a sampled schema (its root-cause report follows).
    private let endedOnSampledSchema = Mutex(false)

    init(appId: String) {
        var logger = Logger(label: "ember.driver")
        logger[metadataKey: "app"] = "\(appId)"
        self.logger = logger
    }

    func onEvent(_ event: SchedulerEvent) {
        switch event {
        case .jobStart(let job, let stages, _):
            logger.info("job started", metadata: ["job": "\(job)", "stages": "\(stages.map(\.id))"])
        case .jobEnd(let job, let error, _):
            let sampled = error.map(Self.contradictsSampledSchema) ?? false
            endedOnSampledSchema.withLock { $0 = sampled }
            if let error, error.code == .cancelled {
                logger.info("job cancelled", metadata: ["job": "\(job)"])
            } else if let error {
                logger.log(level: sampled ? .info : .error, sampled ? "job stopped: a value contradicts the schema inferred from a sample" : "job failed",
                           metadata: ["job": "\(job)", "error": "\(error.message.escapingControlCharacters)"])
            } else {
                logger.info("job finished", metadata: ["job": "\(job)"])
            }
        case .stageSubmitted(let stage, let attempt, let name, let tasks, _):
            logger.info("stage submitted", metadata: ["stage": "\(stage).\(attempt)", "name": "\(name)", "tasks": "\(tasks)"])
        case .taskStart(let i):
            logger.debug("task started", metadata: ["tid": "\(i.taskId)", "stage": "\(i.stage)", "partition": "\(i.partition)",
                                                     "executor": "\(i.executor)", "locality": "\(i.locality)"])
        case .taskEnd(let i, let failure, _):
            if case .taskKilled(let reason) = failure {
                logger.info("task killed", metadata: ["tid": "\(i.taskId)", "executor": "\(i.executor)", "reason": "\(reason.escapingControlCharacters)"])
            } else if let error = failure?.error {
                logger.log(level: Self.contradictsSampledSchema(error) ? .info : .warning, "task failed", metadata: ["tid": "\(i.taskId)", "stage": "\(i.stage)", "partition": "\(i.partition)",
                                                         "executor": "\(i.executor)", "error": "\(error.message.escapingControlCharacters)"])
            } else {
                logger.debug("task finished", metadata: ["tid": "\(i.taskId)", "executor": "\(i.executor)"])
            }
        case .executorAdded(let id, let host, let cores, _):
            logger.info("executor added", metadata: ["executor": "\(id)", "host": "\(host)", "cores": "\(cores)"])
        case .executorRemoved(let id, let reason, let kind, _, _, _, _):
            logger.log(level: kind.isLoss ? .warning : .info, "executor removed",
                       metadata: ["executor": "\(id)", "reason": "\(reason.escapingControlCharacters)"])
        case .executorExcluded(let id, let reason, _):
            logger.warning("executor excluded", metadata: ["executor": "\(id)", "reason": "\(reason.escapingControlCharacters)"])
        case .rootCauseReport(let report, _):
            logger.log(level: endedOnSampledSchema.withLock { $0 } ? .info : .warning, "root-cause report", metadata: ["job": "\(report.jobId)", "findings": "\(report.findings.count)",
                                                           "cause": "\((report.findings.first?.cause ?? "none found").escapingControlCharacters)"])
        default:
            break
        }
    }

    static func contradictsSampledSchema(_ error: EmberError) -> Bool { error.context(inferredTypeMismatchKey) != nil }
}
