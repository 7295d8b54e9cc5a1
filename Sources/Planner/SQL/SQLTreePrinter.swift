// SQLTreePrinter: the syntax tree as a compact S-expression, one canonical text per tree, for
// tests, debugging and a parsed-plan display. `SELECT a + b * 2 AS x FROM t WHERE c IS NULL` prints
//   (select (items (as (+ a (* b 2)) x)) (from t) (where (is-null c)))
// Names print as written (backquoted when they were), keywords and operators in a fixed form.

extension SQLStatement: CustomStringConvertible {
    @_spi(EmberInternal) public var description: String {
        let p = SQLTreePrinter.self
        switch kind {
        case .query(let q): return q.description
        case .createView(let v):
            var flags = [v.orReplace ? "or-replace" : nil, v.global ? "global" : nil, v.temporary ? "temporary" : nil,
                         v.ifNotExists ? "if-not-exists" : nil].compactMap { $0 }
            if !v.columns.isEmpty {
                flags.append(p.list("columns", v.columns.map { c in c.type.map { "(\(p.name(c.name)) \($0.sqlName))" } ?? p.name(c.name) }))
            }
            switch v.source {
            case .dataSource(let format, let options):
                flags.append("(using \(format.name)\(options.isEmpty ? "" : " " + p.options(options)))")
            case .query(let q): flags.append("(as \(q))")
            }
            return "(create-view \(p.name(v.name))" + flags.map { " " + $0 }.joined() + ")"
        case .dropView(let name, let ifExists): return "(drop-view \(p.name(name))\(ifExists ? " if-exists" : ""))"
        case .showTables(let db, let pattern):
            return "(show-tables" + (db.map { " (in \(p.name($0)))" } ?? "") + (pattern.map { " (like '\($0)')" } ?? "") + ")"
        case .describe(.table(let name), let extended): return "(describe\(extended ? "-extended" : "") \(p.name(name)))"
        case .describe(.query(let q), _): return "(describe-query \(q))"
        case .explain(let mode, let statement): return "(explain \(mode.rawValue) \(statement))"
        case .set(.list(let verbose)): return verbose ? "(set -v)" : "(set)"
        case .set(.get(let key)): return "(set \(key))"
        case .set(.assign(let key, let value)): return "(set \(key) '\(value)')"
        case .reset(let key): return "(reset" + (key.map { " " + $0 } ?? "") + ")"
        case .cacheTable(let name, let lazy, let options, let query):
            return "(cache-table \(p.name(name))" + (lazy ? " lazy" : "") + (options.isEmpty ? "" : " " + p.options(options))
                + (query.map { " (as \($0))" } ?? "") + ")"
        case .uncacheTable(let name, let ifExists): return "(uncache-table \(p.name(name))\(ifExists ? " if-exists" : ""))"
        case .clearCache: return "(clear-cache)"
        }
    }
}

extension SQLQuery: CustomStringConvertible {
    @_spi(EmberInternal) public var description: String {
        let p = SQLTreePrinter.self
        guard !isBare else { return p.body(body) }
        var parts: [String] = []
        if !ctes.isEmpty {
            parts.append(p.list("with", ctes.map { cte in
                "(\(p.name(cte.name))" + (cte.columns.isEmpty ? "" : " (\(cte.columns.map(p.name).joined(separator: " ")))") + " \(cte.query))"
            }))
        }
        parts.append(p.body(body))
        if !orderBy.isEmpty { parts.append(p.list("order-by", orderBy.map(p.sortItem))) }
        if !distributeBy.isEmpty { parts.append(p.list("distribute-by", distributeBy.map(\.description))) }
        if !sortBy.isEmpty { parts.append(p.list("sort-by", sortBy.map(p.sortItem))) }
        if let limit { parts.append("(limit \(limit))") }
        if let offset { parts.append("(offset \(offset))") }
        return "(query " + parts.joined(separator: " ") + ")"
    }
}

