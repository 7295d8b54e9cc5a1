// LogicalPlan: what the user asked for, as built by the DataFrame API (names, not indices).
// ResolvedPlan: the same after analysis — bound expressions and a schema at every node.

/// A set of input files with a known schema, split into byte ranges when it was read.
public struct FileRelation: Sendable, Hashable {
    public var paths: [String]
    public var format: FileFormat
    public var schema: StructType
    public var splits: [FileSplit]
    public init(paths: [String], format: FileFormat, schema: StructType, splits: [FileSplit]) {
        self.paths = paths
        self.format = format
        self.schema = schema
        self.splits = splits
    }
}

public indirect enum LogicalPlan: Sendable {
    case relation(FileRelation)
    case range(RangeSpec)
    /// Keep this plan's partitions once computed (cache/persist).
    case cache(id: Int, StorageLevel, LogicalPlan)
    /// Redistributes rows into n partitions by the keys' hash (round robin without keys).
    case repartition(Int, [Expression], LogicalPlan)
    case project([Expression], LogicalPlan)
    case filter(Expression, LogicalPlan)
    case aggregate(keys: [Expression], aggregates: [Expression], LogicalPlan)
    case sort([SortOrder], LogicalPlan)
    /// Sorts each partition on its own (no exchange).
    case sortWithinPartitions([SortOrder], LogicalPlan)
    case limit(Int, LogicalPlan)

    /// Indented tree text for `explain()`.
    public func treeString(_ indent: String = "") -> String {
        func line(_ s: String, _ child: LogicalPlan) -> String { indent + s + "\n" + child.treeString(indent + "   ") }
        switch self {
        case .relation(let r):
            let fmt: String
            if case .csv = r.format { fmt = "csv" } else { fmt = "text" }
            return indent + "Relation [\(r.schema.names.joined(separator: ","))] \(fmt) \(r.paths.joined(separator: ","))\n"
        case .range(let r): return indent + "Range (\(r.start), \(r.end), step=\(r.step), splits=\(r.numPartitions))\n"
        case .repartition(let n, let keys, let c):
            return line("Repartition \(n) [\(keys.map(\.displayName).joined(separator: ", "))]", c)
        case .cache(let id, let level, let c): return line("InMemoryRelation #\(id) \(level.rawValue)", c)
        case .project(let es, let c): return line("Project [\(es.map(\.displayName).joined(separator: ", "))]", c)
        case .filter(let e, let c): return line("Filter \(e.displayName)", c)
        case .aggregate(let k, let a, let c):
            return line("Aggregate [\(k.map(\.displayName).joined(separator: ", "))], [\((k + a).map(\.displayName).joined(separator: ", "))]", c)
        case .sort(let o, let c):
            return line("Sort [\(o.map { "\($0.expression.displayName) \($0.ascending ? "ASC" : "DESC") NULLS \($0.nullsFirst ? "FIRST" : "LAST")" }.joined(separator: ", "))]", c)
        case .sortWithinPartitions(let o, let c):
            return line("SortWithinPartitions [\(o.map { "\($0.expression.displayName) \($0.ascending ? "ASC" : "DESC") NULLS \($0.nullsFirst ? "FIRST" : "LAST")" }.joined(separator: ", "))]", c)
        case .limit(let n, let c): return line("GlobalLimit \(n)", c)
        }
    }
}

public indirect enum ResolvedPlan: Sendable {
    case scan(FileScan)
    case range(RangeSpec)
    case repartition(Partitioning, ResolvedPlan)
    case cache(id: Int, StorageLevel, ResolvedPlan)
    case project([BoundExpression], StructType, ResolvedPlan)
    case filter(BoundExpression, ResolvedPlan)
    /// Output: the child's columns followed by one column holding each array element.
    case generate(Generator, ResolvedPlan)
    case aggregate(keys: [BoundExpression], aggregates: [BoundAggregate], StructType, ResolvedPlan)
    case sort([BoundSortOrder], ResolvedPlan)
    case sortWithinPartitions([BoundSortOrder], ResolvedPlan)
    case limit(Int, ResolvedPlan)

    public var schema: StructType {
        switch self {
        case .scan(let s): return s.outputSchema
        case .range: return RangeSpec.schema
        case .repartition(_, let c), .cache(_, _, let c): return c.schema
        case .project(_, let s, _), .aggregate(_, _, let s, _): return s
        case .generate(let g, _): return g.schema
        case .filter(_, let c), .sort(_, let c), .limit(_, let c), .sortWithinPartitions(_, let c): return c.schema
        }
    }

    public func treeString(_ indent: String = "") -> String {
        func line(_ s: String, _ child: ResolvedPlan) -> String { indent + s + "\n" + child.treeString(indent + "   ") }
        switch self {
        case .scan(let s):
            return indent + "Scan \(s.format.name) [\(s.outputSchema.names.joined(separator: ","))] \(s.paths.joined(separator: ",")), \(s.splits.count) splits\n"
        case .range(let r): return indent + "Range (\(r.start), \(r.end), step=\(r.step), splits=\(r.numPartitions))\n"
        case .repartition(let p, let c): return line("Repartition \(p.describe(c.schema))", c)
        case .cache(let id, let level, let c): return line("InMemoryRelation #\(id) \(level.rawValue)", c)
        case .project(let es, let schema, let c):
            let cs = c.schema
            return line("Project [\(zip(es, schema.fields).map { "\($0.describe(cs)) AS \($1.name)" }.joined(separator: ", "))]", c)
        case .filter(let e, let c): return line("Filter \(e.describe(c.schema))", c)
        case .generate(let g, let c): return line(g.describe(c.schema), c)
        case .aggregate(let k, let a, _, let c):
            let cs = c.schema
            return line("Aggregate keys=[\(k.map { $0.describe(cs) }.joined(separator: ", "))] functions=[\(a.map { "\($0.function.rawValue)(\($0.input?.describe(cs) ?? "*")) AS \($0.name)" }.joined(separator: ", "))]", c)
        case .sort(let o, let c): return line("Sort [\(o.map { "\($0.expression.describe(c.schema)) \($0.ascending ? "ASC" : "DESC")" }.joined(separator: ", "))]", c)
        case .sortWithinPartitions(let o, let c):
            return line("SortWithinPartitions [\(o.map { $0.describe(c.schema) }.joined(separator: ", "))]", c)
        case .limit(let n, let c): return line("Limit \(n)", c)
        }
    }
}

extension FileFormat {
    public var name: String {
        switch self {
        case .text: return "text"
        case .csv: return "csv"
        }
    }
}
