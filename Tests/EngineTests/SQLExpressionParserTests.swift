// The SQL parser's expressions: Spark's operator precedence, the predicates, literals with their
// Spark types, intervals, CAST and `::` with Spark's type names, CASE, and the special call forms.

@_spi(EmberInternal) @testable import Planner
import Testing

@Suite struct SQLExpressionParserTests {
    @Test func arithmeticPrecedenceAndAssociativity() throws {
        #expect(try sqlExpression("a + b * c") == "(+ a (* b c))")
        #expect(try sqlExpression("a * b + c") == "(+ (* a b) c)")
        #expect(try sqlExpression("a - b - c") == "(- (- a b) c)")
        #expect(try sqlExpression("a / b % c DIV d") == "(DIV (% (/ a b) c) d)")
        #expect(try sqlExpression("a || b + c") == "(+ (|| a b) c)")
        #expect(try sqlExpression("(a + b) * c") == "(* (+ a b) c)")
        // Bitwise operators: & tighter than ^ tighter than |, all looser than + and tighter than =.
        #expect(try sqlExpression("a | b ^ c & d + e") == "(| a (^ b (& c (+ d e))))")
        #expect(try sqlExpression("a & b = c | d") == "(= (& a b) (| c d))")
    }

    @Test func unaryOperatorsBindTighterThanBinaryAndLooserThanCast() throws {
        #expect(try sqlExpression("-a * b") == "(* (- a) b)")
        #expect(try sqlExpression("- - a") == "(- (- a))")
        #expect(try sqlExpression("~a + +b") == "(+ (~ a) (+ b))")
        #expect(try sqlExpression("-a::int") == "(- (cast a int))")
        #expect(try sqlExpression("a::string::int") == "(cast (cast a string) int)")
        #expect(try sqlExpression("arr[0] + m['k']") == "(+ (element arr 0) (element m 'k'))")
        // A minus before a number is part of the literal, as in Spark: -5 is the INT -5.
        #expect(try sqlExpression("-5") == "-5")
        #expect(try sqlExpression("2 -1") == "(- 2 1)")
        #expect(try sqlExpression("a - -1") == "(- a -1)")
    }

