// SQLTranslator+Relations: the FROM clause. Tables are CTEs or views (answering to their name as
// a qualifier, or to an alias), `csv.`path`` reads files, subqueries and VALUES are plans of their
// own, and joins become LogicalPlan.join with the DataFrame API's join types and criteria
// (NATURAL: USING the columns both sides have; a comma: an inner join without a condition).

extension SQLTranslator {
    /// The plan of a FROM clause: its relations joined left to right (empty: one row, no columns).
    func from(_ relations: [SQLRelation]) throws -> LogicalPlan {
        guard var plan = try relations.first.map(relation) else { return Self.oneRow }
        for r in relations.dropFirst() { plan = .join(plan, try relation(r), .inner, .none) }
        return plan
    }

    /// One row without columns: the input of `SELECT 1` (Spark's OneRowRelation).
    static let oneRow = LogicalPlan.project([], .range(RangeSpec(start: 0, end: 1, step: 1, numPartitions: 1)))

    func relation(_ r: SQLRelation) throws -> LogicalPlan {
        var plan: LogicalPlan
        switch r.kind {
        case .table(let name):
            plan = try table(name)
        case .file(let format, let path):
            plan = try at(format.position, width: format.name.count) { try tables.file(format: format.name.lowercased(), path: path.name) }
        case .subquery(let q):
            plan = try self.query(q)
        case .join(let j):
            plan = try join(j)
        case .values(let rows):
            plan = try values(rows, at: r.position)
        case .tableFunction(let name, let args):
            plan = try tableFunction(name, args)
        }
        guard let alias = r.alias else { return plan }
        if !alias.columns.isEmpty { plan = try renamed(plan, to: alias.columns, at: r.position) }
        return .subqueryAlias(alias.name.name, plan)
    }

    /// A CTE or view by name.
    func table(_ name: SQLName) throws -> LogicalPlan {
        if name.parts.count == 1, let cte = ctes[name.last.lowercased()] { return cte }
        if name.parts.count == 1, let view = tables.view(named: name.last) { return view }
        if name.parts.count == 2, ["csv", "text", "parquet", "json", "orc"].contains(name.parts[0].name.lowercased()) {
            return try at(name.position) { try tables.file(format: name.parts[0].name.lowercased(), path: name.last) }
        }
        let candidates = Array(ctes.keys) + tables.viewNames
        var hint = candidates.isEmpty ? "no temporary views exist yet; create one with CREATE TEMPORARY VIEW or df.createOrReplaceTempView"
                                      : "views: \(candidates.sorted().joined(separator: ", "))"
        if let best = NameSuggestions.closest(to: name.dotted, among: candidates) { hint = "did you mean `\(best)`? " + hint }
        throw source.error(.analysis, "the table or view `\(name.dotted)` cannot be found", at: name.position,
                           width: name.dotted.count, hint: hint)
    }

    /// The plan's columns renamed, in order (`AS t(a, b)`, `WITH c(a, b) AS …`).
    func renamed(_ plan: LogicalPlan, to names: [SQLIdentifier], at position: SQLPosition) throws -> LogicalPlan {
        let columns = try scope(of: plan, at: position).schema.names
        guard columns.count == names.count else {
            throw source.error(.analysis, "\(names.count) column names given for \(columns.count) columns (\(columns.joined(separator: ", ")))",
                               at: position, hint: "name every column, in order")
        }
        return .project(zip(columns, names).map { .alias(.column($0), $1.name) }, plan)
    }

    func join(_ j: SQLJoin) throws -> LogicalPlan {
        let left = try relation(j.left), right = try relation(j.right)
        if j.natural {
            let l = try scope(of: left, at: j.position).schema.names, r = try scope(of: right, at: j.position).schema.names
            let common = l.filter { name in r.contains { $0.lowercased() == name.lowercased() } }
            let type: JoinType = j.type == .cross ? .inner : j.type
            return .join(left, right, type, common.isEmpty ? .none : .using(common))
        }
        switch j.criteria {
        case .none:
            return .join(left, right, j.type, .none)
        case .using(let columns):
            let l = try scope(of: left, at: j.position), r = try scope(of: right, at: j.position)
            for c in columns {
                for (side, s) in [("left", l), ("right", r)] where !s.schema.names.contains(where: { $0.lowercased() == c.name.lowercased() }) {
                    throw unknownColumn(c.name, at: c.position, among: s.schema.names,
                                        what: "USING column `\(c.name)` cannot be resolved on the \(side) side of the join")
                }
            }
            return .join(left, right, j.type, .using(columns.map(\.name)))
        case .on(let condition):
            let both = try scope(of: .join(left, right, j.type == .leftSemi || j.type == .leftAnti ? .inner : j.type, .none), at: j.position)
            return .join(left, right, j.type, .on(try expression(condition, ExpressionContext(scope: both))))
        }
    }

