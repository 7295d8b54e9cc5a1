// Analyzer+Join: resolves `join` — the condition over both inputs' columns, Spark's output columns
// for each join type (semi and anti joins keep only the left's), the nullability outer joins add,
// and `using` joins: key columns once, first, then the other columns of each side.

extension Analyzer {
    static func resolveJoin(_ left: (ResolvedPlan, Scope), _ right: (ResolvedPlan, Scope), _ type: JoinType,
                            _ criteria: JoinCriteria) throws -> (ResolvedPlan, Scope) {
        let (l, ls) = left, (r, rs) = right
        let both = ls + rs
        var condition: BoundExpression? = nil
        var usingKeys: [(left: Int, right: Int)] = []
        switch criteria {
        case .none:
            break
        case .on(let e):
            let b = asCondition(try bind(e, both))
            guard b.dataType == .boolean else {
                throw EmberError(.analysis, "join condition '\(e.displayName)' is of type \(b.dataType), not boolean",
                                 hint: "compare columns of the two sides, e.g. left[\"id\"] === right[\"id\"]")
            }
            condition = b
        case .using(let names):
            for name in names {
                let li = try resolveUsingColumn(name, ls, side: "left")
                let ri = try resolveUsingColumn(name, rs, side: "right")
                usingKeys.append((li, ri))
                let eq = try bindBinary(.equal, .column(li, l.schema.fields[li].dataType),
                                        .column(l.schema.count + ri, r.schema.fields[ri].dataType),
                                        .binary(.equal, .column(name), .column(name)))
                condition = condition.map { .and($0, eq) } ?? eq
            }
        }
        let lf = l.schema.fields.map { f in StructField(f.name, f.dataType, nullable: f.nullable || type.keepsUnmatchedRight) }
        let rf = r.schema.fields.map { f in StructField(f.name, f.dataType, nullable: f.nullable || type.keepsUnmatchedLeft) }
        let joinSchema = StructType(type.outputsRightColumns ? lf + rf : lf)
        let joinScope = type.outputsRightColumns ? Scope(joinSchema, qualifiers: both.qualifiers) : Scope(joinSchema, qualifiers: ls.qualifiers)
        let joined = ResolvedPlan.join(ResolvedJoin(type: type, condition: condition, schema: joinSchema), l, r)
        if usingKeys.isEmpty { return (joined, joinScope) }
        return usingOutput(joined, joinScope, usingKeys, type, leftCount: l.schema.count)
    }

    static func resolveUsingColumn(_ name: String, _ scope: Scope, side: String) throws -> Int {
        do {
            return try scope.resolve(name)
        } catch let error as EmberError {
            throw EmberError(.analysis, "using column `\(name)` cannot be resolved on the \(side) side of the join",
                             context: [.init("column", name)], hint: error.hint)
        }
    }

    /// Spark's output of a `using` join: each key once (the left's, the right's for a right outer
    /// join, coalesce of both for a full outer join), then the left's other columns, then the right's.
    static func usingOutput(_ joined: ResolvedPlan, _ scope: Scope, _ keys: [(left: Int, right: Int)], _ type: JoinType,
                            leftCount: Int) -> (ResolvedPlan, Scope) {
        let fields = joined.schema.fields
        var exprs: [BoundExpression] = []
        var out: [StructField] = []
        var qualifiers: [[String]] = []
        for key in keys {
            let li = key.left, ri = leftCount + key.right
            let lt = fields[li].dataType
            switch type {
            case .rightOuter:
                exprs.append(.column(ri, fields[ri].dataType))
                out.append(StructField(fields[li].name, fields[ri].dataType, nullable: fields[ri].nullable))
            case .fullOuter:
                let rt = fields[ri].dataType
                let t = lt == rt ? lt : (commonType(lt, rt) ?? lt)
                let a: BoundExpression = lt == t ? .column(li, lt) : .cast(.column(li, lt), t)
                let b: BoundExpression = rt == t ? .column(ri, rt) : .cast(.column(ri, rt), t)
                exprs.append(.coalesce([a, b], t))
                out.append(StructField(fields[li].name, t, nullable: fields[li].nullable && fields[ri].nullable))
            default:
                exprs.append(.column(li, lt))
                out.append(fields[li])
            }
            // The key answers to the side whose value it holds; after a full outer join it is
            // neither side's (Spark keeps each side's key hidden; here `df["k"]` is then an error,
            // never the other side's value).
            switch type {
            case .rightOuter: qualifiers.append(scope.qualifiers[ri])
            case .fullOuter: qualifiers.append([])
            default: qualifiers.append(scope.qualifiers[li])
            }
        }
        let leftKeys = Set(keys.map(\.left)), rightKeys = Set(keys.map { leftCount + $0.right })
        for i in fields.indices where !(i < leftCount ? leftKeys.contains(i) : rightKeys.contains(i)) {
            exprs.append(.column(i, fields[i].dataType))
            out.append(fields[i])
            qualifiers.append(scope.qualifiers[i])
        }
        let schema = StructType(out)
        return (.project(exprs, schema, joined), Scope(schema, qualifiers: qualifiers))
    }
}
