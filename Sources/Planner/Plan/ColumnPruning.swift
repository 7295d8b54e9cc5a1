// ColumnPruning: every node asks its children only for the columns it reads, so scans parse only
// those CSV fields and shuffles carry only what is used. Joins split the request between their
// sides (plus the condition's columns); unions ask every child for the same positions.

extension Optimizer {
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
            return pruneFilter(cond, child, needed: needed, narrow: true)
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
        case .coalesce(let n, let child):
            let (c, m) = prune(child, needed: needed)
            return (.coalesce(n, c), m)
        case .project(let exprs, let schema, let child):
            let keep = exprs.indices.filter { needed.contains($0) }
            var childNeeded = Set<Int>()
            for i in keep { childNeeded.formUnion(exprs[i].referencedColumns) }
            // A filter right below narrows through this projection (the filter copies only what it reads).
            let (c, m) = if case .filter(let cond, let grandchild) = child {
                pruneFilter(cond, grandchild, needed: childNeeded, narrow: false)
            } else {
                prune(child, needed: childNeeded)
            }
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
        case .broadcastHint(let child):
            let (c, m) = prune(child, needed: needed)
            return (.broadcastHint(c), m)
        case .join(let j, let l, let r):
            return pruneJoin(j, l, r, needed: needed)
        case .window(let w, _, let child):
            return pruneWindow(w, child, needed: needed)
        case .union(let cs, let schema):
            return pruneUnion(cs, schema, needed: needed)
        }
    }

    /// A filter asks its child for what is needed above plus what its condition reads. With
    /// `narrow`, columns only the condition reads are dropped right after it by a projection (a
    /// filter under a projection copies only what the projection reads), so exchanges, joins and
    /// aggregates above never carry them, as Spark's ColumnPruning puts a Project over the Filter.
    static func pruneFilter(_ cond: BoundExpression, _ child: ResolvedPlan, needed: Set<Int>, narrow: Bool) -> (ResolvedPlan, [Int: Int]) {
        let (c, m) = prune(child, needed: needed.union(cond.referencedColumns))
        let filter = ResolvedPlan.filter(cond.remapColumns(m), c)
        let kept = needed.sorted().filter { m[$0] != nil }
        guard narrow, !kept.isEmpty, kept.count < c.schema.count else { return (filter, m) }
        var mapping: [Int: Int] = [:]
        for (new, old) in kept.enumerated() { mapping[old] = new }
        return (picking(kept.map { m[$0]! }, of: filter), mapping)
    }

    /// A projection of `plan`'s columns at `positions`, in that order, under their own names.
    static func picking(_ positions: [Int], of plan: ResolvedPlan) -> ResolvedPlan {
        let fields = positions.map { plan.schema.fields[$0] }
        return .project(positions.enumerated().map { .column($1, fields[$0].dataType) }, StructType(fields), plan)
    }

    static func pruneJoin(_ j: ResolvedJoin, _ l: ResolvedPlan, _ r: ResolvedPlan, needed: Set<Int>) -> (ResolvedPlan, [Int: Int]) {
        let lc = l.schema.count
        var all = needed
        if let c = j.condition { all.formUnion(c.referencedColumns) }
        let (nl, ml) = prune(l, needed: Set(all.filter { $0 < lc }))
        let (nr, mr) = prune(r, needed: Set(all.filter { $0 >= lc }.map { $0 - lc }))
        let nlc = nl.schema.count
        var mapping: [Int: Int] = [:]
        for (old, new) in ml { mapping[old] = new }
        for (old, new) in mr { mapping[lc + old] = nlc + new }
        let fields = j.schema.fields
        let outCount = j.type.outputsRightColumns ? nlc + nr.schema.count : nlc
        var out = [StructField?](repeating: nil, count: outCount)
        for (old, new) in mapping where new < outCount && old < fields.count { out[new] = fields[old] }
        // Columns a child kept beyond what was asked keep their own field (with the join's nullability).
        let childFields = nl.schema.fields + (j.type.outputsRightColumns ? nr.schema.fields : [])
        let schema = StructType(out.enumerated().map { i, f in
            f ?? StructField(childFields[i].name, childFields[i].dataType, nullable: true)
        })
        let condition = j.condition?.remapColumns(mapping)
        let outMapping = mapping.filter { $0.value < outCount }
        return (.join(ResolvedJoin(type: j.type, condition: condition, schema: schema), nl, nr), outMapping)
    }

    /// Drops the window functions no one reads (the whole operator when none is read) and asks the
    /// child for the columns passed through plus what the operator reads.
    static func pruneWindow(_ w: BoundWindow, _ child: ResolvedPlan, needed: Set<Int>) -> (ResolvedPlan, [Int: Int]) {
        let n = child.schema.count
        let kept = w.functions.indices.filter { needed.contains(n + $0) }
        let passed = needed.filter { $0 < n }
        if kept.isEmpty { return prune(child, needed: passed) }
        var window = w
        window.functions = kept.map { w.functions[$0] }
        let (c, m) = prune(child, needed: passed.union(window.referencedColumns))
        window = window.remapColumns(m)
        var mapping = m.filter { $0.key < n }
        let newCount = c.schema.count
        for (k, j) in kept.enumerated() { mapping[n + j] = newCount + k }
        return (.window(window, window.schema(child: c.schema), c), mapping)
    }

    static func pruneUnion(_ children: [ResolvedPlan], _ schema: StructType, needed: Set<Int>) -> (ResolvedPlan, [Int: Int]) {
        var keep = needed.sorted().filter { $0 < schema.count }
        if keep.isEmpty { keep = [0] }   // row counts still need one column
        let pruned = children.map { child -> ResolvedPlan in
            let (c, m) = prune(child, needed: Set(keep))
            let picks = keep.map { m[$0] ?? $0 }
            return picks == Array(0..<c.schema.count) ? c : picking(picks, of: c)
        }
        var mapping: [Int: Int] = [:]
        for (new, old) in keep.enumerated() { mapping[old] = new }
        return (.union(pruned, StructType(keep.map { schema.fields[$0] })), mapping)
    }
}
