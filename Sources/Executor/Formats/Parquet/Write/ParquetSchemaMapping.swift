// ParquetSchemaMapping: how Ember's types are written to Parquet, as Spark's ParquetSchemaConverter
// writes them (root group `spark_schema`; nullable fields OPTIONAL, the others REQUIRED):
//
//   bigint     INT64
//   double     DOUBLE
//   boolean    BOOLEAN
//   string     BYTE_ARRAY   STRING              (converted type UTF8)
//   date       INT32        DATE                (DATE)
//   timestamp  INT64        TIMESTAMP(MICROS, isAdjustedToUTC = true)   (TIMESTAMP_MICROS)
//
// Timestamps: Spark 3's default `spark.sql.parquet.outputTimestampType` is INT96, a legacy
// encoding; Ember writes TIMESTAMP_MICROS (Spark's other choice), which Spark, DuckDB and pyarrow
// read natively as instants, with no loss (Ember's timestamps are microseconds).
// Arrays are not written yet (they need repetition levels); the writer refuses them by name.
//
// The footer also carries Spark's schema as JSON under `org.apache.spark.sql.parquet.row.metadata`,
// so Spark reads the columns back with their Spark types and nullability.

@_spi(EmberInternal) import Planner

enum ParquetSchemaMapping {
    /// The footer's `created_by`.
    static let createdBy = "ember version 0.1.0"
    /// Spark's key for its schema in the footer's key-value metadata.
    static let sparkSchemaKey = "org.apache.spark.sql.parquet.row.metadata"

    /// The physical type a field is written as; throws for a type Ember cannot write.
    static func physicalType(of field: StructField) throws -> PhysicalType {
        switch field.dataType {
        case .long, .timestamp: return .int64
        case .double: return .double
        case .boolean: return .boolean
        case .string: return .byteArray
        case .date: return .int32
        case .array: throw unsupported(field)
        }
    }

    private static func unsupported(_ field: StructField) -> EmberError {
        EmberError(.output, "Ember cannot write array columns to Parquet yet",
                   context: [.init("column", field.name), .init("type", field.dataType.simpleString)],
                   hint: "drop the column, or turn it into a string (e.g. concat_ws) before writing")
    }

    /// Refuses column names that differ only in case, as Spark does on write.
    static func checkNames(_ schema: StructType) throws {
        var seen: [String: String] = [:]
        for name in schema.names {
            if let earlier = seen.updateValue(name, forKey: name.lowercased()) {
                throw EmberError(.analysis, "Found duplicate column(s) in the data schema: `\(earlier)`, `\(name)`",
                                 hint: "rename or drop one of the columns before writing")
            }
        }
    }

    /// The schema elements: the root group, then one leaf per field.
    static func schemaElements(_ schema: StructType) throws -> [SchemaElement] {
        var elements = [SchemaElement(name: "spark_schema", numChildren: Int32(schema.count))]
        for field in schema.fields {
            var e = SchemaElement(name: field.name, type: try physicalType(of: field),
                                  repetitionType: field.nullable ? .optional : .required)
            switch field.dataType {
            case .string:
                e.logicalType = .string
                e.convertedType = .utf8
            case .date:
                e.logicalType = .date
                e.convertedType = .date
            case .timestamp:
                e.logicalType = .timestamp(isAdjustedToUTC: true, unit: .micros)
                e.convertedType = .timestampMicros
            case .long, .double, .boolean, .array:
                break
            }
            elements.append(e)
        }
        return elements
    }

    /// A writer for one field's column chunks.
    static func columnWriter(for field: StructField, options: ParquetWriteOptions, scratch: PageScratch) throws -> any ParquetColumnWriter {
        let assembler = ColumnChunkAssembler(optional: field.nullable, scratch: scratch)
        switch field.dataType {
        case .long, .timestamp: return FixedWidthColumnWriter<Int64>(name: field.name, options: options, assembler: assembler)
        case .double: return FixedWidthColumnWriter<Double>(name: field.name, options: options, assembler: assembler)
        case .date: return FixedWidthColumnWriter<Int32>(name: field.name, options: options, assembler: assembler)
        case .string: return ByteArrayColumnWriter(name: field.name, options: options, assembler: assembler)
        case .boolean: return BooleanColumnWriter(name: field.name, options: options, assembler: assembler)
        case .array: throw unsupported(field)
        }
    }

    /// Spark's schema JSON (`StructType.json`), e.g.
    /// `{"type":"struct","fields":[{"name":"k","type":"long","nullable":true,"metadata":{}}]}`.
    static func sparkSchemaJSON(_ schema: StructType) -> String {
        let fields = schema.fields.map { field in
            "{\"name\":\(jsonString(field.name)),\"type\":\(sparkTypeJSON(field.dataType)),\"nullable\":\(field.nullable),\"metadata\":{}}"
        }
        return "{\"type\":\"struct\",\"fields\":[" + fields.joined(separator: ",") + "]}"
    }

    private static func sparkTypeJSON(_ type: DataType) -> String {
        switch type {
        case .long: return "\"long\""
        case .double: return "\"double\""
        case .boolean: return "\"boolean\""
        case .string: return "\"string\""
        case .date: return "\"date\""
        case .timestamp: return "\"timestamp\""
        case .array(let element):
            return "{\"type\":\"array\",\"elementType\":\(sparkTypeJSON(element)),\"containsNull\":true}"
        }
    }

    /// A JSON string literal, escaped as the JSON writer escapes (``OutputBuffer/appendJSONString(_:)``).
    static func jsonString(_ s: String) -> String {
        let out = OutputBuffer(capacity: s.utf8.count + 2)
        var text = s
        text.withUTF8 { out.appendJSONString(UnsafeRawBufferPointer($0)) }
        return String(decoding: out.bytes, as: UTF8.self)
    }
}
