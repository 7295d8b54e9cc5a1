// SelectiveJoinPlacement: in a tree of inner joins, a small filtered input (a dimension such as
// TPC-H's `nation` filtered to FRANCE and GERMANY) is joined first with the input its equi-join
// key points to, instead of where the query wrote it. Q07 joins supplier, lineitem, orders and
// customer before the two filtered nations: joined to supplier (and customer) first, they cut
// the supplier rows to 2 of 25 nations before lineitem meets them, and everything after the
// first join carries a twelfth of the rows. Spark joins in the written order unless cost-based
// optimization is on; DuckDB and Polars reorder.
//
//   ((((S ⋈ L) ⋈ O) ⋈ C) ⋈ n1) ⋈ n2    n1 on s_nationkey, n2 on c_nationkey
//   → Project(original column order, (((S ⋈ n1) ⋈ L) ⋈ O) ⋈ (C ⋈ n2))
//
// How: the maximal tree of inner joins is flattened into its inputs (leaves) and the conjuncts
// of all its conditions. A leaf is selective when a filter sits on it (under projections) and its
// estimated size is at most the broadcast threshold. A selective leaf with an equality conjunct
// (`=` or `<=>`) between itself and exactly one other, non-selective leaf moves next to that leaf;
// the tree keeps its shape otherwise, and a move that would leave a join without a condition
// (inputs that met only through the moved one) is not made. Every conjunct then goes to the lowest join whose
// inputs hold all its columns (for inner joins that is where the same rows meet it), and a
// projection on top puts the columns back in the original order. Inner joins only: the result is
// the same set of rows. A leaf already joined directly with its target stays where it is, and a
// tree where nothing moves is returned unchanged.
//
// Only with adaptive execution on, and not for writes: the moved pair's size is estimated as a
// product (Spark's estimate), so a join that broadcast the target at planning time becomes a
// shuffled one, which adaptive execution turns back into a broadcast once the pair's small output
// is known; it does not in a write's last stage.

extension Optimizer {
    /// `maxBytes`: the largest estimated size of a filtered input that is joined early.
    static func placeSelectiveJoins(_ plan: ResolvedPlan, maxBytes: Int64) -> ResolvedPlan {
        if case .join(let j, _, _) = plan, j.type == .inner {
            let tree = InnerJoinTree(plan, maxBytes: maxBytes)
            if let placed = tree.placingSelectiveLeaves() { return placed }
            var next = 0
            return tree.withLeaves(plan, next: &next)
        }
        return plan.withNewChildren(plan.children.map { placeSelectiveJoins($0, maxBytes: maxBytes) })
    }
}

/// A maximal tree of inner joins: its inputs, its shape and its conditions' conjuncts, with
/// columns numbered as in the tree's output (leaf by leaf, left to right).
struct InnerJoinTree {
    indirect enum Shape: Equatable {
        case leaf(Int)
        case join(Shape, Shape)

        var leaves: [Int] {
            switch self {
            case .leaf(let i): return [i]
            case .join(let a, let b): return a.leaves + b.leaves
            }
        }
    }

    var leaves: [ResolvedPlan] = []
    /// The first output column of each leaf.
    var offsets: [Int] = []
    var shape: Shape = .leaf(0)
    var conjuncts: [BoundExpression] = []
    let schema: StructType
    let maxBytes: Int64
    /// Joins of the tree without a condition (cross products).
    var unconditionedJoins = 0

    init(_ root: ResolvedPlan, maxBytes: Int64) {
        schema = root.schema
        self.maxBytes = maxBytes
        var width = 0
        shape = flatten(root, offset: 0, width: &width)
    }

    /// Adds the leaves and conjuncts under `plan`, whose first column is `offset`.
    private mutating func flatten(_ plan: ResolvedPlan, offset: Int, width: inout Int) -> Shape {
        guard case .join(let j, let l, let r) = plan, j.type == .inner else {
            leaves.append(Optimizer.placeSelectiveJoins(plan, maxBytes: maxBytes))
            offsets.append(offset)
            width += plan.schema.count
            return .leaf(leaves.count - 1)
        }
        let left = flatten(l, offset: offset, width: &width)
        let right = flatten(r, offset: offset + l.schema.count, width: &width)
        if let c = j.condition { conjuncts += c.conjuncts.map { $0.shiftingColumns(by: offset) } } else { unconditionedJoins += 1 }
        return .join(left, right)
    }

    /// `plan` (the tree's root, or a join in it) as it was, over the leaves as placed inside.
    func withLeaves(_ plan: ResolvedPlan, next: inout Int) -> ResolvedPlan {
        guard case .join(let j, let l, let r) = plan, j.type == .inner else {
            next += 1
            return leaves[next - 1]
        }
        let left = withLeaves(l, next: &next)
        return .join(j, left, withLeaves(r, next: &next))
    }

    /// The leaf holding output column `column`.
    func leaf(of column: Int) -> Int {
        var k = 0
        while k + 1 < offsets.count && offsets[k + 1] <= column { k += 1 }
        return k
    }

    func leaves(of e: BoundExpression) -> Set<Int> { Set(e.referencedColumns.map(leaf(of:))) }

    /// Whether a filter sits on the plan, under projections and hints.
    static func isFiltered(_ plan: ResolvedPlan) -> Bool {
        switch plan {
        case .filter: return true
        case .project(_, _, let c), .broadcastHint(let c): return isFiltered(c)
        default: return false
        }
    }

