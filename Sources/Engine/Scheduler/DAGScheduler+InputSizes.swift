// DAGScheduler+InputSizes: what the driver knows of a task's input before launching it: its file
// split, its slice of a range, or its reduce partition's bytes in the map outputs. The size goes
// with the task's events (the root-cause report compares a failed task's partition with the
// median); a reduce partition far larger than its siblings also gets a key summary request, so the
// report can name the key that dominates it.

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

extension DAGScheduler {
    /// Bytes the task will read: its split, its range slice (8 bytes per id), or its reduce partition.
    func plannedInputBytes(for stage: Stage, partition: Int, job: inout JobState) -> Int64? {
        switch stage.plan.leaf {
        case .fileScan(let scan): return partition < scan.splits.count ? scan.splits[partition].length : nil
        case .range(let spec): return spec.slice(partition).count * 8
        case .shuffleRead:
            let broadcasts = stage.plan.broadcastShuffles
            let sizes = stage.inputShuffles.filter { !broadcasts.contains($0) }.compactMap { shuffleStatistics($0, job: &job)?.bytesByPartition }
            return sizes.isEmpty ? nil : sizes.reduce(0) { $0 + (partition < $1.count ? $1[partition] : 0) }
        default: return nil
        }
    }

    /// The map outputs' sizes of a shuffle, read once per job (the stage runs when all are registered).
    func shuffleStatistics(_ shuffle: ShuffleID, job: inout JobState) -> MapOutputStatistics? {
        if let known = job.shuffleStatistics[shuffle] { return known }
        let stats = tracker.statistics(shuffle)
        job.shuffleStatistics[shuffle] = stats
        return stats
    }

    /// For a reduce partition the SkewRule calls skewed: summarize its hash-partitioning keys.
    func keySummaryRequest(for stage: Stage, partition: Int, job: inout JobState) -> KeySummaryRequest? {
        let broadcasts = stage.plan.broadcastShuffles
        for shuffle in stage.inputShuffles where !broadcasts.contains(shuffle) {
            guard let stats = shuffleStatistics(shuffle, job: &job), stats.skewedPartitions.contains(partition),
                  let writer = job.writer(of: shuffle),
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
