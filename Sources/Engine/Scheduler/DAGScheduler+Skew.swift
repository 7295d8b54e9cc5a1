// DAGScheduler+Skew: before launching a reduce task, the driver checks the sizes the map outputs
// reported; when the task's partition is far larger than its siblings it asks the task to summarize
// its partitioning keys, so the root-cause report can name the key that dominates it.

import Executor
import Planner

extension DAGScheduler {
    func keySummaryRequest(for stage: Stage, partition: Int, job: inout JobState) -> KeySummaryRequest? {
        for shuffle in stage.inputShuffles {
            if job.skewedPartitions[shuffle] == nil {
                job.skewedPartitions[shuffle] = tracker.statistics(shuffle)?.skewedPartitions() ?? []
            }
            guard job.skewedPartitions[shuffle]!.contains(partition),
                  let writer = job.graph.stages.first(where: { $0.id == job.shuffleWriter[shuffle] }),
                  case .shuffle(_, .hash(let keys, _)) = writer.output else { continue }
            let schema = writer.plan.schema
            let names = keys.map { key -> String in
                if case .column(let i, _) = key, i < schema.fields.count { return schema.fields[i].name }
                return key.describe(schema)
            }
            return KeySummaryRequest(shuffleId: shuffle, keys: keys, keyNames: names)
        }
        return nil
    }
}
