// ParquetOptions: the Parquet reader's options, carried by `FileFormat.parquet` to the executors.

/// Parquet reader options. Spark reads binary columns as BinaryType, which Ember does not have;
/// `binaryAsString` (Spark's `spark.sql.parquet.binaryAsString`) reads them as strings instead.
@_spi(EmberInternal) public struct ParquetOptions: Sendable, Codable, Hashable {
    /// Read un-annotated BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY columns as strings (default false: they
    /// are refused, naming the column).
    @_spi(EmberInternal) public var binaryAsString: Bool = false

    @_spi(EmberInternal) public init(binaryAsString: Bool = false) { self.binaryAsString = binaryAsString }
}
