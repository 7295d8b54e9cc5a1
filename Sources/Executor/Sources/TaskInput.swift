// TaskInput: what one task reads, as typed values rather than an index into its stage's plan. The
// driver computes a task's inputs from the stage plan and the task's partition: each leaf of the
// plan it reads (numbered left to right, as `PhysicalPlan.leaves` lists them) gets one source —
// a file split, a slice of a range, a reduce partition of a shuffle, a cached block or a broadcast.
// A union's task reads the leaves of one child only; a join's task reads both sides. A coalesce's
// task reads its child's leaves once for each child partition in its share: those inputs carry the
// child partition in `slots` (one per coalesce they are under, outermost first).

@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

@_spi(EmberInternal) public enum TaskInputSource: Sendable, Codable, Hashable {
    case fileSplit(FileSplit)
    /// Slice `index` of the leaf's range.
    case rangeSlice(index: Int)
    /// Reduce partition `reduceId` of a shuffle, from these map outputs.
    case shuffle(ShuffleID, reduceId: Int, numPartitions: Int, blocks: [ShuffleBlockRef])
    /// All of a broadcast: every reduce partition (`blocks[r]`: partition r's blocks) of every map output.
    case broadcast(ShuffleID, blocks: [[ShuffleBlockRef]])
    /// Partition `partition` of a cached DataFrame.
    case cacheBlock(cacheId: Int, partition: Int)
}

@_spi(EmberInternal) public struct TaskInput: Sendable, Codable, Hashable {
    /// The leaf of the stage plan this input feeds (its position in `PhysicalPlan.leaves`).
    @_spi(EmberInternal) public var leaf: Int
    @_spi(EmberInternal) public var source: TaskInputSource
    /// Under coalesces: the child partition of each (outermost first) this input belongs to.
    @_spi(EmberInternal) public var slots: [Int] = []
    @_spi(EmberInternal) public init(leaf: Int, source: TaskInputSource) {
        self.leaf = leaf
        self.source = source
    }
}

extension PhysicalPlan {
    /// The inputs of task `partition` of a stage with this plan. `blocks(shuffle, reduceId)` gives
    /// the map outputs of a shuffle's reduce partition.
    @_spi(EmberInternal) public func taskInputs(partition: Int, blocks: (ShuffleID, Int) -> [ShuffleBlockRef]) -> [TaskInput] {
        var out: [TaskInput] = []
        collectInputs(partition: partition, firstLeaf: 0, blocks: blocks, into: &out)
        return out
    }

    func collectInputs(partition p: Int, firstLeaf: Int, blocks: (ShuffleID, Int) -> [ShuffleBlockRef], into out: inout [TaskInput]) {
        switch self {
        case .fileScan(let scan):
            if p < scan.splits.count { out.append(TaskInput(leaf: firstLeaf, source: .fileSplit(scan.splits[p]))) }
        case .range: out.append(TaskInput(leaf: firstLeaf, source: .rangeSlice(index: p)))
        case .shuffleRead(let id, _, let n):
            out.append(TaskInput(leaf: firstLeaf, source: .shuffle(id, reduceId: p, numPartitions: n, blocks: blocks(id, p))))
        case .broadcastRead(let id, _, let n):
            // Only blocks that hold rows: an adaptive broadcast reads every partition of many maps.
            out.append(TaskInput(leaf: firstLeaf, source: .broadcast(id, blocks: (0..<n).map { blocks(id, $0).filter { $0.length != 0 } })))
        case .cacheRead(let spec): out.append(TaskInput(leaf: firstLeaf, source: .cacheBlock(cacheId: spec.id, partition: p)))
        case .coalesce(let n, let child):
            for j in Self.coalescedPartitions(p, of: child.numPartitions, into: n) {
                var inputs: [TaskInput] = []
                child.collectInputs(partition: j, firstLeaf: firstLeaf, blocks: blocks, into: &inputs)
                out += inputs.map { input in
                    var input = input
                    input.slots.insert(j, at: 0)
                    return input
                }
            }
        case .union(let children, _):
            var leaf = firstLeaf, offset = 0
            for c in children {
                let n = c.numPartitions
                if p < offset + n {
                    c.collectInputs(partition: p - offset, firstLeaf: leaf, blocks: blocks, into: &out)
                    return
                }
                offset += n
                leaf += c.leaves.count
            }
        default:
            var leaf = firstLeaf
            for c in children {
                c.collectInputs(partition: p, firstLeaf: leaf, blocks: blocks, into: &out)
                leaf += c.leaves.count
            }
        }
    }

    /// The child partitions task `p` of `coalesce(n)` over `m` partitions runs: neighbours, spread
    /// evenly (at most min(n, m) tasks).
    @_spi(EmberInternal) public static func coalescedPartitions(_ p: Int, of m: Int, into n: Int) -> Range<Int> {
        let k = Swift.max(1, Swift.min(n, m))
        return (p * m / k)..<((p + 1) * m / k)
    }

    /// The plan as it travels to executors: file scans without their splits (each task carries
    /// its own split as an input, not its siblings').
    @_spi(EmberInternal) public var withoutSplits: PhysicalPlan {
        transformUp { node in
            guard case .fileScan(var scan) = node, !scan.splits.isEmpty else { return node }
            scan.splits = []
            return .fileScan(scan)
        }
    }
}
