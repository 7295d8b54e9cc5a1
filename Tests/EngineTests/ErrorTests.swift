// Bad input gets a clear error, never a crash or a hang: missing files, malformed CSV rows in each
// parse mode, unknown columns, executors that cannot be launched, existing output paths; a failed
// job leaves no partial output.

import Engine
import Foundation
import Testing

@Suite(.serialized) struct ErrorTests {
    @Test func missingInputFileNamesThePath() throws {
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let error = #expect(throws: EmberError.self) { _ = try session.read.text("/nonexistent/words.txt") }
        #expect(error?.code == .input)
        #expect(error?.description.contains("/nonexistent/words.txt") == true)
    }

    func malformedFile(_ dir: ScratchDir) -> String {
        dir.write("bad.csv", "k,x\na,1\nb,2\nc,3,extra\nd\ne,notanumber\nf,6\n")
    }

    @Test func failFastNamesFileAndLine() throws {
        let dir = ScratchDir("failfast")
        defer { dir.cleanup() }
        let path = malformedFile(dir)
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let df = try session.read.option("header", true).option("mode", "FAILFAST").schema("k STRING, x BIGINT").csv(path)
        let error = #expect(throws: EmberError.self) { _ = try df.collect() }
        #expect(error?.code == .input)
        #expect(error?.context("file") == path)
        #expect(error?.context("line") == "4")
        #expect(error?.hint?.contains("PERMISSIVE") == true)
    }

    @Test func permissiveGivesNullsAndDropMalformedDrops() throws {
        let dir = ScratchDir("modes")
        defer { dir.cleanup() }
        let path = malformedFile(dir)
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let permissive = try session.read.option("header", true).schema("k STRING, x BIGINT").csv(path)
            .orderBy(col("k").asc()).collect()
        #expect(permissive.map { $0[0].description } == ["a", "b", "c", "d", "e", "f"])
        #expect(permissive.map { $0[1] } == [.long(1), .long(2), .long(3), .null, .null, .long(6)])
        let dropped = try session.read.option("header", true).option("mode", "DROPMALFORMED").schema("k STRING, x BIGINT").csv(path)
            .orderBy(col("k").asc()).collect()
        #expect(dropped.map { $0[0].description } == ["a", "b", "f"])
    }

    @Test func unknownColumnListsTheAvailableOnes() throws {
        let dir = ScratchDir("unknown")
        defer { dir.cleanup() }
        let path = dir.write("t.csv", "country,amount\nUS,1\n")
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let df = try session.read.option("header", true).option("inferSchema", true).csv(path)
        let error = #expect(throws: EmberError.self) { _ = try df.select(col("amout")).collect() }
        #expect(error?.code == .analysis)
        #expect(error?.message.contains("amout") == true)
        #expect(error?.hint?.contains("`country`") == true && error?.hint?.contains("`amount`") == true)
        #expect(error?.hint?.contains("did you mean `amount`") == true)
    }

    @Test func executorThatCannotStartIsExplained() throws {
        let dir = ScratchDir("badexec")
        defer { dir.cleanup() }
        let script = dir.write("broken-executor.sh", "#!/bin/sh\necho 'cannot load libfoo.so' >&2\nexit 3\n")
        chmod(script, 0o755)
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 1)
        config.executorPath = script
        let error = #expect(throws: EmberError.self) { _ = try Session(config: config) }
        #expect(error?.code == .executor)
        #expect(error?.message.contains("exited with code 3") == true)
        #expect(error?.hint?.contains("cannot load libfoo.so") == true)

        config.executorPath = dir.file("does-not-exist")
        let missing = #expect(throws: EmberError.self) { _ = try Session(config: config) }
        #expect(missing?.code == .executor)
        #expect(missing?.hint != nil)
    }

    @Test func existingOutputNeedsOverwriteAndFailedJobsWriteNothing() throws {
        let dir = ScratchDir("output")
        defer { dir.cleanup() }
        let input = dir.write("in.txt", "one two two\n")
        let output = dir.write("out.csv", "precious\n")
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let df = try WordCountJob.dataFrame(session, inputs: [input])
        let error = #expect(throws: EmberError.self) { try df.write.csv(output) }
        #expect(error?.code == .output)
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "precious\n")
        try df.write.mode(.overwrite).option("header", true).csv(output)
        #expect(try readCSVOutput(output, header: true) == [["word", "count"], ["two", "2"], ["one", "1"]])

        // A job that fails (FAILFAST on a malformed row) leaves no output file and no temp file.
        let bad = dir.write("bad.csv", "k,x\na,1\nb,2,3\n")
        let failing = try session.read.option("header", true).option("mode", "FAILFAST").schema("k STRING, x BIGINT").csv(bad)
        let target = dir.file("never.csv")
        #expect(throws: EmberError.self) { try failing.write.csv(target) }
        #expect(!FileManager.default.fileExists(atPath: target))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("never") }
        #expect(leftovers.isEmpty, "no partial output: \(leftovers)")
    }
}
