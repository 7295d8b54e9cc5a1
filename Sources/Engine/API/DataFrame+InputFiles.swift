// DataFrame.inputFiles: the files a DataFrame reads (Spark's `Dataset.inputFiles`), as the reader
// found them: the paths given and the files of the splits planned from them. The writer uses it to
// refuse an output that is one of the inputs.

import Planner

extension DataFrame {
    /// The paths this DataFrame reads from, files and directories, without duplicates.
    public var inputFiles: [String] {
        var seen = Set<String>()
        var result: [String] = []
        func visit(_ plan: LogicalPlan) {
            switch plan {
            case .relation(let relation):
                for path in relation.paths + relation.splits.map(\.path) where seen.insert(path).inserted { result.append(path) }
            case .range:
                break
            case .cache(_, _, let child), .repartition(_, _, let child), .project(_, let child), .filter(_, let child),
                 .aggregate(_, _, let child), .sort(_, let child), .limit(_, let child),
                 .sortWithinPartitions(_, let child):
                visit(child)
            }
        }
        visit(plan)
        return result
    }
}
