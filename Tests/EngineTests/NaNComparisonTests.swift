// Doubles compare as Spark compares them, not as IEEE 754 does: NaN = NaN is true, NaN is greater
// than every other double (Infinity included), and -0.0 = 0.0. Filters (=, <>, <, <=, >, >=, NOT,
// a bigint against a double) agree with sorting, grouping and min/max, on real executors.

import Engine
import Foundation
@_spi(EmberInternal) import Planner
import Testing

@Suite(.serialized) struct NaNComparisonTests {
    static let table = """
        id,x,n
        1,NaN,5
        2,1.0,1
        3,-0.0,0
        4,0.0,0
        5,Infinity,9
        6,-Infinity,-9
        7,,3
        8,NaN,-2

        """

    /// The ids of the rows `condition` keeps, ascending.
    static func kept(_ df: DataFrame, _ condition: Column) throws -> [Int64] {
        try df.filter(condition).select(col("id")).collect().compactMap { $0.getLong(0) }.sorted()
    }

    @Test func nanComparesAsSparkInFiltersSortsGroupsAndMinMax() throws {
        let dir = ScratchDir("nan")
        defer { dir.cleanup() }
        let path = dir.write("t.csv", Self.table)
        let session = try makeSession(executors: 2, cores: 1, partitions: 3)
        defer { session.stop() }
        let df = try session.read.option("header", true).schema("id BIGINT, x DOUBLE, n BIGINT").csv(path)
        let x = col("x")

        #expect(try Self.kept(df, x > lit(0.25)) == [1, 2, 5, 8], "NaN is above every number")
        #expect(try Self.kept(df, x === x) == [1, 2, 3, 4, 5, 6, 8], "NaN = NaN")
        #expect(try Self.kept(df, x =!= x) == [])
        #expect(try Self.kept(df, !(x >= lit(0.25))) == [3, 4, 6], "NOT (NaN >= 0.25) is false")
        #expect(try Self.kept(df, x < lit(Double.infinity)) == [2, 3, 4, 6], "NaN is above Infinity")
        #expect(try Self.kept(df, x === lit(Double.nan)) == [1, 8])
        #expect(try Self.kept(df, x >= lit(Double.nan)) == [1, 8])
        #expect(try Self.kept(df, x <= lit(Double.nan)) == [1, 2, 3, 4, 5, 6, 8])
        #expect(try Self.kept(df, x === lit(0.0)) == [3, 4], "-0.0 = 0.0")
        #expect(try Self.kept(df, col("n") < x) == [1, 5, 8], "a bigint against NaN")

        let ascending = try df.orderBy(x.asc(), col("id").asc()).select(col("id")).collect().compactMap { $0.getLong(0) }
        #expect(ascending == [7, 6, 3, 4, 2, 5, 1, 8], "nulls first, NaN last, -0.0 tied with 0.0")
        let descending = try df.orderBy(x.desc(), col("id").asc()).select(col("id")).collect().compactMap { $0.getLong(0) }
        #expect(descending == [1, 8, 5, 2, 3, 4, 6, 7])

        let extremes = try df.agg(max(x).alias("hi"), min(x).alias("lo")).collect()
        #expect(extremes.map(\.description) == ["[NaN,-Infinity]"], "max is NaN when any value is NaN")

        let groups = try df.groupBy(x).agg(count(col("*")).alias("c")).collect().map(\.description).sorted()
        #expect(groups == ["[-Infinity,1]", "[0.0,2]", "[1.0,1]", "[Infinity,1]", "[NaN,2]", "[null,1]"])
    }
}
