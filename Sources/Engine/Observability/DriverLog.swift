// DriverLog: the driver's log through swift-log, with levels: jobs at info, losses, exclusions and
// task failures at warning, tasks at debug. The library never bootstraps logging; programs do
// (the `ember` tool logs to stderr at the level in EMBER_LOG_LEVEL, warning by default).

import Logging

final class DriverLog: SchedulerListener {
    let logger: Logger

    init(appId: String) {
        var logger = Logger(label: "ember.driver")
        logger[metadataKey: "app"] = "\(appId)"
        self.logger = logger
    }

    func onEvent(_ event: SchedulerEvent) {
        switch event {
        case .jobStart(let job, let stages, _, _):
            logger.info("job started", metadata: ["job": "\(job)", "stages": "\(stages)"])
        case .jobEnd(let job, let error, _):
            if let error { logger.error("job failed", metadata: ["job": "\(job)", "error": "\(error.message)"]) } else {
                logger.info("job finished", metadata: ["job": "\(job)"])
            }
        case .stageSubmitted(let stage, let attempt, let name, let tasks, _):
            logger.info("stage submitted", metadata: ["stage": "\(stage).\(attempt)", "name": "\(name)", "tasks": "\(tasks)"])
        case .taskStart(let i):
            logger.debug("task started", metadata: ["tid": "\(i.taskId)", "stage": "\(i.stage)", "partition": "\(i.partition)",
                                                     "executor": "\(i.executor)", "locality": "\(i.locality)"])
        case .taskEnd(let i, let error, _):
            if let error {
                logger.warning("task failed", metadata: ["tid": "\(i.taskId)", "stage": "\(i.stage)", "partition": "\(i.partition)",
                                                         "executor": "\(i.executor)", "error": "\(error.message)"])
            } else {
                logger.debug("task finished", metadata: ["tid": "\(i.taskId)", "executor": "\(i.executor)"])
            }
        case .executorAdded(let id, let host, let cores, _):
            logger.info("executor added", metadata: ["executor": "\(id)", "host": "\(host)", "cores": "\(cores)"])
        case .executorRemoved(let id, let reason, _, _, _, _):
            logger.warning("executor removed", metadata: ["executor": "\(id)", "reason": "\(reason)"])
        case .executorExcluded(let id, let reason, _):
            logger.warning("executor excluded", metadata: ["executor": "\(id)", "reason": "\(reason)"])
        case .rootCauseReport(let report, _):
            logger.warning("root-cause report", metadata: ["job": "\(report.jobId)", "findings": "\(report.findings.count)",
                                                           "cause": "\(report.findings.first?.cause ?? "none found")"])
        default:
            break
        }
    }
}
