// JSONOptions: the JSON lines reader's and writer's options as plan values (they travel to the
// executors inside a task's FileScan), with Spark's names and defaults.

/// JSON lines reader options (Spark's `JSONOptions`, multiLine = false).
@_spi(EmberInternal) public struct JSONOptions: Sendable, Codable, Hashable {
    /// Infer every primitive value (number, boolean, string) as a string column.
    @_spi(EmberInternal) public var primitivesAsString: Bool = false
    /// Fraction of the lines schema inference reads (0 < r ≤ 1), drawn by a seeded Bernoulli sample.
    @_spi(EmberInternal) public var samplingRatio: Double = 1.0
    /// What a malformed line or a value of the wrong type does (see ``ParseMode``).
    @_spi(EmberInternal) public var mode: ParseMode = .permissive
    /// The string column that receives a malformed line's text in PERMISSIVE mode.
    @_spi(EmberInternal) public var columnNameOfCorruptRecord: String = "_corrupt_record"
    /// Inference leaves out columns whose every value is null (Spark's `dropFieldIfAllNull`).
    @_spi(EmberInternal) public var dropFieldIfAllNull: Bool = false
    /// Strings and names may be quoted with `'` as well as `"` (Spark's default: true).
    @_spi(EmberInternal) public var allowSingleQuotes: Bool = true

    @_spi(EmberInternal) public init() {}
}

/// Options for writing JSON lines.
@_spi(EmberInternal) public struct JSONWriteOptions: Sendable, Codable, Hashable {
    /// Leave null fields out of the objects (Spark's `ignoreNullFields`, default true); false writes `"k":null`.
    @_spi(EmberInternal) public var ignoreNullFields: Bool = true
    /// `none` or `gzip` (Spark's `compression`; `.json.gz` files).
    @_spi(EmberInternal) public var compression: JSONCompression = .none

    @_spi(EmberInternal) public init() {}
}

/// The codecs the JSON writer supports.
@_spi(EmberInternal) public enum JSONCompression: String, Sendable, Codable, Hashable {
    case none
    case gzip
}
