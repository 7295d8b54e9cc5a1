// The functions added for TPC-H and everyday jobs (CASE WHEN, isin, between, LIKE, string
// predicates, substring, concat, round, abs, dates, to_date, casts): the vectorized evaluator
// against the fuzzer's row-at-a-time reference on seeded random columns with nulls, and Spark's
// documented edge cases.

import Engine
import Foundation
@_spi(EmberInternal) import Planner
import Testing

struct FunctionsTests {
    static let schema = StructType([StructField("x", .long), StructField("y", .double), StructField("s", .string),
                                    StructField("d", .date), StructField("e", .date)])
    static let layout = FuzzLayout(names: ["x", "y", "s", "d", "e"], types: [.long, .double, .string, .date, .date])

    /// Seeded rows: about one value in six is null; dates in 1918–2082.
    static func rows(_ count: Int, seed: UInt64) -> [[Value]] {
        var rng = SeededRandom(seed: seed)
        func maybe(_ v: Value) -> Value { rng.below(6) == 0 ? .null : v }
        return (0..<count).map { _ in
            [maybe(.long(Int64(rng.below(2001)) - 1000)),
             maybe(.double([-2.675, 2.5, -0.5, 1.005, 0.125, 1e-7, 123456.789, -0.0, .nan][rng.below(9)] * Double(1 + rng.below(3)))),
             maybe(.string((FuzzData.words + FuzzData.numericStrings + ["2024-02-29", " 1999-1-2 ", "2023-02-30", "2021-07-04T10:00"])
                .randomElement(using: &rng)!)),
             maybe(.date(Int32(rng.below(60_000)) - 18_000)),
             maybe(.date(Int32(rng.below(60_000)) - 18_000))]
        }
    }

    /// Evaluates `expr` over `rows` as one batch.
    static func evaluate(_ expr: FuzzExpr, _ rows: [[Value]]) throws -> [Value] {
        let bound = try Analyzer.bind(expr.column.expression, schema)
        let columns = schema.fields.indices.map { c -> ColumnVector in
            var b = ColumnBuilder(type: schema.fields[c].dataType, capacity: rows.count)
            for r in rows { b.append(r[c]) }
            return b.finish()
        }
        let out = try bound.evaluate(ColumnarBatch(schema: schema, columns: columns, numRows: rows.count))
        return (0..<rows.count).map { out.value(at: $0) }
    }

    static func expectMatchesReference(_ expr: FuzzExpr, seed: UInt64 = 7) throws {
        let data = rows(2_000, seed: seed)
        let got = try evaluate(expr, data)
        let reference = FuzzEval.compile(expr, layout)
        for (i, row) in data.enumerated() {
            let want = reference(row)
            #expect(FuzzCell.key([got[i]]) == FuzzCell.key([want]), "\(expr.swiftText) on \(FuzzCell.show(row)): ember \(got[i]), reference \(want)")
            if FuzzCell.key([got[i]]) != FuzzCell.key([want]) { return }
        }
    }

