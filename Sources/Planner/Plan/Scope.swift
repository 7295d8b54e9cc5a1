// Scope: the columns an expression may name while it is resolved: the input schema, and for each
// column the qualifiers it answers to (a DataFrame's alias `a` in `col("a.x")`, or the hidden tag of
// the DataFrame that `df["x"]` was taken from). Unqualified names that match columns of both sides
// of a join are ambiguous, as in Spark.

@_spi(EmberInternal) public struct Scope: Sendable {
    @_spi(EmberInternal) public var schema: StructType
    /// Per column: the qualifiers it answers to.
    @_spi(EmberInternal) public var qualifiers: [[String]]

    @_spi(EmberInternal) public init(_ schema: StructType, qualifiers: [[String]]? = nil) {
        self.schema = schema
        self.qualifiers = qualifiers ?? Array(repeating: [], count: schema.count)
    }

    @_spi(EmberInternal) public static func + (a: Scope, b: Scope) -> Scope {
        Scope(StructType(a.schema.fields + b.schema.fields), qualifiers: a.qualifiers + b.qualifiers)
    }

    /// Every column answers to `name` only (`df.alias(name)`).
    @_spi(EmberInternal) public func aliased(_ name: String) -> Scope { Scope(schema, qualifiers: Array(repeating: [name], count: schema.count)) }

    /// Every column also answers to `tag`.
    @_spi(EmberInternal) public func tagged(_ tag: String) -> Scope { Scope(schema, qualifiers: qualifiers.map { $0.contains(tag) ? $0 : $0 + [tag] }) }

    /// The same columns under a new schema (same count: names or types changed, not positions).
    @_spi(EmberInternal) public func withSchema(_ s: StructType) -> Scope { Scope(s, qualifiers: qualifiers) }

    func matches(_ i: Int, _ name: String) -> Bool { schema.fields[i].name == name }
    func matchesIgnoringCase(_ i: Int, _ name: String) -> Bool { schema.fields[i].name.lowercased() == name.lowercased() }

    /// The column an unqualified name (or `qualifier.name`) refers to.
    func resolve(_ name: String) throws -> Int {
        guard let i = try find(name) else { throw Analyzer.unresolvedColumn(name, schema) }
        return i
    }

    /// Like `resolve`, but nil when no column has the name (an ambiguous name still throws).
    func find(_ name: String) throws -> Int? {
        var found = schema.fields.indices.filter { matches($0, name) }
        if found.isEmpty { found = schema.fields.indices.filter { matchesIgnoringCase($0, name) } }
        if found.count == 1 { return found[0] }
        if found.count > 1 {
            // Duplicate names of one input (e.g. a select listing a column twice) resolve to the
            // first, as before joins existed; names that two joined inputs both have are ambiguous.
            if found.allSatisfy({ qualifiers[$0].isEmpty }) { return found[0] }
            throw ambiguous(name, found)
        }
        if let dot = name.firstIndex(of: ".") {
            return try findQualified(String(name[..<dot]), String(name[name.index(after: dot)...]))
        }
        return nil
    }

    /// `qualifier.name` when a column answers to the qualifier and has the name; nil otherwise (an
    /// ambiguous name still throws). No fallback for a DataFrame's own untagged plan.
    func findQualified(_ qualifier: String, _ name: String) throws -> Int? {
        let q = qualifier.lowercased()
        let qualified = schema.fields.indices.filter { i in qualifiers[i].contains { $0.lowercased() == q } }
        var found = qualified.filter { matches($0, name) }
        if found.isEmpty { found = qualified.filter { matchesIgnoringCase($0, name) } }
        if found.count > 1 { throw ambiguous("\(qualifier).\(name)", found) }
        return found.first
    }

    /// The column `qualifier.name` refers to; nil when no column answers to the qualifier.
    func resolve(qualifier: String, _ name: String) throws -> Int? {
        let q = qualifier.lowercased()
        let qualified = schema.fields.indices.filter { i in qualifiers[i].contains { $0.lowercased() == q } }
        if qualified.isEmpty { return nil }
        var found = qualified.filter { matches($0, name) }
        if found.isEmpty { found = qualified.filter { matchesIgnoringCase($0, name) } }
        if found.count > 1 { throw ambiguous("\(qualifier).\(name)", found) }
        guard let i = found.first else { throw Analyzer.unresolvedColumn("\(qualifier).\(name)", schema) }
        return i
    }

    /// A column of one DataFrame (`df["x"]`) or of an alias (`qualifier` "a" for `col("a.x")`).
    func resolveQualified(_ qualifier: String, _ name: String) throws -> Int {
        if let i = try resolve(qualifier: qualifier, name) { return i }
        // The DataFrame's own plan is not tagged (df.filter(df["x"] > 0)): its columns are the
        // input's unqualified columns.
        if qualifier.hasPrefix("#") { return try resolve(name) }
        throw Analyzer.unresolvedColumn("\(qualifier).\(name)", schema)
    }

    func ambiguous(_ name: String, _ candidates: [Int]) -> EmberError {
        let names = candidates.map { i -> String in
            let q = qualifiers[i].first { !$0.hasPrefix("#") }
            return "`" + (q.map { "\($0)." } ?? "") + schema.fields[i].name + "`"
        }
        return EmberError(.analysis, "reference `\(name)` is ambiguous, could be: [\(names.joined(separator: ", "))]",
                          context: [.init("column", name)],
                          hint: "name the input: df[\"\(name)\"] for a DataFrame's column, or df.alias(\"a\") and col(\"a.\(name)\")")
    }
}
