// LogicalPlan: what the user asked for, as built by the DataFrame API (names, not indices).
// ResolvedPlan: the same after analysis — bound expressions and a schema at every node.

/// A set of input files with a known schema, split into byte ranges when it was read.
@_spi(EmberInternal) public struct FileRelation: Sendable, Hashable {
    @_spi(EmberInternal) public var paths: [String]
    @_spi(EmberInternal) public var format: FileFormat
    @_spi(EmberInternal) public var schema: StructType
    @_spi(EmberInternal) public var splits: [FileSplit]
    /// Columns discovered from `col=value` directories, after `schema`'s (see PartitionDiscovery).
    @_spi(EmberInternal) public var partitionSchema = StructType([])
    /// The session's limits when the files were read (FileScan.limits).
    @_spi(EmberInternal) public var limits = ScanLimits()
    @_spi(EmberInternal) public init(paths: [String], format: FileFormat, schema: StructType, splits: [FileSplit], partitionSchema: StructType = StructType([])) {
        self.paths = paths
        self.format = format
        self.schema = schema
        self.splits = splits
        self.partitionSchema = partitionSchema
    }
}

/// How a join matches rows: no condition (cross), equal values of same-named columns (`using`),
/// or any boolean expression over both sides.
@_spi(EmberInternal) public enum JoinCriteria: Sendable {
    case none
    case using([String])
    case on(Expression)
}

@_spi(EmberInternal) public indirect enum LogicalPlan: Sendable {
    case relation(FileRelation)
    case range(RangeSpec)
    /// Keep this plan's partitions once computed (cache/persist).
    case cache(id: Int, StorageLevel, LogicalPlan)
    /// Redistributes rows into n partitions by the keys' hash (round robin without keys).
    case repartition(Int, [Expression], LogicalPlan)
    /// Merges neighbouring partitions into at most n, without a shuffle (Spark's coalesce).
    case coalesce(Int, LogicalPlan)
    case project([Expression], LogicalPlan)
    case filter(Expression, LogicalPlan)
    case aggregate(keys: [Expression], aggregates: [Expression], LogicalPlan)
    case sort([SortOrder], LogicalPlan)
    /// Sorts each partition on its own (no exchange).
    case sortWithinPartitions([SortOrder], LogicalPlan)
    case limit(Int, LogicalPlan)
    case join(LogicalPlan, LogicalPlan, JoinType, JoinCriteria)
    /// `df.alias("a")`: the columns answer to `a.name` (and no longer to earlier qualifiers).
    case subqueryAlias(String, LogicalPlan)
    /// The plan of the DataFrame with this id: its columns also answer to `df["name"]`.
    case dataFrameTag(Int, LogicalPlan)
    /// `union`/`unionAll` (by position) and `unionByName`; duplicates are kept, as in Spark.
    case union(LogicalPlan, LogicalPlan, byName: Bool, allowMissingColumns: Bool)
    /// `intersect`: distinct rows of the left that are also in the right (nulls equal).
    case intersect(LogicalPlan, LogicalPlan)
    /// `subtract`/`except`: distinct rows of the left that are not in the right (nulls equal).
    case except(LogicalPlan, LogicalPlan)
    case distinct(LogicalPlan)
    /// `dropDuplicates(cols)`: one row per distinct value of the columns (all columns when empty).
    case dropDuplicates([String], LogicalPlan)
    /// `broadcast(df)`: build joins with this side broadcast to every task.
    case broadcastHint(LogicalPlan)
    /// A query the API could not build (e.g. an unknown join type); analysis reports the error.
    case invalid(EmberError)

    /// Indented tree text for `explain()`.
    @_spi(EmberInternal) public func treeString(_ indent: String = "") -> String {
        var s = indent + nodeText + "\n"
        for c in children { s += c.treeString(indent + "   ") }
        return s
    }

    var nodeText: String {
        func names(_ es: [Expression]) -> String { es.map(\.displayName).joined(separator: ", ") }
        switch self {
        case .relation(let r):
            let names = r.schema.names + r.partitionSchema.names
            let columns = FileScan.allColumns(dataSchema: r.schema, partitionSchema: r.partitionSchema).map { names[$0] }
            return "Relation [\(columns.joined(separator: ","))] \(r.format.name) \(r.paths.joined(separator: ","))"
        case .range(let r): return "Range (\(r.start), \(r.end), step=\(r.step), splits=\(r.numPartitions))"
        case .repartition(let n, let keys, _): return "Repartition \(n) [\(names(keys))]"
        case .coalesce(let n, _): return "Coalesce \(n)"
        case .cache(let id, let level, _): return "InMemoryRelation #\(id) \(level.rawValue)"
        case .project(let es, _): return "Project [\(names(es))]"
        case .filter(let e, _): return "Filter \(e.displayName)"
        case .aggregate(let k, let a, _): return "Aggregate [\(names(k))], [\(names(k + a))]"
        case .sort(let o, _):
            return "Sort [\(o.map { "\($0.expression.displayName) \($0.ascending ? "ASC" : "DESC") NULLS \($0.nullsFirst ? "FIRST" : "LAST")" }.joined(separator: ", "))]"
        case .sortWithinPartitions(let o, _):
            return "SortWithinPartitions [\(o.map { "\($0.expression.displayName) \($0.ascending ? "ASC" : "DESC") NULLS \($0.nullsFirst ? "FIRST" : "LAST")" }.joined(separator: ", "))]"
        case .limit(let n, _): return "GlobalLimit \(n)"
        case .join(_, _, let type, let criteria):
            switch criteria {
            case .none: return "Join \(type.planName)"
            case .using(let cols): return "Join \(type.planName), using [\(cols.joined(separator: ", "))]"
            case .on(let e): return "Join \(type.planName), \(e.displayName)"
            }
        case .subqueryAlias(let name, _): return "SubqueryAlias \(name)"
        case .dataFrameTag(let id, _): return "DataFrame #\(id)"
        case .union(_, _, let byName, _): return byName ? "UnionByName" : "Union"
        case .intersect: return "Intersect"
        case .except: return "Except"
        case .distinct: return "Distinct"
        case .dropDuplicates(let cols, _): return "Deduplicate [\(cols.joined(separator: ", "))]"
        case .broadcastHint: return "ResolvedHint (strategy=broadcast)"
        case .invalid(let e): return "Invalid: \(e.message)"
        }
    }
}

