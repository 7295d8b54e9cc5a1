// The runner the SQL query suites share: a suite's cases are data (SQLCase), run through one
// session and checked against one DuckDB process per seed. Results compare as multisets, or in
// order for the cases marked ordered (their ORDER BY is total). Where DuckDB spells a construct
// differently from Spark, or gives it another meaning, the case carries the DuckDB text that means
// Spark's semantics.

@_spi(EmberInternal) @testable import Engine
import Foundation
import Testing

struct SQLCase: Sendable, CustomStringConvertible {
    /// The Spark SQL text Ember runs.
    let sql: String
    /// The DuckDB text with the same meaning.
    let duckdb: String
    /// True when the rows must come in the same order.
    let ordered: Bool

    init(_ sql: String, duckdb: String? = nil, ordered: Bool = false) {
        self.sql = sql
        self.duckdb = duckdb ?? sql
        self.ordered = ordered
    }

    var description: String { sql }
}

enum SQLReference {
    /// The seeds of the tables every suite runs over.
    static let seeds: [UInt64] = [7, 8]

    /// Runs every case through Ember and DuckDB over the tables of `seed` and expects equal answers,
    /// listing every query that differs (or fails) in one expectation.
    static func expectAnswersEqualDuckDBs(_ cases: [SQLCase], seed: UInt64, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let failures = try differences(cases, seed: seed)
        #expect(failures.isEmpty, "\(failures.count) of \(cases.count) queries differ:\n\(failures.joined(separator: "\n"))",
                sourceLocation: sourceLocation)
    }

    /// The cases whose answers differ from DuckDB's, each with both answers (or Ember's error).
    static func differences(_ cases: [SQLCase], seed: UInt64) throws -> [String] {
        let tables = try SQLTestTables(seed: seed)
        defer { try? FileManager.default.removeItem(atPath: tables.dir) }
        let expected = try tables.duckdb(cases.map(\.duckdb))
        let session = try makeSession(executors: 2, cores: 1, partitions: 3)
        defer { session.stop() }
        try tables.register(session)
        var failures: [String] = []
        for (c, reference) in zip(cases, expected) {
            do {
                var wanted = try reference.get()
                var actual = try session.sql(c.sql).collect().map { $0.values.map(SQLTestTables.normalized) }
                if !c.ordered {
                    actual.sort { $0.lexicographicallyPrecedes($1) }
                    wanted.sort { $0.lexicographicallyPrecedes($1) }
                }
                if actual != wanted {
                    failures.append("\(c.sql)\n  ember  (\(actual.count)): \(actual.prefix(6))\n  duckdb (\(wanted.count)): \(wanted.prefix(6))")
                }
            } catch let error as SQLReferenceError {
                failures.append("\(c.sql)\n  duckdb error: \(error)")
            } catch {
                failures.append("\(c.sql)\n  error: \(error)")
            }
        }
        return failures
    }
}
