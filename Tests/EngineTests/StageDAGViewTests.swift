// The job page's stage DAG is drawn in time linear in the stages, without recursion: a replayed log
// with a long chain of stages used to recurse once per stage, copying the path's set at each step
// and scanning every stage attempt per box (quadratic). Columns follow depth; a cycle in a damaged
// log is ignored, not followed.

@testable import Engine
import Foundation
import Testing

@Suite struct StageDAGViewTests {
    func job(_ parents: [Int: [Int]]) -> (AppStatusStore.JobRow, AppStatusStore.State) {
        let store = AppStatusStore(maxMemory: 0, metrics: nil)
        let stages = parents.keys.sorted().map { JobStageInfo(id: $0, name: "s\($0)", numTasks: 1, parents: parents[$0] ?? [], isShuffleMap: true) }
        store.onEvent(.jobStart(job: 0, stages: stages, time: 1))
        store.onEvent(.stageSubmitted(stage: 0, attempt: 0, name: "s0", tasks: 1, time: 1))
        store.onEvent(.stageSubmitted(stage: 0, attempt: 1, name: "s0", tasks: 1, time: 2))
        let state = store.snapshot
        return (state.jobs[0]!, state)
    }

    /// Each drawn stage's box position, from the SVG.
    func boxes(_ svg: String) -> [Int: (x: Int, y: Int)] {
        var found: [Int: (Int, Int)] = [:]
        for part in svg.components(separatedBy: "data-stage=\"").dropFirst() {
            let id = Int(part.prefix { $0 != "\"" }) ?? -1
            func attribute(_ name: String) -> Int {
                Int(part.components(separatedBy: " \(name)=\"").dropFirst().first?.prefix { $0 != "\"" } ?? "") ?? -1
            }
            found[id] = (attribute("x"), attribute("y"))
        }
        return found
    }

    @Test func aLongChainIsDrawnOneColumnPerStage() {
        let n = 50_000
        let (row, state) = job(Dictionary(uniqueKeysWithValues: (0..<n).map { ($0, $0 == 0 ? [] : [$0 - 1]) }))
        let drawn = boxes(StageDAGView.svg(row, state).markup)
        #expect(drawn.count == n)
        #expect((0..<n).allSatisfy { drawn[$0]?.x == 10 + $0 * 270 && drawn[$0]?.y == 10 })
    }

    @Test func columnsFollowDepthAndACycleIsIgnored() {
        // 0 → 1 → 3, 0 → 2 → 3, 3 → 4; 5 ↔ 6 (a damaged log); 7 names a parent not in the job.
        let parents = [0: [], 1: [0], 2: [0], 3: [1, 2], 4: [3], 5: [6], 6: [5], 7: [99]]
        #expect(StageDAGView.depths(of: Array(parents.keys), parents: parents) == [0: 0, 1: 1, 2: 1, 3: 2, 4: 3, 5: 1, 6: 0, 7: 0])
        let (row, state) = job(parents)
        let drawn = boxes(StageDAGView.svg(row, state).markup)
        #expect(drawn[3]?.x == 10 + 2 * 270 && drawn[2]?.y == 80, "stage 2 is the second box of column 1")
        #expect(StageDAGView.svg(row, state).markup.contains("Stage 0</tspan> · ACTIVE"), "the latest attempt's state")
    }
}
