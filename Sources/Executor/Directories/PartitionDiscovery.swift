// PartitionDiscovery: what a read of directories finds (Spark's InMemoryFileIndex and
// PartitioningUtils). Directories are listed recursively, skipping names that start with `_` or
// `.` (`_SUCCESS`, `_temporary`, staging and temp files); `col=value` directories between a given
// path and a file become partition columns, in path order, appended after the files' columns:
//
//   out/k=1/d=2024-01-02/part-00000-….csv   →  rows of the file, plus k = 1 (bigint), d = 2024-01-02 (date)
//   out/k=__HIVE_DEFAULT_PARTITION__/…     →  k = null
//
// Types are inferred per column over all its values (Spark's partitionColumnTypeInference): bigint,
// else double (for values that look numeric), else date (`yyyy-MM-dd`), else timestamp
// (`yyyy-MM-dd HH:mm:ss[.f…]`), else string; a column mixing bigint and double is double, date and
// timestamp timestamp, anything else string; a column of nulls only is string. Every file must sit
// under the same partition column names, in the same order ("Conflicting partition column names").
// A partition column the files hold too is read from the directory, in the file column's place
// (FileScan.allColumns).

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public struct PartitionListing: Sendable {
    /// Every visible file, in listing order, with its partition values (in `schema`'s order).
    @_spi(EmberInternal) public var files: [(path: String, values: [Value])]
    /// The partition columns (empty when no `col=value` directory was found).
    @_spi(EmberInternal) public var schema: StructType
    /// Whether a file was found below a subdirectory of a given path (then the files, not the
    /// given paths, are what a format reads).
    @_spi(EmberInternal) public var descended: Bool

    @_spi(EmberInternal) public var filePaths: [String] { files.map(\.path) }

    /// The partition values of each file, by the bytes of its path: a String key would merge two
    /// directories whose names are canonically equivalent (`é` as one code point or as `e` and an
    /// accent) and give the files of both the values of one.
    @_spi(EmberInternal) public var valuesByPath: [[UInt8]: [Value]] {
        Dictionary(files.map { (Array($0.path.utf8), $0.values) }, uniquingKeysWith: { a, _ in a })
    }
}

@_spi(EmberInternal) public enum PartitionDiscovery {
    /// Lists `paths` (files as given, directories recursively) and infers their partition columns.
    /// `userTypes`: types the user's schema gives partition columns by name (taken as they are).
    @_spi(EmberInternal) public static func discover(_ paths: [String], userTypes: [String: DataType] = [:]) throws -> PartitionListing {
        var found: [(path: String, columns: [(String, String?)]?)] = []
        var descended = false
        for path in paths {
            guard let status = PathStatus(path: path) else {
                throw EmberError(.input, "input path does not exist", context: [.init("file", path)],
                                 hint: "check the path (relative paths resolve against the driver's working directory)")
            }
            if status.isDirectory {
                try walk(path, columns: [], ancestors: [status.identity], into: &found, descended: &descended)
            } else {
                found.append((path, []))
            }
        }
        let names = try partitionNames(found, paths: paths)
        guard !names.isEmpty else {
            return PartitionListing(files: found.map { ($0.path, []) }, schema: StructType([]), descended: descended)
        }
        let texts = found.map { $0.columns!.map(\.1) }
        var fields: [StructField] = []
        var columns: [[Value]] = Array(repeating: [], count: found.count)
        for (c, name) in names.enumerated() {
            let type = userTypes.first { $0.key.lowercased() == name.lowercased() }?.value ?? inferType(texts.map { $0[c] })
            fields.append(StructField(name, type))
            for (i, row) in texts.enumerated() { columns[i].append(try typed(row[c], type, column: name, file: found[i].path)) }
        }
        return PartitionListing(files: zip(found, columns).map { ($0.0.path, $0.1) }, schema: StructType(fields), descended: descended)
    }

