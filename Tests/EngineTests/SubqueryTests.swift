// Subqueries (scalar, EXISTS, IN; correlated or not) through real executors, against a naive
// reference over seeded random tables with nulls: the joins they become must give SQL's answers,
// including NOT IN with nulls and a correlated count over no rows (0, not null).

@testable import Engine
import Foundation
import Testing

@Suite struct SubqueryTests {
    struct Tables {
        var orders: [(id: Int64, cust: Int64?, amount: Int64?)] = []
        var items: [(order: Int64?, qty: Int64?, flag: Int64)] = []
        let dir: String

        init(seed: UInt64) throws {
            var rng = SplitMix64(seed: seed)
            func maybe(_ v: Int64, nullOneIn n: UInt64) -> Int64? { rng.next() % n == 0 ? nil : v }
            for id in 0..<120 as Range<Int64> {
                orders.append((id, maybe(Int64(rng.next() % 15), nullOneIn: 9), maybe(Int64(rng.next() % 50), nullOneIn: 7)))
            }
            for _ in 0..<400 {
                // Skewed: most items belong to a few orders; some to orders that do not exist.
                let order = rng.next() % 3 == 0 ? Int64(rng.next() % 8) : Int64(rng.next() % 160)
                items.append((maybe(order, nullOneIn: 10), maybe(Int64(rng.next() % 20), nullOneIn: 6), Int64(rng.next() % 3)))
            }
            dir = NSTemporaryDirectory() + "ember-subquery-\(getpid())-\(seed)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            func text(_ v: Int64?) -> String { v.map(String.init) ?? "" }
            try (["id,cust,amount"] + orders.map { "\($0.id),\(text($0.cust)),\(text($0.amount))" }).joined(separator: "\n")
                .write(toFile: dir + "/orders.csv", atomically: true, encoding: .utf8)
            try (["order,qty,flag"] + items.map { "\(text($0.order)),\(text($0.qty)),\($0.flag)" }).joined(separator: "\n")
                .write(toFile: dir + "/items.csv", atomically: true, encoding: .utf8)
        }

        func frames(_ session: Session) throws -> (DataFrame, DataFrame) {
            let o = try session.read.option("header", true).schema("id BIGINT, cust BIGINT, amount BIGINT").csv(dir + "/orders.csv")
            let i = try session.read.option("header", true).schema("order BIGINT, qty BIGINT, flag BIGINT").csv(dir + "/items.csv")
            return (o, i)
        }
    }

    static func ids(_ rows: [Row]) -> [Int64] {
        rows.map { row -> Int64 in if case .long(let v) = row[0] { return v }; return -1 }.sorted()
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func existsAndInAsSemiAndAntiJoins(seed: UInt64) throws {
        let t = try Tables(seed: seed)
        defer { try? FileManager.default.removeItem(atPath: t.dir) }
        let session = try makeSession(executors: 2, cores: 1, partitions: 3)
        defer { session.stop() }
        let (orders, items) = try t.frames(session)

        // Correlated EXISTS / NOT EXISTS; `id` is not a column of items, so it names the order.
        let withItems = Set(t.items.compactMap(\.order))
        let exists = try orders.where(items.where(col("order") === col("id")).exists()).select("id").collect()
        #expect(Self.ids(exists) == t.orders.map(\.id).filter { withItems.contains($0) })
        let notExists = try orders.where(!items.where(col("order") === col("id").outer()).exists()).select("id").collect()
        #expect(Self.ids(notExists) == t.orders.map(\.id).filter { !withItems.contains($0) })

        // A non-equality correlated condition beside the equality (TPC-H Q21's shape).
        let other = try orders.where(items.where(col("order") === col("id") && col("qty") =!= col("cust").outer()).exists())
            .select("id").collect()
        #expect(Self.ids(other) == t.orders.filter { o in
            t.items.contains { $0.order == o.id && $0.qty != nil && o.cust != nil && $0.qty != o.cust }
        }.map(\.id).sorted())

        // IN and NOT IN with nulls on both sides: NOT IN is never true once the list holds a null.
        let quantities = t.items.map(\.qty)
        let inList = try orders.where(col("cust").isin(items.select("qty"))).select("id").collect()
        #expect(Self.ids(inList) == t.orders.filter { o in o.cust.map { c in quantities.contains(c) } ?? false }.map(\.id).sorted())
        let notIn = try orders.where(!col("cust").isin(items.select("qty"))).select("id").collect()
        let expectedNotIn = quantities.contains(nil) ? [] : t.orders.filter { o in o.cust.map { c in !quantities.contains(c) } ?? false }.map(\.id)
        #expect(Self.ids(notIn) == expectedNotIn.sorted())
        let nonNull = items.where(col("qty").isNotNull()).select("qty")
        let notInNonNull = try orders.where(!col("cust").isin(nonNull)).select("id").collect()
        #expect(Self.ids(notInNonNull) == t.orders.filter { o in o.cust.map { c in !quantities.contains(c) } ?? false }.map(\.id).sorted())