    @Test(arguments: [
        FuzzExpr.call(.caseWhen(hasElse: true), [.compare(.greater, .column("x"), .literal(.long(0), .long)), .column("x"), .column("y")]),
        .call(.caseWhen(hasElse: false), [.isNull(.column("s")), .literal(.string("none"), .string),
                                          .compare(.less, .column("x"), .literal(.long(-500), .long)), .column("s")]),
        .call(.isin, [.column("x"), .literal(.long(1), .long), .literal(.long(7), .long), .literal(.null, .long)]),
        .call(.isin, [.column("s"), .literal(.string("a"), .string), .literal(.string("é"), .string)]),
        .call(.between, [.column("y"), .literal(.double(-1), .double), .literal(.double(2.5), .double)]),
        .call(.like("a%"), [.column("s")]), .call(.like("%\\%%"), [.column("s")]), .call(.like("_"), [.column("s")]),
        .call(.like("%a_%b"), [.column("s")]), .call(.like("日_"), [.column("s")]), .call(.like(""), [.column("s")]),
        .call(.startsWith, [.column("s"), .literal(.string("a"), .string)]),
        .call(.endsWith, [.column("s"), .literal(.string("b"), .string)]),
        .call(.contains, [.column("s"), .cast(.column("x"), .string)]),
        .call(.substring(-2, 5), [.column("s")]), .call(.substring(0, 2), [.column("s")]), .call(.substring(-7, 3), [.column("s")]),
        .call(.substring(3, -1), [.column("s")]), .call(.substring(2, 100), [.column("s")]),
        .call(.concat, [.column("s"), .literal(.string("-"), .string), .column("x")]),
        .call(.round(2), [.column("y")]), .call(.round(0), [.column("y")]), .call(.round(-1), [.column("x")]),
        .call(.round(-2), [.column("y")]), .call(.abs, [.column("x")]), .call(.abs, [.column("y")]),
        .call(.year, [.column("d")]), .call(.month, [.column("d")]), .call(.dayOfMonth, [.column("d")]),
        .call(.dateAdd, [.column("d"), .column("x")]), .call(.dateSub, [.column("d"), .column("x")]),
        .call(.addMonths, [.column("d"), .arithmetic(.remainder, .column("x"), .literal(.long(40), .long))]),
        .call(.dateDiff, [.column("d"), .column("e")]),
        .call(.toDate(nil), [.column("s")]), .call(.toDate("yyyy-MM-dd"), [.column("s")]),
        .cast(.column("d"), .string), .cast(.column("s"), .date),
    ])
    func vectorizedMatchesReference(_ expr: FuzzExpr) throws {
        try Self.expectMatchesReference(expr)
    }

    static func value(_ c: Engine.Column) throws -> Value {
        let bound = try Analyzer.bind(c.expression, StructType([StructField("z", .long)]))
        let batch = ColumnarBatch(schema: StructType([StructField("z", .long)]), columns: [ColumnVector(.long([0]))], numRows: 1)
        return try bound.evaluate(batch).value(at: 0)
    }

    static func date(_ text: String) -> Value { .date(DateCasts.days(text)!) }

