// DAGScheduler+Locality: where tasks would like to run: executor places from host labels, and
// preferred locations from cached blocks (PROCESS_LOCAL) and input splits (NODE_LOCAL).

import Foundation
@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

extension DAGScheduler {
    /// The host label of an executor.
    func place(of id: ExecutorID) -> ExecutorPlace {
        guard !config.hosts.isEmpty, let n = Int(id.value) else { return ExecutorPlace(id: id, host: "localhost", rack: config.racks["localhost"]) }
        let host = config.hosts[(n - 1) % config.hosts.count]
        return ExecutorPlace(id: id, host: host, rack: config.racks[host])
    }

    /// Preferred locations of a stage's partitions. Input splits prefer the host their bytes are
    /// placed on: with host labels, split i of a file is placed on one labeled host by a stable hash
    /// of (path, start), as if the file's blocks were spread over the hosts. Shuffle reads have none.
    func preferredLocations(_ stage: Stage) -> [Int: [TaskLocation]] {
        // Cached partitions: PROCESS_LOCAL on the executors holding them.
        if case .cacheRead(let spec) = stage.plan.leaf, let parts = cachedBlocks.holders(of: spec.id) {
            var out: [Int: [TaskLocation]] = [:]
            for (p, holders) in parts { out[p] = holders.sorted().map { TaskLocation(host: place(of: $0).host, executor: $0) } }
            return out
        }
        guard !config.hosts.isEmpty else { return [:] }
        guard case .fileScan(let fileScan) = stage.plan.leaf else { return [:] }
        var out: [Int: [TaskLocation]] = [:]
        for (i, split) in fileScan.splits.enumerated() { out[i] = [TaskLocation(host: Self.host(of: split, hosts: config.hosts))] }
        return out
    }

    /// The labeled host an input split's bytes are placed on (`hosts` not empty).
    static func host(of split: FileSplit, hosts: [String]) -> String {
        var bytes = Array(split.path.utf8)
        withUnsafeBytes(of: split.start) { bytes.append(contentsOf: $0) }
        let h = bytes.withUnsafeBytes { FixedSeedHash.hash(bytes: $0, seed: 0x10CA1) }
        return hosts[Int(h % UInt64(hosts.count))]
    }
}