    /// `VALUES (…), (…)`: one single-row select per row, unioned; columns col1, col2, …. A
    /// column's type is Spark's for inline tables (Analyzer.inlineTableType): NULL takes the other
    /// rows' type, numbers widen to double, dates with timestamps to timestamp, and another mix is
    /// an error; values of another type than their column's are cast to it.
    func values(_ rows: [[SQLExpression]], at position: SQLPosition) throws -> LogicalPlan {
        guard let width = rows.first?.count else { return Self.oneRow }
        var table: [(values: [Expression], types: [DataType?])] = []
        var types = [DataType?](repeating: nil, count: width)
        for row in rows {
            guard row.count == width else {
                throw source.error(.analysis, "every row of VALUES must have \(width) values, this one has \(row.count)", at: row.first?.position ?? position)
            }
            let values = try row.map { try expression($0, ExpressionContext(scope: nil)) }
            let valueTypes = try valueTypes(values)
            for (i, type) in valueTypes.enumerated() {
                guard let type else { continue }
                guard let current = types[i] else { types[i] = type; continue }
                guard let wider = Analyzer.inlineTableType(current, type) else {
                    throw source.error(.analysis, "VALUES column col\(i + 1) mixes \(current.simpleString) and \(type.simpleString) values",
                                       at: row[i].position, hint: "cast the values to one type, e.g. CAST(x AS STRING)")
                }
                types[i] = wider
            }
            table.append((values, valueTypes))
        }
        var plan: LogicalPlan?
        for row in table {
            let items = row.values.enumerated().map { i, e in
                Expression.alias(types[i].flatMap { $0 == row.types[i] ? nil : Expression.cast(e, $0) } ?? e, "col\(i + 1)")
            }
            let one = LogicalPlan.project(items, Self.oneRow)
            plan = plan.map { .union($0, one, byName: false, allowMissingColumns: false) } ?? one
        }
        return plan ?? Self.oneRow
    }

    /// The type of each value of a VALUES row; nil for a bare NULL, which has none of its own.
    private func valueTypes(_ row: [Expression]) throws -> [DataType?] {
        guard case .project(let bound, let schema, _) = try Analyzer.resolve(.project(row, Self.oneRow)) else {
            throw EmberError(.internal, "a VALUES row did not resolve to a projection")
        }
        return zip(bound, schema.fields).map { Analyzer.isNullLiteral($0) ? nil : $1.dataType }
    }

    /// `range(end)`, `range(start, end[, step[, partitions]])`.
    func tableFunction(_ name: SQLName, _ args: [SQLExpression]) throws -> LogicalPlan {
        guard name.last.lowercased() == "range" else {
            throw source.error(.analysis, "unknown table-valued function `\(name.dotted)`", at: name.position, hint: "Ember has range(start, end, step, partitions)")
        }
        let values = try args.map { a -> Int64 in
            guard case .literal(.integer(let n, _)) = a.kind else {
                throw source.error(.analysis, "range takes integer literals", at: a.position)
            }
            return n
        }
        guard (1...4).contains(values.count) else {
            throw source.error(.analysis, "range takes 1 to 4 arguments, got \(values.count)", at: name.position)
        }
        let (start, end) = values.count == 1 ? (0, values[0]) : (values[0], values[1])
        let step = values.count > 2 ? values[2] : 1
        let partitions = values.count > 3 ? Int(clamping: values[3]) : 2
        return .range(RangeSpec(start: start, end: end, step: step, numPartitions: partitions))
    }
}
