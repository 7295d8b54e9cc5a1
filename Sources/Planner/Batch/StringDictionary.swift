// StringDictionary: a string column's rows as codes into a small array of distinct values, carried
// beside the column's plain values (ColumnVector.dictionary) by scans that find a column has few
// distinct values. Consumers that gain from it (the hash aggregate's keys) read the codes; every
// other consumer reads the plain values, so nothing else changes.
//
//   codes:   Int32 per row    index into `values`; -1 exactly where the row is null
//   values:  StringArray      the distinct values, each once
//   id:      UInt64           names a growing dictionary: two dictionaries with the same id agree
//                             on every code both hold (a later one may hold more values), so a
//                             consumer may keep what it derived from earlier codes
//
// The dictionary is dropped whenever the column's values or validity change (ColumnVector's
// observers), kept through take() and slice() (the codes are gathered too), and never encoded
// into shuffle frames or results.

@_spi(EmberInternal) public struct StringDictionary: Sendable {
    @_spi(EmberInternal) public let codes: [Int32]
    @_spi(EmberInternal) public let values: StringArray
    @_spi(EmberInternal) public let id: UInt64

    @_spi(EmberInternal) public init(codes: [Int32], values: StringArray, id: UInt64) {
        self.codes = codes
        self.values = values
        self.id = id
    }

    /// A fresh id for a new growing dictionary.
    @_spi(EmberInternal) public static func newId() -> UInt64 { UInt64.random(in: 1...UInt64.max) }

    /// The same dictionary for rows `indices` of the column.
    func take(_ indices: [Int32]) -> StringDictionary {
        StringDictionary(codes: ColumnVector.gather(codes, indices), values: values, id: id)
    }

    /// The same dictionary for rows `range` of the column.
    func slice(_ range: Range<Int>) -> StringDictionary {
        StringDictionary(codes: Array(codes[range]), values: values, id: id)
    }

    /// Whether the codes describe `column` exactly: every non-null row's value is the value its
    /// code names, every null row's code is -1. For tests and checks, not hot loops.
    @_spi(EmberInternal) public func describes(_ column: ColumnVector) -> Bool {
        guard case .string(let strings) = column.values, codes.count == strings.count else { return false }
        for i in 0..<codes.count {
            let code = Int(codes[i])
            if column.isNull(i) {
                if code != -1 { return false }
            } else if code < 0 || code >= values.count || !values.equals(code, strings, i) {
                return false
            }
        }
        return true
    }
}