extension SQLExpression: CustomStringConvertible {
    @_spi(EmberInternal) public var description: String {
        let p = SQLTreePrinter.self
        func not(_ negated: Bool, _ word: String) -> String { negated ? "not-" + word : word }
        switch kind {
        case .column(let name): return p.name(name)
        case .star(let qualifier): return qualifier.map { p.name($0) + ".*" } ?? "*"
        case .literal(let l): return p.literal(l)
        case .unary(let op, let e): return "(\(op.rawValue) \(e))"
        case .binary(let op, let l, let r): return "(\(op.rawValue) \(l) \(r))"
        case .isNull(let e, let negated): return "(is-\(not(negated, "null")) \(e))"
        case .isBoolean(let e, let value, let negated):
            return "(is-\(not(negated, value.map { $0 ? "true" : "false" } ?? "unknown")) \(e))"
        case .isDistinctFrom(let l, let r, let negated): return "(is-\(not(negated, "distinct-from")) \(l) \(r))"
        case .between(let e, let low, let high, let negated): return "(\(not(negated, "between")) \(e) \(low) \(high))"
        case .inList(let e, let list, let negated): return "(\(not(negated, "in")) \(e) (\(list.map(\.description).joined(separator: " "))))"
        case .inSubquery(let e, let q, let negated): return "(\(not(negated, "in")) \(e) \(q))"
        case .like(let e, let pattern, let escape, let negated, let ci):
            return "(\(not(negated, ci ? "ilike" : "like")) \(e) \(pattern)" + (escape.map { " (escape '\($0)')" } ?? "") + ")"
        case .rlike(let e, let pattern, let negated): return "(\(not(negated, "rlike")) \(e) \(pattern))"
        case .exists(let q): return "(exists \(q))"
        case .scalarSubquery(let q): return "(subquery \(q))"
        case .caseWhen(let operand, let branches, let otherwise):
            return "(case" + (operand.map { " \($0)" } ?? "") + branches.map { " (when \($0.condition) \($0.result))" }.joined()
                + (otherwise.map { " (else \($0))" } ?? "") + ")"
        case .cast(let e, let type, let isTry): return "(\(isTry ? "try-cast" : "cast") \(e) \(type.sqlName))"
        case .function(let call): return p.call(call)
        case .extract(let field, let e): return "(extract \(field.name) \(e))"
        case .trim(let side, let chars, let e): return "(trim \(side.rawValue.lowercased())" + (chars.map { " \($0)" } ?? "") + " \(e))"
        case .tuple(let es): return "(tuple \(es.map(\.description).joined(separator: " ")))"
        case .element(let e, let i): return "(element \(e) \(i))"
        }
    }
}

extension SQLSelectItem: CustomStringConvertible {
    @_spi(EmberInternal) public var description: String {
        alias.map { "(as \(expression) \(SQLTreePrinter.name($0)))" } ?? expression.description
    }
}

enum SQLTreePrinter {
    static func list(_ head: String, _ items: [String]) -> String { "(\(head) \(items.joined(separator: " ")))" }

    static func name(_ id: SQLIdentifier) -> String { id.quoted ? "`\(id.name)`" : id.name }
    static func name(_ n: SQLName) -> String { n.parts.map(name).joined(separator: ".") }

    static func options(_ options: [SQLOption]) -> String { list("options", options.map { "(\($0.key) '\($0.value)')" }) }

    static func body(_ b: SQLQueryBody) -> String {
        switch b {
        case .select(let s): return select(s)
        case .setOperation(let op, let all, let l, let r, _):
            return "(\(op.rawValue.lowercased())\(all ? "-all" : "") \(body(l)) \(body(r)))"
        case .nested(let q): return q.description
        case .values(let rows, _): return values(rows)
        case .table(let n): return "(table \(name(n)))"
        }
    }

    static func values(_ rows: [[SQLExpression]]) -> String {
        list("values", rows.map { "(" + $0.map(\.description).joined(separator: " ") + ")" })
    }

