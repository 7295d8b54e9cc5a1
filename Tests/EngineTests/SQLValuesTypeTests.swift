// SQLValuesTypeTests: the column types of SQL `VALUES`, as Spark's inline tables type them
// (findWiderTypeWithoutStringPromotion): a NULL takes the other rows' type, whatever row it is in;
// bigint with double is double, date with timestamp timestamp; other mixes are an error naming the
// column, as Spark's INCOMPATIBLE_TYPES_IN_INLINE_TABLE. A bare NULL in a UNION takes the other
// side's type too (Spark's NullType).

import Foundation
import Testing
@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct SQLValuesTypeTests {
    static func types(_ df: DataFrame) throws -> [DataType] { try df.schema().fields.map(\.dataType) }

    @Test func nullTakesTheOtherRowsType() throws {
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let df = try session.sql("SELECT * FROM VALUES (true, DATE '2024-01-01'), (NULL, NULL) AS t(a, b)")
        #expect(try Self.types(df) == [.boolean, .date])
        #expect(try df.collect().map(\.values) == [[.boolean(true), .date(19723)], [.null, .null]])

        // Every literal type, the NULL first, in the middle or last.
        let all = try session.sql("""
            SELECT * FROM VALUES
              (NULL, 1.5, 'x', TIMESTAMP '2024-01-02 03:04:05', NULL, false),
              (7, NULL, NULL, NULL, DATE '2024-02-29', NULL),
              (8, 2.5, 'y', TIMESTAMP '2024-01-02 03:04:06', NULL, true) AS t(l, d, s, ts, dt, b)
            """)
        #expect(try Self.types(all) == [.long, .double, .string, .timestamp, .date, .boolean])
        let rows = try all.collect().map(\.values)
        #expect(rows.map { $0[0] } == [.null, .long(7), .long(8)])
        #expect(rows.map { $0[4] } == [.null, .date(19782), .null])
        #expect(rows.map { $0[5] } == [.boolean(false), .null, .boolean(true)])
        // A column of NULLs only stays a string column (Ember has no NULL type of its own).
        #expect(try Self.types(session.sql("SELECT * FROM VALUES (NULL), (NULL) AS t(n)")) == [.string])
        // Computed values and casts count by their type; a NULL beside them takes it.
        #expect(try Self.types(session.sql("SELECT * FROM VALUES (NULL, CAST('3' AS BIGINT)), (1 + 1, NULL) AS t(a, b)")) == [.long, .long])
    }

    @Test func valuesWidenNumbersAndTimesButNothingToString() throws {
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let mixed = try session.sql("SELECT * FROM VALUES (1, DATE '2024-01-01'), (2.5, TIMESTAMP '2024-01-01 10:00:00'), (NULL, NULL) AS t(n, t)")
        #expect(try Self.types(mixed) == [.double, .timestamp])
        #expect(try mixed.collect().map { $0.values[0] } == [.double(1), .double(2.5), .null])
        for (sql, column) in [("VALUES (1), ('a')", "col1"), ("VALUES (1, true), (2, 'x')", "col2"), ("VALUES (DATE '2024-01-01'), ('2024-01-02')", "col1"),
                              ("VALUES (NULL, 1), (true, 2), (3, 3)", "col1")] {
            let error = scanCaughtError { _ = try session.sql(sql).collect() }
            #expect(error?.code == .analysis && error?.message.contains("VALUES column \(column) mixes") == true, "\(sql): \(String(describing: error))")
        }
    }

    @Test func aNullColumnInAUnionTakesTheOtherSidesType() throws {
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let union = try session.sql("SELECT NULL AS a, 1 AS n UNION ALL SELECT true, 2 UNION ALL SELECT NULL, 3")
        #expect(try Self.types(union) == [.boolean, .long])
        #expect(try union.collect().map { $0.values[0] }.sorted { $0.description < $1.description } == [.null, .null, .boolean(true)].sorted { $0.description < $1.description })
        let dates = try session.sql("SELECT DATE '2024-01-01' AS d UNION SELECT NULL")
        #expect(try Self.types(dates) == [.date])
        // A NULL column on both sides stays a string; a string with another type still widens to string.
        #expect(try Self.types(session.sql("SELECT NULL AS a UNION ALL SELECT NULL")) == [.string])
        #expect(try Self.types(session.sql("SELECT 1 AS a UNION ALL SELECT 'x'")) == [.string])
    }
}
