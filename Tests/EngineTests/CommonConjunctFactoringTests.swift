// CommonConjunctFactoring: conjuncts common to every branch of an OR come out of it, so a join
// condition repeated in each branch (TPC-H Q19) becomes a hash join's key. The rewrite itself on
// expressions, then a query over seeded data with nulls in every column against a row-at-a-time
// reference in SQL's three-valued logic, and its plan: a hash join, no nested loop.

@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) @testable import Planner
import Foundation
import Testing

@Suite struct CommonConjunctFactoringTests {
    let a = BoundExpression.comparison(.equal, .column(0, .long), .column(1, .long))
    let b = BoundExpression.comparison(.greater, .column(2, .long), .literal(.long(1), .long))
    let c = BoundExpression.isNull(.column(3, .long))
    let d = BoundExpression.comparison(.less, .column(2, .long), .column(3, .long))

    @Test func commonConjunctsLeaveTheOr() {
        #expect(BoundExpression.or(.and(a, b), .and(a, c)).factoringCommonConjuncts() == .and(a, .or(b, c)))
        // Three branches, the common ones in any position of each.
        #expect(BoundExpression.or(.or(.and(.and(a, b), d), .and(d, .and(c, a))), .and(a, .and(d, b))).factoringCommonConjuncts()
                == .and(.and(a, d), .or(.or(b, c), b)))
        // A branch of common conjuncts only: the OR is them.
        #expect(BoundExpression.or(a, .and(a, b)).factoringCommonConjuncts() == a)
        // An equality is the same with its sides swapped.
        let swapped = BoundExpression.comparison(.equal, .column(1, .long), .column(0, .long))
        #expect(BoundExpression.or(.and(a, b), .and(swapped, c)).factoringCommonConjuncts() == .and(a, .or(b, c)))
        // Nothing common: unchanged.
        #expect(BoundExpression.or(.and(a, b), .and(c, d)).factoringCommonConjuncts() == .or(.and(a, b), .and(c, d)))
        // Inside another expression.
        #expect(BoundExpression.not(.or(.and(a, b), .and(a, c))).factoringCommonConjuncts() == .not(.and(a, .or(b, c))))
    }

    struct Row { var id: Int; var k: Int?; var x: Int? }

    /// Views `name` over CSV files of the rows, with inferred types.
    static func createViews(_ session: Session, _ dir: ScratchDir, _ tables: [String: [Row]]) throws {
        for (name, rows) in tables.sorted(by: { $0.key < $1.key }) {
            let path = dir.write("\(name).csv", csv(rows))
            _ = try session.sql("CREATE TEMPORARY VIEW \(name) USING csv OPTIONS (path '\(path)', header 'true', inferSchema 'true')").collect()
        }
    }

    static func rows(_ count: Int, seed: UInt64) -> [Row] {
        var rng = SeededRandom(seed: seed)
        func value() -> Int? { Int.random(in: 0..<5, using: &rng) == 0 ? nil : Int.random(in: 0...3, using: &rng) }
        return (0..<count).map { Row(id: $0, k: value(), x: value()) }
    }

    static func csv(_ rows: [Row]) -> String {
        "id,k,x\n" + rows.map { "\($0.id),\($0.k.map(String.init) ?? ""),\($0.x.map(String.init) ?? "")\n" }.joined()
    }

    @Test func aJoinConditionInEveryBranchIsAHashJoinWithTheSameAnswer() throws {
        let dir = ScratchDir("or-factoring")
        defer { dir.cleanup() }
        let left = Self.rows(90, seed: 19), right = Self.rows(70, seed: 91)
        let session = try makeSession(executors: 2, cores: 1)
        defer { session.stop() }
        try Self.createViews(session, dir, ["l": left, "r": right])
        let query = """
            SELECT l.id, r.id FROM l, r
            WHERE (l.k = r.k AND l.x = 1 AND r.x > 1) OR (r.k = l.k AND l.x = 1) OR (l.k = r.k AND (l.x = 2 OR r.x IS NULL) AND l.x = 1)
            """
        let df = try session.sql(query)
        let plan = try df.explainString(false)
        #expect(plan.contains("HashJoin Inner") && !plan.contains("NestedLoop"), "\(plan)")

        func gt(_ p: Int?, _ q: Int) -> Bool? { p.map { $0 > q } }
        var expected: [String] = []
        for l in left {
            for r in right {
                let first = and(and(eq(l.k, r.k), eq(l.x, 1)), gt(r.x, 1))
                let second = and(eq(r.k, l.k), eq(l.x, 1))
                let third = and(and(eq(l.k, r.k), or(eq(l.x, 2), r.x == nil)), eq(l.x, 1))
                if or(or(first, second), third) == true { expected.append("\(l.id),\(r.id)") }
            }
        }
        let got = try df.collect().map { "\($0.values[0]),\($0.values[1])" }
        #expect(got.sorted() == expected.sorted())
        #expect(!expected.isEmpty)
    }

    /// An OR over both sides with nothing common: each side is also filtered by what it must meet
    /// for a branch to hold (Spark's PushExtraPredicateThroughJoin), on the sides each join type
    /// lets be filtered, and every join type gives the reference's rows.
    @Test func eachSideGetsWhatAnOrOverBothSidesAsksOfIt() throws {
        let dir = ScratchDir("or-implied")
        defer { dir.cleanup() }
        let left = Self.rows(90, seed: 23), right = Self.rows(70, seed: 32)
        let session = try makeSession(executors: 2, cores: 1)
        defer { session.stop() }
        try Self.createViews(session, dir, ["l": left, "r": right])
        func holds(_ l: Row, _ r: Row) -> Bool {
            let first = and(eq(l.x, 1), r.x.map { $0 > 1 })
            let second = and(eq(l.x, 2), r.x == nil)
            return and(eq(l.k, r.k), or(first, second)) == true
        }
        let on = "l.k = r.k AND ((l.x = 1 AND r.x > 1) OR (l.x = 2 AND r.x IS NULL))"
        for how in ["JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN", "LEFT SEMI JOIN", "LEFT ANTI JOIN"] {
            let keepsRight = !how.contains("SEMI") && !how.contains("ANTI")
            let df = try session.sql("SELECT l.id\(keepsRight ? ", r.id" : "") FROM l \(how) r ON \(on)")
            var expected: [String] = []
            var rightMatched = Set<Int>()
            for l in left {
                let matches = right.filter { holds(l, $0) }
                for r in matches { rightMatched.insert(r.id) }
                switch how {
                case "LEFT SEMI JOIN": if !matches.isEmpty { expected.append("\(l.id)") }
                case "LEFT ANTI JOIN": if matches.isEmpty { expected.append("\(l.id)") }
                default:
                    expected += matches.map { "\(l.id),\($0.id)" }
                    if matches.isEmpty && (how == "LEFT JOIN" || how == "FULL JOIN") { expected.append("\(l.id),null") }
                }
            }
            if how == "RIGHT JOIN" || how == "FULL JOIN" {
                for r in right where !rightMatched.contains(r.id) { expected.append("null,\(r.id)") }
            }
            let got = try df.collect().map { row in row.values.map { $0.isNull ? "null" : $0.description }.joined(separator: ",") }
            #expect(got.sorted() == expected.sorted(), "\(how)")
            // The sides each join type lets be filtered carry the implied predicates.
            let plan = try df.explainString(false)
            let leftFiltered = plan.range(of: #"\(x#\d+ = 1\) OR \(x#\d+ = 2\)"#, options: .regularExpression) != nil
            let rightFiltered = plan.range(of: #"\(x#\d+ > 1\) OR isnull\(x#\d+\)"#, options: .regularExpression) != nil
            let expectLeft = how == "JOIN" || how == "RIGHT JOIN" || how == "LEFT SEMI JOIN"
            let expectRight = how != "RIGHT JOIN" && how != "FULL JOIN"
            #expect(leftFiltered == expectLeft && rightFiltered == expectRight, "\(how): \(plan)")
        }
    }
}

// SQL's three-valued logic for the references: nil is unknown; a row is kept when the condition is true.
private func eq(_ p: Int?, _ q: Int?) -> Bool? { p.flatMap { p in q.map { p == $0 } } }
private func and(_ p: Bool?, _ q: Bool?) -> Bool? { p == false || q == false ? false : (p == true && q == true ? true : nil) }
private func or(_ p: Bool?, _ q: Bool?) -> Bool? { p == true || q == true ? true : (p == false && q == false ? false : nil) }