extension LogicalPlan: TreeNode {
    @_spi(EmberInternal) public var children: [LogicalPlan] {
        switch self {
        case .relation, .range, .invalid: return []
        case .cache(_, _, let c), .repartition(_, _, let c), .coalesce(_, let c), .project(_, let c), .filter(_, let c), .aggregate(_, _, let c),
             .sort(_, let c), .sortWithinPartitions(_, let c), .limit(_, let c), .subqueryAlias(_, let c), .dataFrameTag(_, let c), .distinct(let c), .dropDuplicates(_, let c), .broadcastHint(let c):
            return [c]
        case .join(let l, let r, _, _), .union(let l, let r, _, _), .intersect(let l, let r), .except(let l, let r):
            return [l, r]
        }
    }

    @_spi(EmberInternal) public func withNewChildren(_ c: [LogicalPlan]) -> LogicalPlan {
        switch self {
        case .relation, .range, .invalid: return self
        case .cache(let id, let level, _): return .cache(id: id, level, c[0])
        case .repartition(let n, let keys, _): return .repartition(n, keys, c[0])
        case .coalesce(let n, _): return .coalesce(n, c[0])
        case .project(let es, _): return .project(es, c[0])
        case .filter(let e, _): return .filter(e, c[0])
        case .aggregate(let k, let a, _): return .aggregate(keys: k, aggregates: a, c[0])
        case .sort(let o, _): return .sort(o, c[0])
        case .sortWithinPartitions(let o, _): return .sortWithinPartitions(o, c[0])
        case .limit(let n, _): return .limit(n, c[0])
        case .subqueryAlias(let name, _): return .subqueryAlias(name, c[0])
        case .dataFrameTag(let id, _): return .dataFrameTag(id, c[0])
        case .distinct: return .distinct(c[0])
        case .dropDuplicates(let cols, _): return .dropDuplicates(cols, c[0])
        case .broadcastHint: return .broadcastHint(c[0])
        case .join(_, _, let t, let criteria): return .join(c[0], c[1], t, criteria)
        case .union(_, _, let byName, let missing): return .union(c[0], c[1], byName: byName, allowMissingColumns: missing)
        case .intersect: return .intersect(c[0], c[1])
        case .except: return .except(c[0], c[1])
        }
    }
}