        // Correlated IN (the subquery's filter reads the outer order).
        let correlatedIn = try orders.where(col("cust").isin(items.where(col("order") === col("id")).select("qty"))).select("id").collect()
        #expect(Self.ids(correlatedIn) == t.orders.filter { o in t.items.contains { $0.order == o.id && $0.qty != nil && $0.qty == o.cust } }
            .map(\.id).sorted())
    }

    @Test(arguments: [4, 5] as [UInt64])
    func scalarSubqueriesCorrelatedAndNot(seed: UInt64) throws {
        let t = try Tables(seed: seed)
        defer { try? FileManager.default.removeItem(atPath: t.dir) }
        let session = try makeSession(executors: 2, cores: 1, partitions: 3)
        defer { session.stop() }
        let (orders, items) = try t.frames(session)

        // Per order: the sum of its items' quantities (null when none) and their count (0 when none).
        let perOrder = try orders.select(col("id"),
                                         items.where(col("order") === col("id").outer()).agg(sum("qty")).scalar().alias("s"),
                                         items.where(col("order") === col("id")).agg(count(lit(1))).scalar().alias("n"))
            .orderBy("id").collect()
        #expect(perOrder.count == t.orders.count)
        for (row, o) in zip(perOrder, t.orders.sorted { $0.id < $1.id }) {
            let mine = t.items.filter { $0.order == o.id }
            let qtys = mine.compactMap(\.qty)
            #expect(row[1] == (qtys.isEmpty ? .null : .long(qtys.reduce(0, +))), "order \(o.id)")
            #expect(row[2] == .long(Int64(mine.count)), "order \(o.id): count over no rows is 0")
        }

        // A filter against a correlated average (TPC-H Q17's shape) and an uncorrelated one.
        let aboveOwn = try orders.where(col("amount") > items.where(col("order") === col("id")).agg(avg("qty")).scalar()).select("id").collect()
        #expect(Self.ids(aboveOwn) == t.orders.filter { o in
            let q = t.items.filter { $0.order == o.id }.compactMap(\.qty)
            guard let a = o.amount, !q.isEmpty else { return false }
            return Double(a) > Double(q.reduce(0, +)) / Double(q.count)
        }.map(\.id).sorted())
        let all = t.items.compactMap(\.qty)
        let mean = Double(all.reduce(0, +)) / Double(all.count)
        let aboveAll = try orders.where(col("amount") > items.agg(avg("qty")).scalar()).select("id").collect()
        #expect(Self.ids(aboveAll) == t.orders.filter { o in o.amount.map { Double($0) > mean } ?? false }.map(\.id).sorted())

        // An uncorrelated scalar that is not an aggregate: one row is its value, none is null,
        // several fail the query.
        let one = try orders.select(col("id"), items.where(col("flag") === 9).select("qty").scalar().alias("x")).limit(1).collect()
        #expect(one.first?[1] == .null)
        let first = try orders.select(items.orderBy("qty").limit(1).select(lit(7).alias("seven")).scalar().alias("x")).limit(1).collect()
        #expect(first.first?[0] == .long(7))
        let several = try #require(throws: EmberError.self) { try orders.select(items.select("qty").scalar()).collect() }
        #expect(several.message.contains("more than one row returned by a subquery"), "\(several.message)")
    }

    @Test func misuseSaysWhatToDo() throws {
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let a = session.range(0, 10), b = session.range(5, 20).select(col("id").alias("x"))
        let notAggregated = try #require(throws: EmberError.self) { try a.select(b.where(col("x") === col("id")).select("x").scalar()).collect() }
        #expect(notAggregated.message.contains("must be aggregated"))
        let underOr = try #require(throws: EmberError.self) { try a.where(b.where(col("x") === col("id")).exists() || col("id") > 3).collect() }
        #expect(underOr.message.contains("joined by AND"))
        let twoColumns = try #require(throws: EmberError.self) { try a.where(col("id").isin(b.select(col("x"), col("x").alias("y")))).collect() }
        #expect(twoColumns.message.contains("returns 2 column(s)"))
        let stray = try #require(throws: EmberError.self) { try a.select(col("id").outer()).collect() }
        #expect(stray.message.contains("not inside a subquery"))
        let nonEquality = try #require(throws: EmberError.self) {
            try a.select(b.where(col("x") > col("id")).agg(max("x")).scalar()).collect()
        }
        #expect(nonEquality.message.contains("must be an equality"))
    }

    /// O(id, k, c) = (1,1,10) (2,2,20) (3,3,30) (4,null,40); I(id, k, g, x) = (100,1,a,5)
    /// (101,1,b,7) (102,2,a,1) (103,null,a,9): a reviewer's probes of the rewrite's corners.
    static func probeTables(_ session: Session) -> (DataFrame, DataFrame) {
        let o = session.range(1, 5).select(col("id"), when(col("id") <= 3, col("id")).alias("k"), (col("id") * 10).alias("c"))
        let i = session.range(100, 104).select(col("id"), when(col("id") <= 101, lit(1)).when(col("id") === 102, lit(2)).alias("k"),
                                               when(col("id") === 101, lit("b")).otherwise(lit("a")).alias("g"),
                                               when(col("id") === 100, lit(5)).when(col("id") === 101, lit(7)).when(col("id") === 102, lit(1))
                                                   .otherwise(lit(9)).alias("x"))
        return (o, i)
    }

    @Test func reviewedCornersGiveSQLsAnswers() throws {
        let session = try makeSession(executors: 1, cores: 2, partitions: 3)
        defer { session.stop() }
        let (o, i) = Self.probeTables(session)
        // A correlated aggregate without grouping has one row for every outer row (count bug).
        let counted = i.where(col("k") === col("k").outer()).agg(count(lit(1)))
        #expect(Self.ids(try o.where(counted.exists()).select("id").collect()) == [1, 2, 3, 4])
        #expect(Self.ids(try o.where(!counted.exists()).select("id").collect()) == [])
        #expect(Self.ids(try o.where(lit(0).isin(counted)).select("id").collect()) == [3, 4])
        #expect(Self.ids(try o.where(!lit(0).isin(counted)).select("id").collect()) == [1, 2])
        // select("m") after agg, and an outer column of the same name that must not be read.
        let m = i.where(col("k") === col("k").outer()).agg(max("x").alias("m")).select("m").scalar()
        let withM = try o.select(col("id"), col("k"), col("c").alias("m")).select(col("id"), m.alias("v")).orderBy("id").collect()
        #expect(withM.map { $0[1] } == [.long(7), .long(1), .null, .null])
        // df["x"] of the outer DataFrame inside the subquery, where the subquery has an `id` too.
        #expect(Self.ids(try o.where(i.where(i["k"] === o["id"]).exists()).select("id").collect()) == [1, 2])
        // A name ambiguous inside the subquery is an error, not the outer query's column.
        let j = i.select(col("id").alias("jid"), col("k"))
        let ambiguous = try #require(throws: EmberError.self) {
            try o.where(i.join(j, on: i["id"] === j["jid"], how: "inner").where(col("k") === 1).exists()).collect()
        }
        #expect(ambiguous.message.contains("ambiguous"), "\(ambiguous.message)")
        // A correlated scalar subquery grouped by another column would have several rows per row.
        let grouped = try #require(throws: EmberError.self) {
            try o.select(i.where(col("k") === col("k").outer()).groupBy("g").agg(max("x").alias("m")).scalar()).collect()
        }
        #expect(grouped.message.contains("may group only by its correlated columns"))
        // An exploding projection over a one-row aggregate is not one row.
        let exploded = try #require(throws: EmberError.self) {
            try o.select(i.agg(max("g")).select(explode(split(lit("a,b"), ","))).scalar()).collect()
        }
        #expect(exploded.message.contains("more than one row"))
    }

    @Test func anUncorrelatedScalarSideIsBroadcastNotShuffledToOnePartition() throws {
        let session = try makeSession(executors: 1, cores: 2, partitions: 4)
        defer { session.stop() }
        let big = session.range(0, 100_000)
        let plan = try big.where(col("id") > big.agg(avg("id")).scalar()).explainString()
        // The one-row side is broadcast; the big side stays in its partitions (a join without keys
        // would otherwise bring both to a single partition).
        #expect(plan.contains("BroadcastNestedLoopJoin LeftOuter, BuildRight"), "\(plan)")
        #expect(try big.where(col("id") > big.agg(avg("id")).scalar()).count() == 50_000)
        let exists = try big.where(big.where(col("id") === 7).exists()).explainString()
        #expect(exists.contains("Limit") || exists.contains("limit"), "\(exists)")
    }

}