    /// Collects the visible files under `directory`; `columns`: the `col=value` pairs on the way
    /// down from the given path (nil once a directory that is no such pair was passed).
    /// `ancestors`: the directories on the way down, `directory` included. A symlink back to one
    /// of them is not followed: it would list the same files again at every level (up to the
    /// kernel's 40 links per path, and exponentially with two such links).
    private static func walk(_ directory: String, columns: [(String, String?)]?, ancestors: Set<FileIdentity>,
                             into found: inout [(path: String, columns: [(String, String?)]?)], descended: inout Bool) throws {
        for name in try FileSplitter.directoryEntries(directory) where !FileSplitter.isHidden(name) {
            let child = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            guard let status = PathStatus(path: child) else { continue }
            if status.isDirectory {
                if ancestors.contains(status.identity) { continue }
                descended = true
                let pair = PartitionPath.parse(name)
                try walk(child, columns: pair.flatMap { p in columns.map { $0 + [(p.name, p.value)] } },
                         ancestors: ancestors.union([status.identity]), into: &found, descended: &descended)
            } else if status.isRegular {
                found.append((child, columns))
            }
        }
    }

    /// The partition column names every file agrees on (empty: none), or a conflict error.
    private static func partitionNames(_ found: [(path: String, columns: [(String, String?)]?)], paths: [String]) throws -> [String] {
        let perFile = found.map { $0.columns?.map(\.0) }
        guard let first = perFile.first(where: { $0 != nil && !$0!.isEmpty }) ?? nil else {
            return []   // no partition directories at all
        }
        for (i, names) in perFile.enumerated() where names.map({ $0.map { $0.lowercased() } }) != first.map({ $0.lowercased() }) {
            throw EmberError(.input, "Conflicting partition column names detected",
                             context: [.init("partition columns", first.joined(separator: ", ")),
                                       .init("file", found[i].path),
                                       .init("its columns", names.map { $0.isEmpty ? "(none)" : $0.joined(separator: ", ") } ?? "(a directory that is not col=value)")],
                             hint: "every file under \(paths.joined(separator: ", ")) must sit in directories named col=value for the same columns; read the directories separately, or move stray files away")
        }
        return first
    }

    /// The type a partition column's values infer to (nil values are nulls).
    static func inferType(_ values: [String?]) -> DataType {
        var type: DataType? = nil
        for case let text? in values {
            let own = valueType(text)
            guard let current = type else { type = own; continue }
            type = widen(current, own)
        }
        return type ?? .string
    }

    static func valueType(_ text: String) -> DataType {
        if Int64(text) != nil { return .long }
        if looksNumeric(text), let d = Double(text), d.isFinite { return .double }
        if matches(text, "dddd-dd-dd"), DateCasts.days(text) != nil { return .date }
        if text.utf8.count >= 19, matches(String(text.prefix(19)), "dddd-dd-dd dd:dd:dd"), parsesAs(text, .timestamp) { return .timestamp }
        return .string
    }

    static func widen(_ a: DataType, _ b: DataType) -> DataType {
        if a == b { return a }
        switch (a, b) {
        case (.long, .double), (.double, .long): return .double
        case (.date, .timestamp), (.timestamp, .date): return .timestamp
        default: return .string
        }
    }

    private static func looksNumeric(_ text: String) -> Bool {
        text.utf8.contains { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            && text.utf8.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || "+-.eE".utf8.contains($0) }
    }

    /// `pattern`: `d` a digit, anything else itself.
    private static func matches(_ text: String, _ pattern: String) -> Bool {
        let t = Array(text.utf8), p = Array(pattern.utf8)
        guard t.count == p.count else { return false }
        return zip(t, p).allSatisfy { c, q in q == UInt8(ascii: "d") ? (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) : c == q }
    }

    private static func parsesAs(_ text: String, _ type: DataType) -> Bool {
        (try? cast(text, type))?.isNull == false
    }

    /// `text` cast to `type` as Spark's cast from string does (null when it does not parse).
    private static func cast(_ text: String, _ type: DataType) throws -> Value {
        if type == .string { return .string(text) }
        let column = try BoundExpression.cast(.literal(.string(text), .string), type).evaluate(ColumnarBatch(schema: StructType([]), columns: [], numRows: 1))
        return column.value(at: 0)
    }

    private static func typed(_ text: String?, _ type: DataType, column: String, file: String) throws -> Value {
        guard let text else { return .null }
        let value = try cast(text, type)
        if value.isNull {
            throw EmberError(.input, "partition value '\(text)' of column \(column) is not a \(type)", context: [.init("file", file)],
                             hint: "give the column the type string in the schema, or fix the directory name")
        }
        return value
    }
}