/// A resolved join: the type and the condition, bound over the left side's columns followed by
/// the right side's (nil: every pair matches).
@_spi(EmberInternal) public struct ResolvedJoin: Sendable, Hashable {
    @_spi(EmberInternal) public var type: JoinType
    @_spi(EmberInternal) public var condition: BoundExpression?
    @_spi(EmberInternal) public var schema: StructType
    @_spi(EmberInternal) public init(type: JoinType, condition: BoundExpression?, schema: StructType) {
        self.type = type
        self.condition = condition
        self.schema = schema
    }
}

@_spi(EmberInternal) public indirect enum ResolvedPlan: Sendable {
    case scan(FileScan)
    case range(RangeSpec)
    case repartition(Partitioning, ResolvedPlan)
    /// At most n partitions, each the union of neighbouring child partitions (no shuffle).
    case coalesce(Int, ResolvedPlan)
    case cache(id: Int, StorageLevel, ResolvedPlan)
    case project([BoundExpression], StructType, ResolvedPlan)
    case filter(BoundExpression, ResolvedPlan)
    /// Output: the child's columns followed by one column holding each array element.
    case generate(Generator, ResolvedPlan)
    case aggregate(keys: [BoundExpression], aggregates: [BoundAggregate], StructType, ResolvedPlan)
    case sort([BoundSortOrder], ResolvedPlan)
    case sortWithinPartitions([BoundSortOrder], ResolvedPlan)
    case limit(Int, ResolvedPlan)
    case join(ResolvedJoin, ResolvedPlan, ResolvedPlan)
    /// The children's rows one after the other; every child has the union's column types.
    case union([ResolvedPlan], StructType)
    /// Joins broadcast this side (`broadcast(df)`).
    case broadcastHint(ResolvedPlan)
    /// Window functions over one PARTITION BY / ORDER BY; output: the child's columns ++ one per function.
    case window(BoundWindow, StructType, ResolvedPlan)

    @_spi(EmberInternal) public var schema: StructType {
        switch self {
        case .scan(let s): return s.outputSchema
        case .range: return RangeSpec.schema
        case .repartition(_, let c), .coalesce(_, let c), .cache(_, _, let c), .broadcastHint(let c): return c.schema
        case .project(_, let s, _), .aggregate(_, _, let s, _), .union(_, let s), .window(_, let s, _): return s
        case .join(let j, _, _): return j.schema
        case .generate(let g, _): return g.schema
        case .filter(_, let c), .sort(_, let c), .limit(_, let c), .sortWithinPartitions(_, let c): return c.schema
        }
    }

    @_spi(EmberInternal) public func treeString(_ indent: String = "") -> String {
        var s = indent + nodeText + "\n"
        for c in children { s += c.treeString(indent + "   ") }
        return s
    }

    var nodeText: String {
        switch self {
        case .scan(let s):
            let pushed = s.pushedFilters.isEmpty ? "" : ", PushedFilters: [" + s.pushedFilters.map { $0.describe(s.dataSchema) }.joined(separator: ", ") + "]"
            return "Scan \(s.format.name) [\(s.outputSchema.names.joined(separator: ","))] \(s.paths.joined(separator: ",")), \(s.splits.count) splits"
                + (s.pruning.map { ", " + $0.description } ?? "") + pushed
                + (s.dictionaryColumns.isEmpty ? "" : ", DictionaryColumns: [" + s.dictionaryColumns.map { s.outputSchema.fields[$0].name }.joined(separator: ", ") + "]")
        case .range(let r): return "Range (\(r.start), \(r.end), step=\(r.step), splits=\(r.numPartitions))"
        case .repartition(let p, let c): return "Repartition \(p.describe(c.schema))"
        case .coalesce(let n, _): return "Coalesce \(n)"
        case .cache(let id, let level, _): return "InMemoryRelation #\(id) \(level.rawValue)"
        case .project(let es, let schema, let c):
            let cs = c.schema
            return "Project [\(zip(es, schema.fields).map { "\($0.describe(cs)) AS \($1.name)" }.joined(separator: ", "))]"
        case .filter(let e, let c): return "Filter \(e.describe(c.schema))"
        case .generate(let g, let c): return g.describe(c.schema)
        case .aggregate(let k, let a, _, let c):
            let cs = c.schema
            return "Aggregate keys=[\(k.map { $0.describe(cs) }.joined(separator: ", "))] functions=[\(a.map { "\($0.function.rawValue)(\($0.input?.describe(cs) ?? "*")) AS \($0.name)" }.joined(separator: ", "))]"
        case .sort(let o, let c): return "Sort [\(o.map { "\($0.expression.describe(c.schema)) \($0.ascending ? "ASC" : "DESC")" }.joined(separator: ", "))]"
        case .sortWithinPartitions(let o, let c): return "SortWithinPartitions [\(o.map { $0.describe(c.schema) }.joined(separator: ", "))]"
        case .limit(let n, _): return "Limit \(n)"
        case .join(let j, let l, let r):
            let both = StructType(l.schema.fields + r.schema.fields)
            return "Join \(j.type.planName)" + (j.condition.map { ", " + $0.describe(both) } ?? "")
        case .union: return "Union"
        case .broadcastHint: return "ResolvedHint (strategy=broadcast)"
        case .window(let w, _, let c): return w.describe(c.schema)
        }
    }
}

