// TPCH: the 22 TPC-H queries written with Ember's DataFrame API, one file per query (Q01.swift …
// Q22.swift), with the specification's validation parameters; subqueries are joins (semi and anti
// joins for EXISTS and IN, a join with a one-row aggregate for a scalar subquery). Their answers
// equal DuckDB's on the same files (Benchmarks/peers/tpch: duckdb_answers.py, compare_answers.py).
//
// Ember's agg takes aggregates, not expressions over them, so arithmetic on aggregates (Q8, Q11,
// Q14, Q17, Q20) is a select after the agg.
//
// Over double columns two spellings matter: Q6's discount range is 0.05…0.07, not 0.06 ± 0.01
// (in doubles 0.06 + 0.01 < 0.07), and Q11's fraction is the validation value 0.0001 at every
// scale factor, as in the SQL the peers run.

import Engine

public enum TPCH {
    /// The query numbers, 1 to 22.
    public static let numbers = Array(1...22)

    /// Query `number` over `tables`.
    public static func query(_ number: Int, _ tables: TPCHTables) throws -> DataFrame {
        switch number {
        case 1: return try q01(tables)
        case 2: return try q02(tables)
        case 3: return try q03(tables)
        case 4: return try q04(tables)
        case 5: return try q05(tables)
        case 6: return try q06(tables)
        case 7: return try q07(tables)
        case 8: return try q08(tables)
        case 9: return try q09(tables)
        case 10: return try q10(tables)
        case 11: return try q11(tables)
        case 12: return try q12(tables)
        case 13: return try q13(tables)
        case 14: return try q14(tables)
        case 15: return try q15(tables)
        case 16: return try q16(tables)
        case 17: return try q17(tables)
        case 18: return try q18(tables)
        case 19: return try q19(tables)
        case 20: return try q20(tables)
        case 21: return try q21(tables)
        case 22: return try q22(tables)
        default:
            throw EmberError(.configuration, "there is no TPC-H query \(number)", context: [.init("query", "\(number)")],
                             hint: "the TPC-H queries are numbered 1 to 22")
        }
    }

    /// A line's price after its discount: l_extendedprice * (1 - l_discount).
    static let discountedPrice = col("l_extendedprice") * (lit(1) - col("l_discount"))
}