    static func select(_ s: SQLSelect) -> String {
        var parts = ["select"]
        if s.distinct { parts.append("distinct") }
        if !s.hints.isEmpty {
            parts.append(list("hints", s.hints.map { h in "(\(name(h.name))" + h.parameters.map { " \($0)" }.joined() + ")" }))
        }
        parts.append(list("items", s.items.map(\.description)))
        if !s.from.isEmpty { parts.append(list("from", s.from.map(relation))) }
        if let w = s.whereClause { parts.append("(where \(w))") }
        switch s.groupBy?.kind {
        case .expressions(let es): parts.append(list("group-by", es.map(\.description)))
        case .all: parts.append("(group-by-all)")
        case nil: break
        }
        if let h = s.having { parts.append("(having \(h))") }
        if !s.windows.isEmpty { parts.append(list("windows", s.windows.map { "(\(name($0.name)) \(window($0.spec)))" })) }
        return "(" + parts.joined(separator: " ") + ")"
    }

    static func relation(_ r: SQLRelation) -> String {
        let text: String
        switch r.kind {
        case .table(let n): text = name(n)
        case .file(let format, let path): text = "(file \(format.name) \(path.name))"
        case .subquery(let q): text = "(subquery \(q))"
        case .tableFunction(let n, let args): text = "(\(name(n))" + args.map { " \($0)" }.joined() + ")"
        case .values(let rows): text = values(rows)
        case .join(let j):
            var criteria = ""
            switch j.criteria {
            case .none: break
            case .on(let e): criteria = " (on \(e))"
            case .using(let cols): criteria = " (using \(cols.map(name).joined(separator: " ")))"
            }
            text = "(\(j.natural ? "natural-" : "")\(j.type.rawValue)-join \(relation(j.left)) \(relation(j.right))\(criteria))"
        }
        guard let alias = r.alias else { return text }
        return "(alias \(text) \(name(alias.name))" + (alias.columns.isEmpty ? "" : " (\(alias.columns.map(name).joined(separator: " ")))") + ")"
    }

    static func sortItem(_ s: SQLSortItem) -> String {
        "(\(s.ascending ? "asc" : "desc") \(s.expression)" + (s.nullsFirst.map { $0 ? " nulls-first" : " nulls-last" } ?? "") + ")"
    }

    static func call(_ c: SQLFunctionCall) -> String {
        var text = "(" + name(c.name)
        if c.distinct { text += " distinct" }
        text += c.arguments.map { " \($0)" }.joined()
        if let f = c.filter { text += " (filter \(f))" }
        if let ignore = c.ignoreNulls { text += ignore ? " ignore-nulls" : " respect-nulls" }
        if let w = c.window { text += " (over \(window(w)))" }
        return text + ")"
    }

    static func window(_ w: SQLWindowSpec) -> String {
        if let ref = w.reference { return name(ref) }
        var parts: [String] = []
        if !w.partitionBy.isEmpty { parts.append(list("partition-by", w.partitionBy.map(\.description))) }
        if !w.orderBy.isEmpty { parts.append(list("order-by", w.orderBy.map(sortItem))) }
        if let f = w.frame { parts.append("(\(f.unit.rawValue.lowercased()) \(bound(f.start)) \(bound(f.end)))") }
        return "(" + parts.joined(separator: " ") + ")"
    }

    static func bound(_ b: SQLFrameBound) -> String {
        switch b {
        case .unboundedPreceding: return "unbounded-preceding"
        case .unboundedFollowing: return "unbounded-following"
        case .currentRow: return "current-row"
        case .preceding(let e): return "(preceding \(e))"
        case .following(let e): return "(following \(e))"
        }
    }

    static func literal(_ l: SQLLiteral) -> String {
        switch l {
        case .null: return "NULL"
        case .boolean(let b): return b ? "TRUE" : "FALSE"
        case .integer(let v, let type): return type == .int ? String(v) : "(\(type.sqlName) \(v))"
        case .decimal(let text): return "(decimal \(text))"
        case .double(let v): return "(double \(v))"
        case .float(let v): return "(float \(v))"
        case .string(let s): return "'\(s)'"
        case .date(let text, let days): return "(date '\(text)' \(days))"
        case .timestamp(let text, let micros, let ntz): return "(\(ntz ? "timestamp_ntz" : "timestamp") '\(text)' \(micros))"
        case .interval(let i):
            return "(interval \(i.startField.name.lowercased())..\(i.endField.name.lowercased()) months=\(i.months) days=\(i.days) micros=\(i.microseconds))"
        }
    }
}
