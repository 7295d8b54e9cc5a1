// Literals and type names of the SQL syntax tree (overview in SQLSyntaxTree.swift), with the Spark
// types they denote: `1` is INT, `1L` BIGINT, `1.5` DECIMAL(2,1), `1.5D` and `1e3` DOUBLE;
// `DATE '…'`, `TIMESTAMP '…'` and intervals are checked and converted when parsed.

@_spi(EmberInternal) public enum SQLLiteral: Sendable, Hashable {
    case null
    case boolean(Bool)
    /// An integer and its Spark type: `.int` when it fits 32 bits, else `.bigint`; `.bigint`,
    /// `.smallint`, `.tinyint` for the suffixes L, S, Y (range-checked).
    case integer(Int64, SQLDataType)
    /// An exact decimal as written, sign included, suffix dropped: `12.578`, `-0.5`, `1.5BD` as
    /// "1.5", or an integer too large for BIGINT.
    case decimal(String)
    /// `1.5D`, `1e3`, `1.5e-3`.
    case double(Double)
    /// `1.5F`.
    case float(Double)
    /// A string, after escapes; adjacent literals are joined (`'a' 'b'` is "ab").
    case string(String)
    /// `DATE '2024-01-31'`: the text and its days since 1970-01-01.
    case date(String, days: Int32)
    /// `TIMESTAMP '…'` (ntz false) or `TIMESTAMP_NTZ '…'` (ntz true): the text and microseconds since
    /// 1970-01-01 00:00 UTC. `TIMESTAMP_LTZ` is `TIMESTAMP`.
    case timestamp(String, micros: Int64, ntz: Bool)
    case interval(SQLInterval)
}

/// A Spark type name in CAST, `::` or a column list. Synonyms are folded: `integer` is `.int`,
/// `long` `.bigint`, `real` `.float`, `dec` and `numeric` `.decimal`, `timestamp_ltz` `.timestamp`.
@_spi(EmberInternal) public indirect enum SQLDataType: Sendable, Hashable {
    case tinyint, smallint, int, bigint, float, double
    /// `decimal` alone is decimal(10, 0), as in Spark.
    case decimal(precision: Int, scale: Int)
    case string, varchar(Int), char(Int)
    case boolean, date, timestamp, timestampNTZ, binary
    case array(SQLDataType)

    /// Spark's name for the type (`int`, `decimal(10,2)`, `array<string>`).
    @_spi(EmberInternal) public var sqlName: String {
        switch self {
        case .tinyint: return "tinyint"
        case .smallint: return "smallint"
        case .int: return "int"
        case .bigint: return "bigint"
        case .float: return "float"
        case .double: return "double"
        case .decimal(let p, let s): return "decimal(\(p),\(s))"
        case .string: return "string"
        case .varchar(let n): return "varchar(\(n))"
        case .char(let n): return "char(\(n))"
        case .boolean: return "boolean"
        case .date: return "date"
        case .timestamp: return "timestamp"
        case .timestampNTZ: return "timestamp_ntz"
        case .binary: return "binary"
        case .array(let e): return "array<\(e.sqlName)>"
        }
    }
}

/// The fields of an interval, from the largest.
@_spi(EmberInternal) public enum SQLIntervalField: Int, Sendable, Hashable, Comparable {
    case year, month, day, hour, minute, second
    @_spi(EmberInternal) public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    var name: String { String(describing: self).uppercased() }
}

/// An interval literal: `INTERVAL '3' MONTH`, `INTERVAL 3 DAYS`, `INTERVAL 1 DAY 2 HOURS`,
/// `INTERVAL '1-2' YEAR TO MONTH`, `INTERVAL '3 04:05:06' DAY TO SECOND`, `INTERVAL '2 hours'`.
/// As in Spark 3.2+, an interval is either year-month (YEAR, MONTH) or day-time (WEEK, DAY … MICROSECOND);
/// the two cannot be mixed. Weeks count as 7 days, milli- and microseconds as the SECOND field.
@_spi(EmberInternal) public struct SQLInterval: Sendable, Hashable {
    /// Years × 12 + months (year-month intervals only).
    @_spi(EmberInternal) public var months: Int64
    /// Whole days (day-time intervals only); hours and smaller are in `microseconds`.
    @_spi(EmberInternal) public var days: Int64
    @_spi(EmberInternal) public var microseconds: Int64
    /// The largest and smallest fields written: DAY…DAY for `INTERVAL 3 DAYS`, DAY…SECOND for
    /// `'3 04:05:06' DAY TO SECOND` (Spark's `interval day to second` type).
    @_spi(EmberInternal) public var startField: SQLIntervalField
    @_spi(EmberInternal) public var endField: SQLIntervalField

    @_spi(EmberInternal) public var isYearMonth: Bool { startField <= .month }

    /// The whole day-time interval in microseconds (nil on overflow).
    @_spi(EmberInternal) public var totalMicroseconds: Int64? {
        let (d, o1) = days.multipliedReportingOverflow(by: 86_400_000_000)
        let (t, o2) = d.addingReportingOverflow(microseconds)
        return o1 || o2 ? nil : t
    }
}
