// Catalog: a session's temporary views (Spark's `spark.catalog` for temp views). A view is a name
// for a DataFrame's plan, registered with `createOrReplaceTempView` and read with
// `session.table(name)` or from SQL; names are case-insensitive, as in Spark.

@_spi(EmberInternal) import Planner
import Synchronization

/// A view as `listTables()` describes it (Spark's `Table`).
public struct Table: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let isTemporary: Bool
    /// "TEMPORARY", as Spark names a temp view's type.
    public let tableType: String
    public var description: String { "Table(name='\(name)', tableType='\(tableType)', isTemporary=\(isTemporary))" }
}

public final class Catalog: Sendable {
    private struct View {
        let name: String
        let plan: LogicalPlan
    }
    /// Views by lowercased name.
    private let views = Mutex<[String: View]>([:])

    init() {}

    /// The temporary views, by name.
    public func listTables() -> [Table] {
        views.withLock { $0.values.map { Table(name: $0.name, isTemporary: true, tableType: "TEMPORARY") } }
            .sorted { $0.name.lowercased() < $1.name.lowercased() }
    }

    public func tableExists(_ name: String) -> Bool { views.withLock { $0[name.lowercased()] != nil } }

    /// Drops a temporary view; false if there was none of that name (Spark's dropTempView).
    @discardableResult
    public func dropTempView(_ name: String) -> Bool { views.withLock { $0.removeValue(forKey: name.lowercased()) != nil } }

    func register(_ name: String, _ plan: LogicalPlan, replace: Bool) throws {
        try Self.validate(name)
        try views.withLock { views in
            if !replace, let existing = views[name.lowercased()] {
                throw EmberError(.analysis, "cannot create the temporary view `\(name)` because it already exists (as `\(existing.name)`)",
                                 context: [.init("view", name)],
                                 hint: "choose another name, drop it with catalog.dropTempView(\"\(name)\"), or use createOrReplaceTempView")
            }
            views[name.lowercased()] = View(name: name, plan: plan)
        }
    }

    /// The plan of a view, answering to its name as a qualifier (`t.col`).
    func lookup(_ name: String) throws -> LogicalPlan {
        let found = views.withLock { $0[name.lowercased()] }
        guard let view = found else {
            let names = listTables().map(\.name)
            var hint = names.isEmpty ? "no temporary views exist yet; create one with df.createOrReplaceTempView(\"\(name)\")"
                                     : "views: \(names.joined(separator: ", "))"
            if let best = NameSuggestions.closest(to: name, among: names) { hint = "did you mean `\(best)`? " + hint }
            throw EmberError(.analysis, "the table or view `\(name)` cannot be found", context: [.init("table", name)], hint: hint)
        }
        return .subqueryAlias(view.name, view.plan)
    }

    /// A view name is one identifier: letters, digits and underscores, not all digits.
    static func validate(_ name: String) throws {
        if name.contains(".") {
            throw EmberError(.analysis, "the temporary view name `\(name)` has a database prefix; temporary views have none",
                             context: [.init("view", name)], hint: "use a name without dots, e.g. `\(name.split(separator: ".").last ?? "")`")
        }
        let valid = !name.isEmpty && name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
            && !name.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
        guard valid else {
            throw EmberError(.analysis, "`\(name)` is not a valid view name", context: [.init("view", name)],
                             hint: "use letters, digits and underscores, e.g. `clicks_2024`")
        }
    }
}
