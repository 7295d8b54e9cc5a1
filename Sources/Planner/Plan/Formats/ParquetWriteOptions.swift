// ParquetWriteOptions: how Ember writes Parquet files, with Spark's option names and defaults
// (snappy, dictionary encoding with a 1 MiB dictionary page limit, 1 MiB pages, 128 MiB row groups).
// Travels to executors inside a task, so it is a plain Codable value.

/// A Parquet page codec, named as Spark names it in the `compression` option.
@_spi(EmberInternal) public enum ParquetCompression: String, Sendable, Codable, Hashable, CaseIterable {
    case uncompressed
    case snappy
    case gzip
    case zstd
    /// A single LZ4 block per page (Parquet's LZ4_RAW); the deprecated Hadoop-framed `lz4` is not written.
    case lz4Raw = "lz4_raw"

    /// The part of a Spark output file name that names the codec (`part-…<ext>.parquet`):
    /// `.snappy`, `.gz`, `.zstd`, `.lz4raw`, nothing when uncompressed.
    @_spi(EmberInternal) public var fileNameExtension: String {
        switch self {
        case .uncompressed: return ""
        case .snappy: return ".snappy"
        case .gzip: return ".gz"
        case .zstd: return ".zstd"
        case .lz4Raw: return ".lz4raw"
        }
    }
}

/// Options of `df.write.parquet(path)` / `write.format("parquet")`.
@_spi(EmberInternal) public struct ParquetWriteOptions: Sendable, Codable, Hashable {
    /// Page codec (Spark's `spark.sql.parquet.compression.codec` default: snappy).
    @_spi(EmberInternal) public var compression: ParquetCompression = .snappy
    /// A row group is written once its buffered, encoded and compressed pages reach this many bytes
    /// (parquet-java's `parquet.block.size`: 128 MiB).
    @_spi(EmberInternal) public var rowGroupBytes: Int = 128 << 20
    /// A data page is closed once its encoded values reach this many bytes (`parquet.page.size`: 1 MiB)…
    @_spi(EmberInternal) public var pageBytes: Int = 1 << 20
    /// …or this many rows (`parquet.page.row.count.limit`: 20,000).
    @_spi(EmberInternal) public var pageRowLimit: Int = 20_000
    /// Dictionary-encode columns (`parquet.enable.dictionary`: true).
    @_spi(EmberInternal) public var dictionary: Bool = true
    /// A column falls back to PLAIN for the rest of its chunk once its dictionary's PLAIN encoding
    /// would pass this many bytes (`parquet.dictionary.page.size`: 1 MiB).
    @_spi(EmberInternal) public var dictionaryPageBytes: Int = 1 << 20

    @_spi(EmberInternal) public init() {}

    /// The option names this format accepts (case-insensitive), for errors and suggestions.
    @_spi(EmberInternal) public static let optionNames = [
        "compression", "parquet.compression", "parquet.block.size", "parquet.page.size",
        "parquet.page.row.count.limit", "parquet.enable.dictionary", "parquet.dictionary.page.size",
    ]

    /// The codec names Spark accepts; the ones Ember cannot write are refused with a hint.
    static let codecNames = ["none", "uncompressed", "snappy", "gzip", "zstd", "lz4_raw", "lz4", "lzo", "brotli"]

    /// Options from writer option pairs (Spark's names, case-insensitive keys). `compression` wins
    /// over `parquet.compression`, as in Spark. Unknown keys and bad values are errors naming them.
    @_spi(EmberInternal) public static func parse(_ pairs: [(key: String, value: String)]) throws -> ParquetWriteOptions {
        var options = ParquetWriteOptions()
        var codec: String? = nil, fallbackCodec: String? = nil
        for (key, value) in pairs {
            switch key.lowercased() {
            case "compression": codec = value
            case "parquet.compression": fallbackCodec = value
            case "parquet.block.size": options.rowGroupBytes = try positiveBytes(key, value)
            case "parquet.page.size": options.pageBytes = try positiveBytes(key, value)
            case "parquet.page.row.count.limit": options.pageRowLimit = try positiveBytes(key, value)
            case "parquet.dictionary.page.size": options.dictionaryPageBytes = try positiveBytes(key, value)
            case "parquet.enable.dictionary":
                switch value.lowercased() {
                case "true": options.dictionary = true
                case "false": options.dictionary = false
                default:
                    throw EmberError(.configuration, "the Parquet option \(key) must be true or false, got '\(value)'")
                }
            default:
                let suggestion = NameSuggestions.closest(to: key, among: optionNames)
                throw EmberError(.configuration, "unknown Parquet write option '\(key)'",
                                 hint: (suggestion.map { "did you mean '\($0)'? " } ?? "") + "supported: " + optionNames.joined(separator: ", "))
            }
        }
        if let name = codec ?? fallbackCodec { options.compression = try compression(named: name) }
        return options
    }

    /// The codec for a Spark codec name (`none` and `uncompressed` are the same).
    @_spi(EmberInternal) public static func compression(named name: String) throws -> ParquetCompression {
        let lower = name.lowercased()
        switch lower {
        case "none", "uncompressed": return .uncompressed
        case "snappy": return .snappy
        case "gzip": return .gzip
        case "zstd": return .zstd
        case "lz4_raw": return .lz4Raw
        case "lz4", "lzo", "brotli":
            throw EmberError(.configuration, "Ember cannot write the Parquet codec \(lower)",
                             context: [.init("compression", name)],
                             hint: lower == "lz4" ? "use lz4_raw (the LZ4 codec the Parquet format recommends)"
                                                  : "use snappy, gzip, zstd, lz4_raw or none")
        default:
            // Spark: "Codec [x] is not available. Available codecs are …"
            throw EmberError(.configuration, "Codec [\(lower)] is not available. Available codecs are \(codecNames.joined(separator: ", ")).",
                             context: [.init("compression", name)], hint: "use snappy, gzip, zstd, lz4_raw or none")
        }
    }

    private static func positiveBytes(_ key: String, _ value: String) throws -> Int {
        guard let n = Int(value), n > 0 else {
            throw EmberError(.configuration, "the Parquet option \(key) must be a positive number, got '\(value)'")
        }
        return n
    }
}
