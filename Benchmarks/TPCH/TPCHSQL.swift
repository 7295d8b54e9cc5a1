// TPCHSQL: the 22 TPC-H queries as SQL text, read from sql/q01.sql … sql/q22.sql, the one place
// the text lives (the peers' tpch_sql.py and the tests read the same files). The files are not
// compiled into the binary: they are read from a directory, by default this source tree's
// Benchmarks/TPCH/sql (found from this file's path at build time), or another one given with
// `ember bench tpch --sql-dir DIR`.

import Engine
import Foundation

public enum TPCHSQL {
    /// Benchmarks/TPCH/sql in the source tree this module was built from.
    public static let sourceDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("sql").path

    /// The path of query `number`'s file in `directory`: `directory/qNN.sql`.
    public static func path(_ number: Int, directory: String = sourceDirectory) -> String {
        "\(directory)/q\(number < 10 ? "0" : "")\(number).sql"
    }

    /// The text of query `number`, read from `directory/qNN.sql`.
    public static func text(_ number: Int, directory: String = sourceDirectory) throws -> String {
        guard TPCH.numbers.contains(number) else {
            throw EmberError(.configuration, "there is no TPC-H query \(number)", context: [.init("query", "\(number)")],
                             hint: "the TPC-H queries are numbered 1 to 22")
        }
        let file = path(number, directory: directory)
        do {
            return try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw EmberError(.input, "cannot read the SQL text of TPC-H query \(number) from \(file)",
                             context: [.init("path", file), .init("directory", directory)],
                             hint: "give the directory holding q01.sql … q22.sql (the repository's Benchmarks/TPCH/sql) with --sql-dir DIR",
                             cause: error)
        }
    }

    /// The texts of `numbers` (default: all 22) by number, read from `directory`.
    public static func texts(_ numbers: [Int] = TPCH.numbers, directory: String = sourceDirectory) throws -> [Int: String] {
        var texts: [Int: String] = [:]
        for number in numbers { texts[number] = try text(number, directory: directory) }
        return texts
    }
}
