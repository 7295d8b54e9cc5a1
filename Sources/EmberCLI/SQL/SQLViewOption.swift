// SQLViewOption: one `--view name=path[,format=csv|text][,option=value…]` of `ember sql`, read as
// Spark's `CREATE TEMPORARY VIEW name USING format OPTIONS (path 'path', option 'value', …)` would
// read it: the same reader, the same option names and defaults. Commas separate the parts; `\,`
// is a comma inside a part (a path or `sep=\,`), `\\` a backslash.

import Engine
import Foundation
@_spi(EmberInternal) import Planner

struct SQLViewOption: Equatable {
    var name: String
    var path: String
    var format: String
    var options: [(key: String, value: String)]

    static func == (a: SQLViewOption, b: SQLViewOption) -> Bool {
        a.name == b.name && a.path == b.path && a.format == b.format
            && a.options.map(\.key) == b.options.map(\.key) && a.options.map(\.value) == b.options.map(\.value)
    }

    static func parse(_ text: String) throws -> SQLViewOption {
        func fail(_ why: String) -> EmberError {
            EmberError(.configuration, "cannot read --view '\(text.escapingControlCharacters)': \(why)",
                       hint: "write name=path[,format=csv|text][,option=value…], e.g. --view 'clicks=clicks.csv,header=true,inferSchema=true'")
        }
        var parts = try split(text).makeIterator()
        guard let first = parts.next(), let (name, path) = pair(first) else { throw fail("it does not start with name=path") }
        guard isIdentifier(name) else {
            throw fail("`\(name)` is not a view name (letters, digits and _, not starting with a digit)")
        }
        guard !path.isEmpty else { throw fail("the path is empty") }
        var format: String?
        var options: [(key: String, value: String)] = []
        while let part = parts.next() {
            guard let (key, value) = pair(part) else { throw fail("`\(part)` is not option=value") }
            if key.lowercased() == "format" {
                guard format == nil else { throw fail("format is given twice") }
                format = value.lowercased()
            } else {
                options.append((key, value))
            }
        }
        return SQLViewOption(name: name, path: path, format: format ?? defaultFormat(path), options: options)
    }

    /// Registers the view in the session (replacing one of the same name).
    func register(in session: Session) throws {
        do {
            var reader = session.read.format(format)
            for (key, value) in options { reader = try reader.option(key, value) }
            try reader.load(path).createOrReplaceTempView(name)
        } catch let error as EmberError {
            throw error.with("view", name)
        }
    }

    static func defaultFormat(_ path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "txt", "text", "log", "md": return "text"
        case "parquet": return "parquet"
        case "json", "jsonl", "ndjson": return "json"
        default: return "csv"
        }
    }

    /// The parts between unescaped commas, with `\,` and `\\` unescaped.
    static func split(_ text: String) throws -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for c in text {
            if escaped {
                guard c == "," || c == "\\" else {
                    throw EmberError(.configuration, "cannot read --view '\(text.escapingControlCharacters)': `\\\(c)` is not an escape",
                                     hint: "write \\, for a comma and \\\\ for a backslash")
                }
                current.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "," {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        if escaped { current.append("\\") }
        parts.append(current)
        return parts
    }

    private static func pair(_ part: String) -> (String, String)? {
        guard let equals = part.firstIndex(of: "=") else { return nil }
        let key = part[..<equals].trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else { return nil }
        return (key, String(part[part.index(after: equals)...]))
    }

    private static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }
}