    @Test func sparkEdgeCases() throws {
        // substring: 1-based, 0 acts as 1, negative from the end, by characters.
        #expect(try Self.value(substring(lit("Spark SQL"), 5, 1)) == .string("k"))
        #expect(try Self.value(substring(lit("Spark SQL"), -3, 2)) == .string("SQ"))
        #expect(try Self.value(substring(lit("abc"), -5, 3)) == .string("a"))
        #expect(try Self.value(substring(lit("abc"), 0, 2)) == .string("ab"))
        #expect(try Self.value(substring(lit("日本語です"), 2, 2)) == .string("本語"))
        #expect(try Self.value(substring(litNull(), 1, 2)) == .null)
        // add_months clamps to the month's end and keeps an end-of-month day (Spark 3).
        #expect(try Self.value(add_months(lit(date: "2024-01-31"), 1)) == Self.date("2024-02-29"))
        #expect(try Self.value(add_months(lit(date: "2023-01-31"), 1)) == Self.date("2023-02-28"))
        #expect(try Self.value(add_months(lit(date: "2019-02-28"), 1)) == Self.date("2019-03-28"))
        #expect(try Self.value(add_months(lit(date: "2020-03-31"), -13)) == Self.date("2019-02-28"))
        #expect(try Self.value(date_sub(lit(date: "2000-03-01"), 1)) == Self.date("2000-02-29"))
        #expect(try Self.value(datediff(lit(date: "2009-07-31"), lit(date: "2009-07-30"))) == .long(1))
        // date ± whole days is date_add / date_sub; date - date needs datediff.
        #expect(try Self.value(lit(date: "2000-02-28") + 1) == Self.date("2000-02-29"))
        #expect(try Self.value(lit(2) + lit(date: "2000-02-28")) == Self.date("2000-03-01"))
        #expect(try Self.value(lit(date: "2000-03-01") - 1) == Self.date("2000-02-29"))
        #expect(try Self.value(lit(date: "2000-03-01") + litNull()) == .null)
        #expect(throws: EmberError.self) { try Self.value(lit(date: "2000-03-01") - lit(date: "2000-02-01")) }
        #expect(throws: EmberError.self) { try Self.value(lit(date: "2000-03-01") + 1.5) }
        #expect(try Self.value(year(lit("1994-01-01"))) == .long(1994))
        // like with escapes; a bad escape is an analysis error.
        #expect(try Self.value(lit("100%").like("100\\%")) == .boolean(true))
        #expect(try Self.value(lit("100x").like("100\\%")) == .boolean(false))
        #expect(try Self.value(lit("a_b").like("a\\_b")) == .boolean(true))
        #expect(try Self.value(lit("a\\b").like("a\\\\b")) == .boolean(true))
        #expect(try Self.value(lit("é").like("_")) == .boolean(true))
        #expect(throws: EmberError.self) { try Self.value(lit("x").like("a\\b")) }
        #expect(throws: EmberError.self) { try Self.value(lit("x").like("a\\")) }
        #expect(try Self.value(lit("abc123").rlike("\\d+$")) == .boolean(true))
        #expect(try Self.value(lit("abc").rlike("^b")) == .boolean(false))
        // round: HALF_UP on the decimal Java prints.
        #expect(try Self.value(round(lit(2.675), 2)) == .double(2.68))
        #expect(try Self.value(round(lit(-2.5))) == .double(-3))
        #expect(try Self.value(round(lit(0.125), 2)) == .double(0.13))
        #expect(try Self.value(round(lit(1234.5), -2)) == .double(1200))
        #expect(try Self.value(round(lit(15), -1)) == .long(20))
        #expect(try Self.value(round(lit(-15), -1)) == .long(-20))
        #expect(try Self.value(round(lit(Double.nan), 2)).doubleValue?.isNaN == true)
        #expect(try Self.value(abs(lit(Int64.min))) == .long(.min))
        // isin: null semantics.
        #expect(try Self.value(lit(1).isin(1, 2)) == .boolean(true))
        #expect(try Self.value(lit(3).isin([lit(1), litNull()])) == .null)
        #expect(try Self.value(litNull().isin(1)) == .null)
        #expect(try Self.value(lit(3).isin()) == .boolean(false))
        #expect(try Self.value(lit(2.0).isin(1, 2)) == .boolean(true))
        // between is inclusive.
        #expect(try Self.value(lit(5).between(5, 7)) == .boolean(true))
        #expect(try Self.value(lit(7.5).between(5, 7)) == .boolean(false))
        // CASE WHEN: no otherwise → null; long and double branches → double.
        #expect(try Self.value(when(lit(false), 1)) == .null)
        #expect(try Self.value(when(lit(false), 1).otherwise(2.5)) == .double(2.5))
        #expect(try Self.value(when(litNull(), 1).when(lit(true), 2).otherwise(3)) == .long(2))
        #expect(throws: EmberError.self) { try Self.value(lit(1).when(lit(true), 2)) }
        #expect(throws: EmberError.self) { try Self.value(when(lit(true), 1).otherwise(2).otherwise(3)) }
        // to_date and casts with Spark's rules.
        #expect(try Self.value(to_date(lit("2024-02-29"))) == Self.date("2024-02-29"))
        #expect(try Self.value(to_date(lit(" 2024-2-9 12:00:00"))) == Self.date("2024-02-09"))
        #expect(try Self.value(to_date(lit("2024"))) == Self.date("2024-01-01"))
        #expect(try Self.value(to_date(lit("2023-02-30"))) == .null)
        #expect(try Self.value(to_date(lit("2024-01 x"))) == .null)
        #expect(try Self.value(to_date(lit("31/01/2024"), "dd/MM/yyyy")) == Self.date("2024-01-31"))
        #expect(try Self.value(to_date(lit("20240131"), "yyyyMMdd")) == Self.date("2024-01-31"))
        #expect(try Self.value(to_date(lit("Jan 5, 2024"), "MMM d, yyyy")) == Self.date("2024-01-05"))
        #expect(try Self.value(to_date(lit("2024-1-31"), "yyyy-MM-dd")) == .null)
        #expect(try Self.value(to_date(lit("2024-01-31 10:11:12"), "yyyy-MM-dd HH:mm:ss")) == Self.date("2024-01-31"))
        #expect(throws: EmberError.self) { try Self.value(to_date(lit("x"), "yyyy-QQ")) }
        #expect(try Self.value(lit(date: "1994-01-01").cast(.string)) == .string("1994-01-01"))
        #expect(try Self.value(lit("2024-01-31 10:11:12.5").cast(.timestamp).cast(.date)) == Self.date("2024-01-31"))
        #expect(try Self.value(lit(date: "1970-01-02").cast(.timestamp)) == .timestamp(86_400_000_000))
        #expect(try Self.value(lit("1970-01-01 00:00:01.25").cast(.timestamp)) == .timestamp(1_250_000))
        #expect(try Self.value(lit(86_400).cast(.timestamp).cast(.date)) == Self.date("1970-01-02"))
        #expect(try Self.value(lit("not a date").cast(.date)) == .null)
        // a string compared with a date is cast to a date.
        #expect(try Self.value(lit(date: "1994-01-01") < "1994-01-02") == .boolean(true))
        #expect(throws: EmberError.self) { try Self.value(lit(date: "1994-13-01")) }
    }

