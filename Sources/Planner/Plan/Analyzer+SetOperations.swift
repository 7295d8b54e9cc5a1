// Analyzer+SetOperations: `union`/`unionByName`, `distinct`, `intersect` and `subtract`, as Spark
// resolves them: union matches columns by position (or by name), widens each column to a common
// type and keeps duplicates; distinct is an aggregate over every column; intersect and subtract are
// distinct left rows with (intersect) or without (subtract) an equal row on the right, where nulls
// count as equal (a semi or anti join on `<=>` of every column).

extension Analyzer {
    static func resolveUnion(_ left: (ResolvedPlan, Scope), _ right: (ResolvedPlan, Scope), byName: Bool,
                             allowMissingColumns: Bool) throws -> (ResolvedPlan, Scope) {
        var (l, ls) = left
        var r = right.0
        if byName { (l, r) = try alignByName(l, r, allowMissingColumns: allowMissingColumns); ls = Scope(l.schema, qualifiers: ls.qualifiers + Array(repeating: [], count: l.schema.count - ls.schema.count)) }
        let (lc, rc, schema) = try widenToCommonTypes(l, r, "union")
        var children: [ResolvedPlan] = []
        for c in [lc, rc] {
            if case .union(let nested, _) = c { children += nested } else { children.append(c) }
        }
        return (.union(children, schema), ls.withSchema(schema))
    }

    /// Reorders the right side's columns to the left's names; with `allowMissingColumns`, a column
    /// only one side has is added to the other as nulls (the right's extra columns go last).
    static func alignByName(_ l: ResolvedPlan, _ r: ResolvedPlan, allowMissingColumns: Bool) throws -> (ResolvedPlan, ResolvedPlan) {
        let lf = l.schema.fields, rf = r.schema.fields
        var rightExprs: [BoundExpression] = []
        var rightFields: [StructField] = []
        for f in lf {
            if let i = r.schema.index(of: f.name) {
                rightExprs.append(.column(i, rf[i].dataType))
                rightFields.append(StructField(f.name, rf[i].dataType, nullable: rf[i].nullable))
            } else if allowMissingColumns {
                rightExprs.append(.literal(.null, f.dataType))
                rightFields.append(StructField(f.name, f.dataType))
            } else {
                throw EmberError(.analysis, "unionByName: column `\(f.name)` of the first input is not in the second input",
                                 context: [.init("column", f.name)],
                                 hint: "the second input has [\(r.schema.names.joined(separator: ", "))]; pass allowMissingColumns: true to fill it with nulls")
            }
        }
        var leftExprs = lf.indices.map { BoundExpression.column($0, lf[$0].dataType) }
        var leftFields = lf
        for (i, f) in rf.enumerated() where l.schema.index(of: f.name) == nil {
            guard allowMissingColumns else {
                throw EmberError(.analysis, "unionByName: column `\(f.name)` of the second input is not in the first input",
                                 context: [.init("column", f.name)], hint: "pass allowMissingColumns: true to fill it with nulls")
            }
            leftExprs.append(.literal(.null, f.dataType))
            leftFields.append(StructField(f.name, f.dataType))
            rightExprs.append(.column(i, f.dataType))
            rightFields.append(f)
        }
        let newLeft = leftFields.count == lf.count ? l : ResolvedPlan.project(leftExprs, StructType(leftFields), l)
        return (newLeft, .project(rightExprs, StructType(rightFields), r))
    }

    /// Casts both sides' columns to common types, position by position; names come from the left.
    static func widenToCommonTypes(_ l: ResolvedPlan, _ r: ResolvedPlan, _ operation: String) throws -> (ResolvedPlan, ResolvedPlan, StructType) {
        let lf = l.schema.fields, rf = r.schema.fields
        guard lf.count == rf.count else {
            throw EmberError(.analysis, "\(operation) can only be performed on inputs with the same number of columns, "
                             + "but the first input has \(lf.count) columns and the second input has \(rf.count) columns",
                             hint: "select the same columns on both sides (or use unionByName)")
        }
        var fields: [StructField] = []
        for (i, (a, b)) in zip(lf, rf).enumerated() {
            // A bare NULL has no type of its own (Spark's NullType): it takes the other side's.
            let t = isNullLiteralColumn(l, i) ? b.dataType : isNullLiteralColumn(r, i) ? a.dataType : setOperationType(a.dataType, b.dataType)
            guard let t else {
                throw EmberError(.analysis, "\(operation): column `\(a.name)` is \(a.dataType) in the first input but \(b.dataType) in the second",
                                 context: [.init("column", a.name)], hint: "cast one side so both have the same type")
            }
            fields.append(StructField(a.name, t, nullable: a.nullable || b.nullable))
        }
        func cast(_ p: ResolvedPlan) -> ResolvedPlan {
            let pf = p.schema.fields
            if zip(pf, fields).allSatisfy({ $0.dataType == $1.dataType }) { return p }
            let exprs = pf.indices.map { i -> BoundExpression in
                let c = BoundExpression.column(i, pf[i].dataType)
                return pf[i].dataType == fields[i].dataType ? c : .cast(c, fields[i].dataType)
            }
            return .project(exprs, StructType(zip(pf, fields).map { StructField($0.name, $1.dataType, nullable: $0.nullable) }), p)
        }
        return (cast(l), cast(r), StructType(fields))
    }