    @Test func comparisonsLogicAndNot() throws {
        #expect(try sqlExpression("a = 1 OR b <> 2 AND c != 3") == "(OR (= a 1) (AND (!= b 2) (!= c 3)))")
        #expect(try sqlExpression("a == b") == "(= a b)")
        #expect(try sqlExpression("a <=> b AND c < d AND e <= f AND g > h AND i >= j") ==
            "(AND (AND (AND (AND (<=> a b) (< c d)) (<= e f)) (> g h)) (>= i j))")
        // NOT binds tighter than AND, looser than comparisons and predicates.
        #expect(try sqlExpression("NOT a = b AND c") == "(AND (NOT (= a b)) c)")
        #expect(try sqlExpression("NOT a OR b") == "(OR (NOT a) b)")
        #expect(try sqlExpression("NOT NOT a") == "(NOT (NOT a))")
        #expect(try sqlExpression("! a IS NULL") == "(NOT (is-null a))")
        #expect(try sqlExpression("a = b = c") == "(= (= a b) c)")
        #expect(try sqlExpression("a OR b OR c") == "(OR (OR a b) c)")
    }

    @Test func predicates() throws {
        #expect(try sqlExpression("a BETWEEN 1 AND 2 AND b") == "(AND (between a 1 2) b)")
        #expect(try sqlExpression("a NOT BETWEEN b + 1 AND c * 2") == "(not-between a (+ b 1) (* c 2))")
        #expect(try sqlExpression("NOT a BETWEEN 1 AND 2") == "(NOT (between a 1 2))")
        #expect(try sqlExpression("a IN (1, 2, 3)") == "(in a (1 2 3))")
        #expect(try sqlExpression("a NOT IN ('x')") == "(not-in a ('x'))")
        #expect(try sqlExpression("a LIKE 'x%' ESCAPE '!'") == "(like a 'x%' (escape '!'))")
        #expect(try sqlExpression("a NOT LIKE b || '%'") == "(not-like a (|| b '%'))")
        #expect(try sqlExpression("a ILIKE 'X%'") == "(ilike a 'X%')")
        #expect(try sqlExpression("a RLIKE '^x' OR a NOT REGEXP 'y$'") == "(OR (rlike a '^x') (not-rlike a 'y$'))")
        #expect(try sqlExpression("a IS NULL AND b IS NOT NULL") == "(AND (is-null a) (is-not-null b))")
        #expect(try sqlExpression("a IS TRUE OR b IS NOT FALSE OR c IS UNKNOWN") ==
            "(OR (OR (is-true a) (is-not-false b)) (is-unknown c))")
        #expect(try sqlExpression("a IS DISTINCT FROM b AND c IS NOT DISTINCT FROM d") ==
            "(AND (is-distinct-from a b) (is-not-distinct-from c d))")
        // A predicate applies to the comparison before it.
        #expect(try sqlExpression("a = b IS NULL") == "(is-null (= a b))")
        #expect(try sqlExpression("a + 1 IN (2)") == "(in (+ a 1) (2))")
    }

    @Test func literalsAndTheirSparkTypes() throws {
        func literal(_ sql: String) throws -> SQLLiteral? {
            if case .literal(let l) = try SQLParser.parseExpression(sql).kind { return l }
            return nil
        }
        #expect(try literal("42") == .integer(42, .int))
        #expect(try literal("3000000000") == .integer(3_000_000_000, .bigint))
        #expect(try literal("-2147483648") == .integer(-2_147_483_648, .int))
        #expect(try literal("99999999999999999999") == .decimal("99999999999999999999"))
        #expect(try literal("10L") == .integer(10, .bigint))
        #expect(try literal("-32768S") == .integer(-32768, .smallint))
        #expect(try literal("127Y") == .integer(127, .tinyint))
        #expect(try literal("12.578") == .decimal("12.578"))
        #expect(try literal(".5") == .decimal("0.5"))
        #expect(try literal("-1.5BD") == .decimal("-1.5"))
        #expect(try literal("1.5D") == .double(1.5))
        #expect(try literal("1e3") == .double(1000))
        #expect(try literal("1.5e-3") == .double(0.0015))
        #expect(try literal("2.5F") == .float(2.5))
        #expect(try literal("'a' \"b\" 'c'") == .string("abc"))
        #expect(try literal("TRUE") == .boolean(true))
        #expect(try literal("null") == .null)
        #expect(try literal("DATE '1998-12-01'") == .date("1998-12-01", days: 10561))
        #expect(try literal("TIMESTAMP '1970-01-02 00:00:01.5'") == .timestamp("1970-01-02 00:00:01.5", micros: 86_401_500_000, ntz: false))
        #expect(try literal("TIMESTAMP_NTZ '1970-01-01'") == .timestamp("1970-01-01", micros: 0, ntz: true))
        // DATE and TIMESTAMP without a string are names.
        #expect(try sqlExpression("date + 1") == "(+ date 1)")
    }

    @Test func intervals() throws {
        func interval(_ sql: String) throws -> SQLInterval? {
            if case .literal(.interval(let i)) = try SQLParser.parseExpression(sql).kind { return i }
            return nil
        }
        let months = { (n: Int64, from: SQLIntervalField, to: SQLIntervalField) in
            SQLInterval(months: n, days: 0, microseconds: 0, startField: from, endField: to)
        }
        let dayTime = { (d: Int64, us: Int64, from: SQLIntervalField, to: SQLIntervalField) in
            SQLInterval(months: 0, days: d, microseconds: us, startField: from, endField: to)
        }
        #expect(try interval("INTERVAL '3' MONTH") == months(3, .month, .month))
        #expect(try interval("INTERVAL '1' YEAR") == months(12, .year, .year))
        #expect(try interval("interval 2 years 3 months") == months(27, .year, .month))
        #expect(try interval("INTERVAL -1 YEAR") == months(-12, .year, .year))
        #expect(try interval("INTERVAL '1-2' YEAR TO MONTH") == months(14, .year, .month))
        #expect(try interval("INTERVAL '-1-2' YEAR TO MONTH") == months(-14, .year, .month))
        #expect(try interval("INTERVAL 3 DAYS") == dayTime(3, 0, .day, .day))
        #expect(try interval("INTERVAL '90' DAY") == dayTime(90, 0, .day, .day))
        #expect(try interval("INTERVAL 2 WEEKS") == dayTime(14, 0, .day, .day))
        #expect(try interval("INTERVAL 1 DAY 2 HOURS 3 MINUTES 4.5 SECONDS") == dayTime(1, 7_384_500_000, .day, .second))
        #expect(try interval("INTERVAL 250 MILLISECONDS 7 MICROSECONDS") == dayTime(0, 250_007, .second, .second))
        #expect(try interval("INTERVAL '3 04:05:06.7' DAY TO SECOND") == dayTime(3, 14_706_700_000, .day, .second))
        #expect(try interval("INTERVAL '04:05' HOUR TO MINUTE") == dayTime(0, 14_700_000_000, .hour, .minute))
        #expect(try interval("INTERVAL '05:06.5' MINUTE TO SECOND") == dayTime(0, 306_500_000, .minute, .second))
        #expect(try interval("INTERVAL '1 day 2 hours'") == dayTime(1, 7_200_000_000, .day, .hour))
        // An interval ends where the next token is not a value followed by a unit.
        #expect(try sqlExpression("d - INTERVAL '90' DAY - 1") == "(- (- d (interval day..day months=0 days=90 micros=0)) 1)")
        #expect(try sqlExpression("d + interval 3 month") == "(+ d (interval month..month months=3 days=0 micros=0))")
        #expect(try sqlExpression("interval + 1") == "(+ interval 1)")
    }

    @Test func castsAndTypeNames() throws {
        let types: [(String, String)] = [
            ("int", "int"), ("INTEGER", "int"), ("bigint", "bigint"), ("long", "bigint"), ("smallint", "smallint"),
            ("short", "smallint"), ("tinyint", "tinyint"), ("byte", "tinyint"), ("double", "double"), ("float", "float"),
            ("real", "float"), ("decimal", "decimal(10,0)"), ("decimal(12, 2)", "decimal(12,2)"), ("numeric(5)", "decimal(5,0)"),
            ("dec(3,1)", "decimal(3,1)"), ("string", "string"), ("varchar(10)", "varchar(10)"), ("char(2)", "char(2)"),
            ("character(2)", "char(2)"), ("boolean", "boolean"), ("date", "date"), ("timestamp", "timestamp"),
            ("timestamp_ltz", "timestamp"), ("timestamp_ntz", "timestamp_ntz"), ("binary", "binary"),
            ("array<int>", "array<int>"), ("array<array<string>>", "array<array<string>>"),
        ]
        for (written, name) in types {
            #expect(try sqlExpression("CAST(x AS \(written))") == "(cast x \(name))", "\(written)")
        }
        #expect(try sqlExpression("x::decimal(10,2)") == "(cast x decimal(10,2))")
        #expect(try sqlExpression("TRY_CAST(x AS int)") == "(try-cast x int)")
        #expect(try sqlExpression("cast(a + 1 AS string) || 'x'") == "(|| (cast (+ a 1) string) 'x')")
    }

    @Test func caseFunctionsAndSpecialForms() throws {
        #expect(try sqlExpression("CASE WHEN a > 1 THEN 'x' WHEN a IS NULL THEN 'n' ELSE 'y' END") ==
            "(case (when (> a 1) 'x') (when (is-null a) 'n') (else 'y'))")
        #expect(try sqlExpression("CASE a WHEN 1 THEN 'one' END") == "(case a (when 1 'one'))")
        #expect(try sqlExpression("count(DISTINCT a, b)") == "(count distinct a b)")
        #expect(try sqlExpression("count(*)") == "(count *)")
        #expect(try sqlExpression("count(ALL a)") == "(count a)")
        #expect(try sqlExpression("coalesce(a, b, 0)") == "(coalesce a b 0)")
        #expect(try sqlExpression("now()") == "(now)")
        #expect(try sqlExpression("sum(x) FILTER (WHERE y > 0)") == "(sum x (filter (> y 0)))")
        #expect(try sqlExpression("first(x IGNORE NULLS)") == "(first x ignore-nulls)")
        #expect(try sqlExpression("last(x) RESPECT NULLS") == "(last x respect-nulls)")
        #expect(try sqlExpression("left(s, 2) || right(s, 1)") == "(|| (left s 2) (right s 1))")
        #expect(try sqlExpression("db.f(t.c)") == "(db.f t.c)")
        #expect(try sqlExpression("EXTRACT(YEAR FROM o_orderdate)") == "(extract YEAR o_orderdate)")
        #expect(try sqlExpression("SUBSTRING(c_phone FROM 1 FOR 2)") == "(SUBSTRING c_phone 1 2)")
        #expect(try sqlExpression("substr(s, 2)") == "(substr s 2)")
        #expect(try sqlExpression("TRIM(s)") == "(trim both s)")
        #expect(try sqlExpression("TRIM(LEADING 'x' FROM s)") == "(trim leading 'x' s)")
        #expect(try sqlExpression("trim(BOTH FROM s)") == "(trim both s)")
        #expect(try sqlExpression("POSITION('a' IN s)") == "(POSITION 'a' s)")
        #expect(try sqlExpression("CURRENT_DATE + 1") == "(+ (current_date) 1)")
        #expect(try sqlExpression("(a, b)") == "(tuple a b)")
        #expect(try sqlExpression("t.`my col`.x") == "t.`my col`.x")
    }
}
