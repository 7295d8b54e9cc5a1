// GroupByJob: the aggregation behind `ember groupby` and the GroupBy example: read a CSV with a
// header (types inferred), group by key columns, compute aggregates named `count`, `sum_x`,
// `avg_x`, `min_x`, `max_x`, `count_x`, sorted by the keys ascending.
//
// `run` infers the schema from the first 20,000 records and lets the scan verify it; if any value
// contradicts the sampled types, the job runs again with the schema inferred from every record, so
// the result is always what a full inference (Spark's default) gives.

@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

package enum GroupByJob {
    /// One aggregate of the `--agg` list: `count` (rows) or `fn(column)`.
    package struct AggregateSpec: Sendable, Equatable {
        package var function: AggregateFunction
        package var column: String?
        package var outputName: String { column.map { "\(function.rawValue)_\($0)" } ?? function.rawValue }
    }

    /// Parses `"count,sum(x),avg(x),min(x),max(x)"`.
    package static func parseAggregates(_ text: String) throws -> [AggregateSpec] {
        var specs: [AggregateSpec] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = String(raw).trimming(" ")
            if item.lowercased() == "count" || item.lowercased() == "count(*)" {
                specs.append(AggregateSpec(function: .count, column: nil))
                continue
            }
            guard let open = item.firstIndex(of: "("), item.hasSuffix(")"),
                  let function = AggregateFunction(rawValue: item[..<open].lowercased().trimming(" ")) else {
                throw EmberError(.configuration, "cannot parse aggregate '\(item)'",
                                 hint: "write aggregates as count, count(x), sum(x), avg(x), min(x) or max(x), separated by commas")
            }
            let column = String(item[item.index(after: open)..<item.index(before: item.endIndex)]).trimming(" ")
            guard !column.isEmpty else {
                throw EmberError(.configuration, "aggregate '\(item)' names no column", hint: "e.g. sum(amount)")
            }
            specs.append(AggregateSpec(function: function, column: column))
        }
        if specs.isEmpty { throw EmberError(.configuration, "no aggregates given", hint: "e.g. --agg \"count,sum(x)\"") }
        return specs
    }

    /// Records the schema is inferred from before the job verifies it on every record.
    package static let inferenceSampleRows = 20_000

    /// Builds the job, inferring the schema from a sample (or from every record when `sampled` is false).
    package static func dataFrame(_ session: Session, input: String, keys: [String], aggregates: [AggregateSpec],
                                 nullValue: String = "", mode: ParseMode = .permissive, sampled: Bool = false) throws -> DataFrame {
        guard !keys.isEmpty else {
            throw EmberError(.configuration, "no grouping keys given", hint: "e.g. --by country,device")
        }
        var reader = try session.read.option("header", true).option("inferSchema", true)
            .option("nullValue", nullValue).option("mode", mode.rawValue)
        if sampled { reader = try reader.option("inferSchemaSampleRows", String(inferenceSampleRows)) }
        let table = try reader.csv(input)
        let columns = aggregates.map { spec -> Column in
            let c: Column
            switch spec.function {
            case .count: c = spec.column.map { count(col($0)) } ?? count(col("*"))
            case .sum: c = sum(col(spec.column!))
            case .avg: c = avg(col(spec.column!))
            case .min: c = min(col(spec.column!))
            case .max: c = max(col(spec.column!))
            default: c = Column(.aggregate(spec.function, spec.column.map { col($0).expression }))
            }
            return c.alias(spec.outputName)
        }
        return table.groupBy(keys.map { col($0) }).agg(columns).orderBy(keys.map { col($0).asc() })
    }
}

extension GroupByJob {
    /// Runs `action` on the job built with a sampled schema; reruns it with full inference if the
    /// sample was wrong for some value.
    package static func run<R>(_ session: Session, input: String, keys: [String], aggregates: [AggregateSpec],
                              nullValue: String = "", mode: ParseMode = .permissive,
                              _ action: (DataFrame) throws -> R) throws -> R {
        do {
            return try action(try dataFrame(session, input: input, keys: keys, aggregates: aggregates,
                                            nullValue: nullValue, mode: mode, sampled: true))
        } catch let error as EmberError where error.context(inferredTypeMismatchKey) != nil {
            return try action(try dataFrame(session, input: input, keys: keys, aggregates: aggregates,
                                            nullValue: nullValue, mode: mode, sampled: false))
        }
    }
}