extension ResolvedPlan: TreeNode {
    @_spi(EmberInternal) public var children: [ResolvedPlan] {
        switch self {
        case .scan, .range: return []
        case .repartition(_, let c), .coalesce(_, let c), .cache(_, _, let c), .project(_, _, let c), .filter(_, let c), .generate(_, let c),
             .aggregate(_, _, _, let c), .sort(_, let c), .sortWithinPartitions(_, let c), .limit(_, let c), .broadcastHint(let c),
             .window(_, _, let c):
            return [c]
        case .join(_, let l, let r): return [l, r]
        case .union(let cs, _): return cs
        }
    }

    @_spi(EmberInternal) public func withNewChildren(_ c: [ResolvedPlan]) -> ResolvedPlan {
        switch self {
        case .scan, .range: return self
        case .repartition(let p, _): return .repartition(p, c[0])
        case .coalesce(let n, _): return .coalesce(n, c[0])
        case .cache(let id, let level, _): return .cache(id: id, level, c[0])
        case .project(let e, let s, _): return .project(e, s, c[0])
        case .filter(let e, _): return .filter(e, c[0])
        case .generate(let g, _): return .generate(g, c[0])
        case .aggregate(let k, let a, let s, _): return .aggregate(keys: k, aggregates: a, s, c[0])
        case .sort(let o, _): return .sort(o, c[0])
        case .sortWithinPartitions(let o, _): return .sortWithinPartitions(o, c[0])
        case .limit(let n, _): return .limit(n, c[0])
        case .broadcastHint: return .broadcastHint(c[0])
        case .window(let w, let s, _): return .window(w, s, c[0])
        case .join(let j, _, _): return .join(j, c[0], c[1])
        case .union(_, let s): return .union(c, s)
        }
    }
}

extension FileFormat {
    @_spi(EmberInternal) public var name: String {
        switch self {
        case .text: return "text"
        case .csv: return "csv"
        case .json: return "json"
        case .parquet: return "parquet"
        }
    }
}