    /// The rewritten tree, or nil when no selective leaf moves.
    func placingSelectiveLeaves() -> ResolvedPlan? {
        let selective = leaves.indices.filter { Self.isFiltered(leaves[$0]) && leaves[$0].estimatedSizeInBytes <= maxBytes }
        guard !selective.isEmpty else { return nil }
        var newShape = shape
        for r in selective {
            guard let target = target(of: r, selective: Set(selective)), !Self.joinsDirectly(shape, r, target) else { continue }
            guard let without = Self.removing(r, from: newShape) else { continue }
            newShape = Self.replacing(target, with: .join(.leaf(target), .leaf(r)), in: without)
        }
        guard newShape != shape else { return nil }
        return build(newShape)
    }

    /// Whether a conjunct ties two inputs by equality (a hash join's key).
    static func isEquality(_ e: BoundExpression) -> (BoundExpression, BoundExpression)? {
        switch e {
        case .comparison(.equal, let a, let b), .equalNullSafe(let a, let b): return (a, b)
        default: return nil
        }
    }

    /// The one non-selective leaf an equality conjunct ties leaf `r` to (one side reading only `r`,
    /// the other only that leaf); nil when there is none or more than one.
    func target(of r: Int, selective: Set<Int>) -> Int? {
        var targets = Set<Int>()
        for c in conjuncts {
            guard let (a, b) = Self.isEquality(c) else { continue }
            let la = leaves(of: a), lb = leaves(of: b)
            guard la.count == 1, lb.count == 1 else { continue }
            if la == [r], let t = lb.first, t != r { targets.insert(t) }
            if lb == [r], let t = la.first, t != r { targets.insert(t) }
        }
        guard targets.count == 1, let t = targets.first, !selective.contains(t) else { return nil }
        return t
    }

    /// Whether leaves `a` and `b` are the two inputs of one join of the shape.
    static func joinsDirectly(_ shape: Shape, _ a: Int, _ b: Int) -> Bool {
        guard case .join(let x, let y) = shape else { return false }
        if (x == .leaf(a) && y == .leaf(b)) || (x == .leaf(b) && y == .leaf(a)) { return true }
        return joinsDirectly(x, a, b) || joinsDirectly(y, a, b)
    }

    /// The shape without leaf `r` (its join replaced by the other input); nil if `r` is the shape.
    static func removing(_ r: Int, from shape: Shape) -> Shape? {
        switch shape {
        case .leaf(let i): return i == r ? nil : shape
        case .join(let a, let b):
            guard let a2 = removing(r, from: a) else { return b }
            guard let b2 = removing(r, from: b) else { return a2 }
            return .join(a2, b2)
        }
    }

    static func replacing(_ leaf: Int, with replacement: Shape, in shape: Shape) -> Shape {
        switch shape {
        case .leaf(let i): return i == leaf ? replacement : shape
        case .join(let a, let b): return .join(replacing(leaf, with: replacement, in: a), replacing(leaf, with: replacement, in: b))
        }
    }

    /// The plan of `newShape`, each conjunct at the lowest join holding its leaves, under a
    /// projection back to the original column order; nil if it has more joins without a
    /// condition than the tree had (inputs that met only through the moved one): no new cross
    /// products.
    func build(_ newShape: Shape) -> ResolvedPlan? {
        var pending = conjuncts.map { (expression: $0, leaves: leaves(of: $0)) }
        var unconditioned = 0
        let (plan, columns) = build(newShape, &pending, &unconditioned)
        guard unconditioned <= unconditionedJoins else { return nil }
        // Conjuncts that read no column (constant after folding) go on the top join.
        var root = plan
        if !pending.isEmpty, case .join(var j, let l, let r) = root {
            j.condition = BoundExpression.conjunction([j.condition].compactMap { $0 } + pending.map(\.expression))
            root = .join(j, l, r)
        }
        // columns[k]: the original output column at position k of the new tree.
        // An inner join's fields are its inputs' as they are: picked back, they are `schema`'s.
        var position = [Int](repeating: 0, count: columns.count)
        for (k, c) in columns.enumerated() { position[c] = k }
        return Optimizer.picking(position, of: root)
    }

    /// Builds `shape`, taking from `pending` the conjuncts its joins hold; returns the plan and
    /// the original column number of each of its output columns.
    private func build(_ shape: Shape, _ pending: inout [(expression: BoundExpression, leaves: Set<Int>)],
                       _ unconditioned: inout Int) -> (ResolvedPlan, [Int]) {
        switch shape {
        case .leaf(let i):
            return (leaves[i], Array(offsets[i]..<(offsets[i] + leaves[i].schema.count)))
        case .join(let a, let b):
            let (left, leftColumns) = build(a, &pending, &unconditioned)
            let (right, rightColumns) = build(b, &pending, &unconditioned)
            let held = Set(shape.leaves)
            let columns = leftColumns + rightColumns
            var local: [Int: Int] = [:]
            for (k, c) in columns.enumerated() { local[c] = k }
            var here: [BoundExpression] = []
            pending.removeAll { item in
                guard !item.leaves.isEmpty, item.leaves.isSubset(of: held) else { return false }
                here.append(item.expression.remapColumns(local))
                return true
            }
            if here.isEmpty { unconditioned += 1 }
            let joined = StructType(left.schema.fields + right.schema.fields)
            return (.join(ResolvedJoin(type: .inner, condition: BoundExpression.conjunction(here), schema: joined), left, right), columns)
        }
    }
}
