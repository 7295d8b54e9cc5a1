// Optimizer: rule-based rewrites of a ResolvedPlan.
//   1. CombineFilters:  Filter(a, Filter(b, x)) → Filter(b AND a, x)
//   2. ColumnPruning:   every node asks its child only for the columns it reads; scans then parse
//                       only those CSV fields.
// Two-phase aggregation is introduced by the PhysicalPlanner, where the exchange appears.

public enum Optimizer {
    public static func optimize(_ plan: ResolvedPlan) -> ResolvedPlan {
        let combined = combineFilters(plan)
        let (pruned, _) = prune(combined, needed: Set(combined.schema.fields.indices))
        return pruned
    }

    static func combineFilters(_ plan: ResolvedPlan) -> ResolvedPlan {
        switch plan {
        case .scan, .range: return plan
        case .repartition(let p, let c): return .repartition(p, combineFilters(c))
        case .cache(let id, let level, let c): return .cache(id: id, level, combineFilters(c))
        case .filter(let a, let child):
            let c = combineFilters(child)
            if case .filter(let b, let grandchild) = c { return .filter(.and(b, a), grandchild) }
            return .filter(a, c)
        case .project(let e, let s, let c): return .project(e, s, combineFilters(c))
        case .generate(let g, let c): return .generate(g, combineFilters(c))
        case .aggregate(let k, let a, let s, let c): return .aggregate(keys: k, aggregates: a, s, combineFilters(c))
        case .sort(let o, let c): return .sort(o, combineFilters(c))
        case .sortWithinPartitions(let o, let c): return .sortWithinPartitions(o, combineFilters(c))
        case .limit(let n, let c): return .limit(n, combineFilters(c))
        }
    }

    /// Rewrites `plan` so that it produces at least the output columns in `needed` (and possibly
    /// fewer columns than before). Returns the new plan and where each old output index went.
    static func prune(_ plan: ResolvedPlan, needed: Set<Int>) -> (ResolvedPlan, [Int: Int]) {
        switch plan {
        case .scan(var scan):
            var keep = needed.sorted().filter { $0 < scan.requiredColumns.count }
            if keep.isEmpty && !scan.requiredColumns.isEmpty { keep = [0] }   // row counts still need one column
            var mapping: [Int: Int] = [:]
            for (new, old) in keep.enumerated() { mapping[old] = new }
            scan.requiredColumns = keep.map { scan.requiredColumns[$0] }
            return (.scan(scan), mapping)
        case .range:
            return (plan, [0: 0])
        case .cache(let id, let level, let child):
            // A cached plan keeps all its columns, whatever this query reads, so every query over
            // it finds the same blocks; pruning continues below it on its own output.
            let all = Set(child.schema.fields.indices)
            let (c, _) = prune(child, needed: all)
            return (.cache(id: id, level, c), Dictionary(uniqueKeysWithValues: all.map { ($0, $0) }))
        case .repartition(let partitioning, let child):
            switch partitioning {
            case .hash(let keys, let n):
                var childNeeded = needed
                for k in keys { childNeeded.formUnion(k.referencedColumns) }
                let (c, m) = prune(child, needed: childNeeded)
                return (.repartition(.hash(keys.map { $0.remapColumns(m) }, n), c), m)
            default:
                let (c, m) = prune(child, needed: needed)
                return (.repartition(partitioning, c), m)
            }
        case .filter(let cond, let child):
            let (c, m) = prune(child, needed: needed.union(cond.referencedColumns))
            return (.filter(cond.remapColumns(m), c), m)
        case .sort(let orders, let child), .sortWithinPartitions(let orders, let child):
            var childNeeded = needed
            for o in orders { childNeeded.formUnion(o.expression.referencedColumns) }
            let (c, m) = prune(child, needed: childNeeded)
            let remapped = orders.map {
                BoundSortOrder(expression: $0.expression.remapColumns(m), ascending: $0.ascending, nullsFirst: $0.nullsFirst)
            }
            if case .sortWithinPartitions = plan { return (.sortWithinPartitions(remapped, c), m) }
            return (.sort(remapped, c), m)
        case .limit(let n, let child):
            let (c, m) = prune(child, needed: needed)
            return (.limit(n, c), m)
        case .project(let exprs, let schema, let child):
            let keep = exprs.indices.filter { needed.contains($0) }
            var childNeeded = Set<Int>()
            for i in keep { childNeeded.formUnion(exprs[i].referencedColumns) }
            let (c, m) = prune(child, needed: childNeeded)
            var mapping: [Int: Int] = [:]
            for (new, old) in keep.enumerated() { mapping[old] = new }
            return (.project(keep.map { exprs[$0].remapColumns(m) }, StructType(keep.map { schema.fields[$0] }), c), mapping)
        case .generate(let g, let child):
            // Output: kept child columns (positions 0..<k) then the element (position k).
            let k = g.keptChildColumns.count
            let keep = (0..<k).filter { needed.contains($0) }
            var childNeeded = Set(keep.map { g.keptChildColumns[$0] })
            childNeeded.formUnion(g.expression.referencedColumns)
            let (c, m) = prune(child, needed: childNeeded)
            var mapping: [Int: Int] = [:]
            for (new, old) in keep.enumerated() { mapping[old] = new }
            mapping[k] = keep.count
            let kept = keep.map { m[g.keptChildColumns[$0]] ?? g.keptChildColumns[$0] }
            let schema = StructType(keep.map { g.schema.fields[$0] } + [g.schema.fields[k]])
            return (.generate(Generator(expression: g.expression.remapColumns(m), keptChildColumns: kept, schema: schema), c), mapping)
        case .aggregate(let keys, let aggs, let schema, let child):
            var childNeeded = Set<Int>()
            for k in keys { childNeeded.formUnion(k.referencedColumns) }
            for a in aggs { if let i = a.input { childNeeded.formUnion(i.referencedColumns) } }
            let (c, m) = prune(child, needed: childNeeded)
            let newAggs = aggs.map { BoundAggregate(function: $0.function, input: $0.input?.remapColumns(m), name: $0.name) }
            let identity = Dictionary(uniqueKeysWithValues: schema.fields.indices.map { ($0, $0) })
            return (.aggregate(keys: keys.map { $0.remapColumns(m) }, aggregates: newAggs, schema, c), identity)
        }
    }
}
