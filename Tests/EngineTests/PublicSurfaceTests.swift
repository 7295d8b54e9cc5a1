// What a program outside this package sees of the inner modules. Everything in Planner, Shuffle and
// Executor is `@_spi(EmberInternal) public` except the value types a user of `import Engine` handles,
// which Engine re-exports. Internals are SPI rather than `package` because Swift's default
// cross-module optimization serializes bodies of public declarations only (SPI ones included), and
// the hot loops cross Planner -> Shuffle -> Executor: `package` cost word count 10% CPU. A program
// that does not write `@_spi(EmberInternal) import` sees none of them. A test in this package
// imports them that way, so it cannot ask the compiler what users see; it reads the sources instead.

import Foundation
import Testing

@Suite struct PublicSurfaceTests {
    /// The top-level types Planner may declare `public`: schemas, row values, errors, the IDs and
    /// metrics of Session's task records and shuffle statistics, and what the examples use.
    static let userTypes: Set<String> = [
        "DataType", "StructField", "StructType", "Value",
        "ErrorCode", "EmberError",
        "StageID", "TaskID", "ShuffleID", "ExecutorID", "TaskMetrics", "HeavyKey",
        "StorageLevel", "StandardError", "SplitMix64",
    ]

    /// A declaration's modifiers up to `public` or `open`: attributes (with nested parentheses) and
    /// the other modifiers that may precede the access level.
    static var exportedHead: Regex<(Substring, Substring)> { #/^\s*((?:(?:@\w+(?:\((?:[^()]|\([^()]*\))*\))?|final|static|class|nonisolated|override|mutating|convenience|required|indirect|lazy|dynamic|(?:private|fileprivate|internal)\(set\))\s+)*)(?:public|open)\b/# }

    static func publicDeclarations(in module: String) throws -> [(file: String, line: String)] {
        let root = SparkHistoryServerProcess.repositoryRoot.appendingPathComponent("Sources/\(module)")
        let files = try #require(FileManager.default.subpaths(atPath: root.path)).filter { $0.hasSuffix(".swift") }
        #expect(!files.isEmpty, "no sources found under \(root.path)")
        let exported = exportedHead
        return try files.sorted().flatMap { file in
            let lines = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            // An attribute alone on its line belongs to the declaration below it.
            var joined: [String] = []
            var pending = ""
            for line in lines {
                if line.contains(#/^\s*@\w+(\(.*\))?\s*$/#) { pending += line + " "; continue }
                joined.append(pending.isEmpty ? line : pending + line.trimmingCharacters(in: .whitespaces))
                pending = ""
            }
            return joined.compactMap { line -> (file: String, line: String)? in
                guard let head = line.firstMatch(of: exported), !head.1.contains("@_spi(EmberInternal)") else { return nil }
                return (file: "\(module)/\(file)", line: line)
            }
        }
    }

    @Test func shuffleAndExecutorDeclareNothingPublic() throws {
        for module in ["Shuffle", "Executor"] {
            for found in try Self.publicDeclarations(in: module) {
                Issue.record("\(found.file): `\(found.line.trimmingCharacters(in: .whitespaces))` is public; make it @_spi(EmberInternal) public")
            }
        }
    }

    @Test func plannerMakesOnlyTheUsersTypesPublic() throws {
        let declarations = try Self.publicDeclarations(in: "Planner")
        var filesWithUserTypes: Set<String> = [], userTypesFound: Set<String> = []
        for found in declarations where found.line.contains(#/\bextension\b/#) {
            Issue.record("\(found.file): `\(found.line.trimmingCharacters(in: .whitespaces))` makes every member public; mark the members instead")
        }
        for found in declarations where !found.line.hasPrefix(" ") {
            // The name the declaration introduces (`public indirect enum Value: …` → Value).
            let introduced = #/\b(?:struct|enum|class|protocol|actor|typealias|func|var|let|extension)\s+(\w+)/#
            let name = found.line.firstMatch(of: introduced).map { String($0.1) } ?? found.line
            if Self.userTypes.contains(name) {
                filesWithUserTypes.insert(found.file)
                userTypesFound.insert(name)
            } else {
                Issue.record("\(found.file): top-level `\(name)` is public but is not a type users handle; make it @_spi(EmberInternal) public")
            }
        }
        // Members may be public only inside the files that declare the users' types.
        for found in declarations where found.line.hasPrefix(" ") && !filesWithUserTypes.contains(found.file) {
            Issue.record("\(found.file): `\(found.line.trimmingCharacters(in: .whitespaces))` is public; make it @_spi(EmberInternal) public")
        }
        #expect(userTypesFound == Self.userTypes, "users' types no longer public: \(Self.userTypes.subtracting(userTypesFound).sorted())")
    }
}
