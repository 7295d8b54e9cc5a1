// StageGraph: the physical plan cut at each Exchange into ShuffleMapStages and one ResultStage
// (Spark's DAGScheduler stage building). Each Exchange becomes a shuffle: the child subtree is a map
// stage that writes it, and the consumer reads it through a ShuffleRead leaf.
//
//   ResultStage 2: HashAggregate(Final) ← ShuffleRead(shuffle 0)
//        ▲ shuffle 0 (hash, n partitions)
//   ShuffleMapStage 1: HashAggregate(Partial) ← Filter ← FileScan (one task per split)

/// What a stage's tasks do with their output.
@_spi(EmberInternal) public enum StageOutput: Sendable, Codable, Hashable {
    /// Write a shuffle (data + index file per task).
    case shuffle(ShuffleID, Partitioning)
    /// Send the rows to the driver.
    case result
    /// Write the rows to files (a write job's last stage): each task reports the files it wrote.
    case write(FileWriteSpec)
}

@_spi(EmberInternal) public struct Stage: Sendable, Hashable {
    @_spi(EmberInternal) public let id: StageID
    /// The operator tree one task runs, with ShuffleRead leaves for its inputs.
    @_spi(EmberInternal) public let plan: PhysicalPlan
    @_spi(EmberInternal) public let numPartitions: Int
    @_spi(EmberInternal) public let output: StageOutput
    /// Stages that must finish first (those writing the shuffles this stage reads).
    @_spi(EmberInternal) public let parents: [StageID]
    /// Shuffles this stage reads.
    @_spi(EmberInternal) public let inputShuffles: [ShuffleID]

    @_spi(EmberInternal) public init(id: StageID, plan: PhysicalPlan, numPartitions: Int, output: StageOutput, parents: [StageID], inputShuffles: [ShuffleID]) {
        self.id = id
        self.plan = plan
        self.numPartitions = numPartitions
        self.output = output
        self.parents = parents
        self.inputShuffles = inputShuffles
    }

    @_spi(EmberInternal) public var isShuffleMap: Bool { if case .shuffle = output { return true } else { return false } }

    @_spi(EmberInternal) public var name: String {
        switch output {
        case .shuffle(let id, _): return "ShuffleMapStage \(self.id) (writes shuffle \(id))"
        case .result: return "ResultStage \(id)"
        case .write: return "ResultStage \(id) (writes files)"
        }
    }
}

@_spi(EmberInternal) public struct StageGraph: Sendable {
    /// Stages in an order where parents come before children; the last one is the result stage.
    @_spi(EmberInternal) public let stages: [Stage]
    @_spi(EmberInternal) public init(stages: [Stage]) { self.stages = stages }
    @_spi(EmberInternal) public var resultStage: Stage { stages[stages.count - 1] }

    @_spi(EmberInternal) public func stage(_ id: StageID) -> Stage? { stages.first { $0.id == id } }

    /// Cuts `plan` into stages. Stage and shuffle ids are drawn from the given counters so that they
    /// are unique in the application. `output`: what the last stage's tasks do with their rows.
    @_spi(EmberInternal) public static func build(_ plan: PhysicalPlan, output: StageOutput = .result, nextStageID: inout Int, nextShuffleID: inout Int) -> StageGraph {
        var none: [PhysicalPlan: ShuffleID] = [:]
        return build(plan, output: output, nextStageID: &nextStageID, nextShuffleID: &nextShuffleID, shuffles: &none)
    }

    /// ``build(_:output:nextStageID:nextShuffleID:)`` for one of several jobs of a query (a range
    /// exchange's sampling jobs, then the query's own): an exchange that an earlier job's graph
    /// already cut (`shuffles`, by exchange node) keeps its shuffle, so the scheduler finds its map
    /// outputs written and skips the stage, as Spark skips a stage whose shuffle an earlier job
    /// wrote. Its stage stays in the graph, to recompute outputs that were lost meanwhile. The
    /// exchanges cut here are added to `shuffles`; one shuffle is never written by two stages of a
    /// graph (an exchange met twice gets a new shuffle the second time).
    @_spi(EmberInternal) public static func build(_ plan: PhysicalPlan, output: StageOutput = .result, nextStageID: inout Int,
                                                  nextShuffleID: inout Int, shuffles known: inout [PhysicalPlan: ShuffleID]) -> StageGraph {
        var stages: [Stage] = []
        let earlier = known
        var written: Set<ShuffleID> = []
        func cut(_ p: PhysicalPlan, _ parents: inout [StageID], _ shuffles: inout [ShuffleID]) -> PhysicalPlan {
            switch p {
            case .exchange(let partitioning, let child):
                let shuffle = mapStage(p, child, partitioning, &parents, &shuffles)
                return .shuffleRead(shuffle, child.schema, numPartitions: partitioning.numPartitions)
            case .broadcastExchange(let child):
                let shuffle = mapStage(p, child, .single, &parents, &shuffles)
                return .broadcastRead(shuffle, child.schema, partitions: 1)
            default:
                return p.withNewChildren(p.children.map { cut($0, &parents, &shuffles) })
            }
        }
        /// Makes `child` (of `exchange`) a shuffle map stage writing a shuffle partitioned so;
        /// returns the shuffle.
        func mapStage(_ exchange: PhysicalPlan, _ child: PhysicalPlan, _ partitioning: Partitioning,
                      _ parents: inout [StageID], _ shuffles: inout [ShuffleID]) -> ShuffleID {
            var childParents: [StageID] = []
            var childShuffles: [ShuffleID] = []
            let childPlan = cut(child, &childParents, &childShuffles)
            let shuffle: ShuffleID
            if let reused = earlier[exchange], !written.contains(reused) {
                shuffle = reused
            } else {
                shuffle = ShuffleID(nextShuffleID)
                nextShuffleID += 1
                if known[exchange] == nil { known[exchange] = shuffle }
            }
            written.insert(shuffle)
            let stage = Stage(id: StageID(nextStageID), plan: childPlan, numPartitions: childPlan.numPartitions,
                              output: .shuffle(shuffle, partitioning), parents: childParents, inputShuffles: childShuffles)
            nextStageID += 1
            stages.append(stage)
            parents.append(stage.id)
            shuffles.append(shuffle)
            return shuffle
        }
        var parents: [StageID] = []
        var shuffles: [ShuffleID] = []
        let root = cut(plan, &parents, &shuffles)
        stages.append(Stage(id: StageID(nextStageID), plan: root, numPartitions: root.numPartitions, output: output,
                            parents: parents, inputShuffles: shuffles))
        nextStageID += 1
        return StageGraph(stages: stages)
    }

    /// Text for `explain()`: one block per stage.
    @_spi(EmberInternal) public var treeString: String {
        var s = ""
        for stage in stages {
            let kind: String
            switch stage.output {
            case .shuffle(let id, let p):
                kind = "ShuffleMapStage \(stage.id): \(stage.numPartitions) tasks, writes shuffle \(id) (\(p.numPartitions) partitions)"
            case .result:
                kind = "ResultStage \(stage.id): \(stage.numPartitions) tasks"
            case .write(let spec):
                kind = "ResultStage \(stage.id): \(stage.numPartitions) tasks, writes \(spec.format.name) files"
            }
            let parents = stage.parents.isEmpty ? "" : ", parents [\(stage.parents.map(\.description).joined(separator: ", "))]"
            s += kind + parents + "\n" + stage.plan.treeString("   ")
        }
        return s
    }
}
