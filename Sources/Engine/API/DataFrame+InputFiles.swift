// DataFrame.inputFiles: the files a DataFrame reads (Spark's `Dataset.inputFiles`), as the reader
// found them: the paths given and the files of the splits planned from them. The writer uses it to
// refuse an output that is one of the inputs.

@_spi(EmberInternal) import Planner

extension DataFrame {
    /// The paths this DataFrame reads from, files and directories, without duplicates.
    public var inputFiles: [String] {
        var seen = Set<String>()
        var result: [String] = []
        func visit(_ plan: LogicalPlan) {
            switch plan {
            case .relation(let relation):
                for path in relation.paths + relation.splits.map(\.path) where seen.insert(path).inserted { result.append(path) }
            default:
                plan.children.forEach(visit)
            }
        }
        visit(plan)
        return result
    }
}