    /// The new functions through a real session: filter, select and a having (a filter after agg).
    @Test func endToEndWithHaving() throws {
        let session = try makeSession(executors: 2, cores: 2, partitions: 3)
        defer { session.stop() }
        let dir = ScratchDir("functions")
        defer { dir.cleanup() }
        var text = "k,x,s,d\n"
        var rng = SeededRandom(seed: 11)
        var expected: [String: (Int64, Int)] = [:]
        for i in 0..<3_000 {
            let k = "g\(rng.below(7))", x = Int64(rng.below(100)) - 20
            let day = 1 + rng.below(28), s = ["apple", "banana", "cherry", "date%"][rng.below(4)]
            text += "\(k),\(x),\(s),1994-0\(1 + i % 9)-\(day < 10 ? "0" : "")\(day)\n"
            // reference: rows of 1994-03-01 … 1994-06-30 whose s starts with a or b, x in [0, 50]
            if (3...6).contains(1 + i % 9), s.hasPrefix("a") || s.hasPrefix("b"), (0...50).contains(x) {
                let bucket = x > 25 ? "high" : "low"
                expected[k + "|" + bucket, default: (0, 0)].0 += x
                expected[k + "|" + bucket, default: (0, 0)].1 += 1
            }
        }
        let path = dir.write("t.csv", text)
        let df = try session.read.option("header", true).schema("k STRING, x BIGINT, s STRING, d DATE").csv(path)
            .filter(col("d") >= lit(date: "1994-03-01") && col("d") < add_months(lit(date: "1994-03-01"), 4))
            .filter(col("s").like("a%") || col("s").startsWith("b"))
            .filter(col("x").between(0, 50))
            .withColumn("bucket", when(col("x") > 25, "high").otherwise("low"))
            .groupBy(col("k"), col("bucket")).agg(sum("x").alias("total"), count("*").alias("n"))
            .filter(col("n") > 40)   // having
        let rows = try df.collect()
        let want = expected.filter { $0.value.1 > 40 }
        #expect(rows.count == want.count)
        for r in rows {
            let key = "\(r[0].stringValue!)|\(r[1].stringValue!)"
            #expect(want[key].map { Value.long($0.0) } == r[2], "\(key)")
            #expect(want[key].map { Value.long(Int64($0.1)) } == r[3], "\(key)")
        }
    }
}