    /// Whether column `i` of `plan` is a bare NULL literal in every row.
    static func isNullLiteralColumn(_ plan: ResolvedPlan, _ i: Int) -> Bool {
        switch plan {
        case .project(let exprs, _, _): return i < exprs.count && isNullLiteral(exprs[i])
        case .union(let children, _): return !children.isEmpty && children.allSatisfy { isNullLiteralColumn($0, i) }
        default: return false
        }
    }

    /// Spark's widening of an inline table's (VALUES) column, `findWiderTypeWithoutStringPromotion`:
    /// numbers to double, date and timestamp to timestamp, arrays by their elements; nil (an
    /// error) for anything else: unlike a set operation, no type becomes a string.
    static func inlineTableType(_ a: DataType, _ b: DataType) -> DataType? {
        if let t = commonType(a, b) { return t }
        if Set([a, b]) == [.date, .timestamp] { return .timestamp }
        if case .array(let x) = a, case .array(let y) = b { return inlineTableType(x, y).map { .array($0) } }
        return nil
    }

    /// Spark's widening for set operations: numbers to double, date and timestamp to timestamp,
    /// and a string with any atomic type to string.
    static func setOperationType(_ a: DataType, _ b: DataType) -> DataType? {
        if a == b { return a }
        if let t = commonType(a, b) { return t }
        if Set([a, b]) == [.date, .timestamp] { return .timestamp }
        if case .array = a { return nil }
        if case .array = b { return nil }
        if a == .string || b == .string { return .string }
        return nil
    }

    static func resolveDistinct(_ child: (ResolvedPlan, Scope)) throws -> (ResolvedPlan, Scope) {
        let (c, scope) = child
        let fields = c.schema.fields
        if let f = fields.first(where: { if case .array = $0.dataType { return true } else { return false } }) {
            throw EmberError(.analysis, "distinct cannot compare column `\(f.name)` of type \(f.dataType)",
                             context: [.init("column", f.name)], hint: "explode the array first, or drop the column")
        }
        let keys = fields.indices.map { BoundExpression.column($0, fields[$0].dataType) }
        return (.aggregate(keys: keys, aggregates: [], c.schema, c), scope)
    }

    /// Spark's Deduplicate, planned as Spark replaces it: an aggregate by the columns that keeps
    /// `first` of every other column (all from the same row: the accumulators see rows in one
    /// order), then the columns back in their order.
    static func resolveDropDuplicates(_ names: [String], _ child: (ResolvedPlan, Scope)) throws -> (ResolvedPlan, Scope) {
        let (c, scope) = child
        var keys: [Int] = []
        for name in names {
            let i = try scope.resolve(name)
            if !keys.contains(i) { keys.append(i) }
        }
        if keys.isEmpty { return try resolveDistinct(child) }
        let fields = c.schema.fields
        if let f = keys.map({ fields[$0] }).first(where: { if case .array = $0.dataType { return true } else { return false } }) {
            throw EmberError(.analysis, "dropDuplicates cannot compare column `\(f.name)` of type \(f.dataType)",
                             context: [.init("column", f.name)], hint: "explode the array first, or deduplicate on other columns")
        }
        let others = fields.indices.filter { !keys.contains($0) }
        let aggregates = others.map { BoundAggregate(function: .first, input: .column($0, fields[$0].dataType), name: fields[$0].name) }
        let aggregateSchema = StructType(keys.map { fields[$0] } + others.map { StructField(fields[$0].name, fields[$0].dataType) })
        let aggregate = ResolvedPlan.aggregate(keys: keys.map { .column($0, fields[$0].dataType) }, aggregates: aggregates, aggregateSchema, c)
        let position = Dictionary(uniqueKeysWithValues: (keys + others).enumerated().map { ($1, $0) })
        let back = fields.indices.map { BoundExpression.column(position[$0]!, fields[$0].dataType) }
        return (.project(back, c.schema, aggregate), scope)
    }

    static func resolveSetOperation(_ left: (ResolvedPlan, Scope), _ right: (ResolvedPlan, Scope), _ type: JoinType,
                                    _ operation: String) throws -> (ResolvedPlan, Scope) {
        let (l, r, schema) = try widenToCommonTypes(left.0, right.0, operation)
        let n = schema.count
        let condition = (0..<n).map { i -> BoundExpression in
            .equalNullSafe(.column(i, schema.fields[i].dataType), .column(n + i, schema.fields[i].dataType))
        }.reduce(nil as BoundExpression?) { acc, e in acc.map { .and($0, e) } ?? e }
        let joined = ResolvedPlan.join(ResolvedJoin(type: type, condition: condition, schema: l.schema), l, r)
        return try resolveDistinct((joined, left.1.withSchema(l.schema)))
    }
}
