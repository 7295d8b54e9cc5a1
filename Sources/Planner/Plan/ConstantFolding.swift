// ConstantFolding: an expression that reads no column is evaluated once, while planning, and
// replaced by its value (`lit(1) + 2` → 3, a date literal's cast → the date). A filter whose
// condition folds to true is dropped.

extension Optimizer {
    static func foldConstants(_ plan: ResolvedPlan) -> ResolvedPlan {
        plan.transformUp { node in
            let folded = node.mappingExpressions(fold)
            if case .filter(.literal(.boolean(true), _), let child) = folded { return child }
            return folded
        }
    }

    static func fold(_ e: BoundExpression) -> BoundExpression {
        e.transformUp { node in
            guard !node.children.isEmpty, node.children.allSatisfy(isLiteral), !isArray(node.dataType) else { return node }
            let one = ColumnarBatch(schema: StructType([]), columns: [], numRows: 1)
            guard let v = try? node.evaluate(one), v.count == 1 else { return node }
            return .literal(v.value(at: 0), node.dataType)
        }
    }

    static func isLiteral(_ e: BoundExpression) -> Bool { if case .literal = e { return true } else { return false } }
    static func isArray(_ t: DataType) -> Bool { if case .array = t { return true } else { return false } }
}

extension ResolvedPlan {
    /// The same node with `f` applied to each of its own expressions (not its children's).
    func mappingExpressions(_ f: (BoundExpression) -> BoundExpression) -> ResolvedPlan {
        switch self {
        case .scan, .range, .cache, .coalesce, .union, .broadcastHint, .limit, .generate, .window: return self
        case .repartition(.hash(let keys, let n), let c): return .repartition(.hash(keys.map(f), n), c)
        case .repartition: return self
        case .project(let es, let s, let c): return .project(es.map(f), s, c)
        case .filter(let e, let c): return .filter(f(e), c)
        case .aggregate(let k, let a, let s, let c):
            return .aggregate(keys: k.map(f), aggregates: a.map { BoundAggregate(function: $0.function, input: $0.input.map(f), name: $0.name) }, s, c)
        case .sortWithinPartitions(let o, let c):
            return .sortWithinPartitions(o.map { BoundSortOrder(expression: f($0.expression), ascending: $0.ascending, nullsFirst: $0.nullsFirst) }, c)
        case .sort(let o, let c):
            return .sort(o.map { BoundSortOrder(expression: f($0.expression), ascending: $0.ascending, nullsFirst: $0.nullsFirst) }, c)
        case .join(var j, let l, let r):
            j.condition = j.condition.map(f)
            return .join(j, l, r)
        }
    }
}
