// Sizes and text from users and logs: sizes use checked arithmetic and out-of-range values are
// errors, not SIGILL; --memory is checked against the machine; absurd cores and partitions are
// refused at once with advice, large ones warned about; control characters in error text reach the
// terminal escaped.

@testable import Engine
import Foundation
import Testing
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct InputLimitsTests {
    var ember: String { productsDirectory().appendingPathComponent("ember").path }

    func run(_ arguments: [String]) throws -> (Int32, String) {
        let (status, _, err) = try runProgram(ember, arguments)
        return (status, err)
    }

    @Test func byteSizesThatDoNotFitAreRejected() {
        #expect(ByteSize.parse("512m") == 512 << 20)
        #expect(ByteSize.parse("8589934591g") == 8_589_934_591 << 30)
        #expect(ByteSize.parse("8589934592g") == nil, "2^63 bytes do not fit")
        #expect(ByteSize.parse("99999999999999g") == nil)
        #expect(ByteSize.parse("99999999999999999999") == nil)
    }

    @Test func theToolRejectsHugeSizesWithAMessage() throws {
        let dir = ScratchDir("limits-cli")
        defer { dir.cleanup() }
        let input = dir.write("in.csv", "k,v\na,1\n")
        var (status, err) = try run(["groupby", input, "--by", "k", "--output", dir.file("o.csv"), "--memory", "99999999999999g", "--no-ui"])
        #expect(status == 1 && err.contains("cannot parse --memory '99999999999999g'"), "\(status): \(err)")
        (status, err) = try run(["gen", "clickstream", "--rows", "99999999999999g", "--out", dir.file("c.csv")])
        #expect(status == 1 && err.contains("cannot parse --rows '99999999999999g'"), "\(status): \(err)")
        // More memory per executor than any machine here has.
        (status, err) = try run(["groupby", input, "--by", "k", "--output", dir.file("o.csv"), "--memory", "100000g", "--no-ui"])
        #expect(status == 1 && err.contains("executor memory 100000.0 GiB is more than this machine has"), "\(status): \(err)")
        (status, err) = try run(["groupby", input, "--by", "k", "--output", dir.file("o.csv"), "--cores", "100000", "--no-ui"])
        #expect(status == 1 && err.contains("100000 cores per executor is more than Ember allows (256)"), "\(status): \(err)")
        (status, err) = try run(["groupby", input, "--by", "k", "--output", dir.file("o.csv"), "--partitions", "100000", "--no-ui"])
        #expect(status == 1 && err.contains("100000 shuffle partitions is more than Ember allows (10000)"), "\(status): \(err)")
        (status, err) = try run(["groupby", input, "--by", "k", "--output", dir.file("o.csv"), "--executors", "100000", "--no-ui"])
        #expect(status == 1 && err.contains("100000 executors is more than Ember allows (1024)"), "\(status): \(err)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("o.csv")))
    }

    @Test func largeButPossibleSizesAreWarnedAbout() throws {
        let machine = SessionLimits.Machine(cpus: 2, memoryBytes: 4 << 30)
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 2, memory: 1 << 30)
        #expect(try SessionLimits.check(config, machine: machine).isEmpty)
        config.shufflePartitions = 2500
        config.master = .local(executors: 3, cores: 4, memory: 3 << 30)
        let warnings = try SessionLimits.check(config, machine: machine)
        #expect(warnings.count == 3, "\(warnings)")
        #expect(warnings.contains { $0.hasPrefix("2500 shuffle partitions") && $0.contains("Spark's default is 200") })
        #expect(warnings.contains { $0.hasPrefix("12 task slots (3 executors × 4 cores) on 2 CPUs") })
        #expect(warnings.contains { $0.hasPrefix("3 executors × 3.0 GiB is more than this machine's 4.0 GiB") })
        config.master = .local(executors: 1, cores: 1, memory: 5 << 30)
        #expect(throws: EmberError.self) { try SessionLimits.check(config, machine: machine) }
        // The default partitions of a big configuration stay within the limits.
        config.shufflePartitions = nil
        config.master = .local(executors: 1_000, cores: 200, memory: 1 << 20)
        #expect(config.effectiveShufflePartitions == SessionLimits.manyShufflePartitions)
    }

    @Test func anEventLogWithHugeValuesIsAnErrorNotACrash() throws {
        let dir = ScratchDir("limits-log")
        defer { dir.cleanup() }
        let start = #"{"Event":"SparkListenerApplicationStart","App ID":"app","App Name":"x","Timestamp":1}"#
        let task = #"{"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task Info":{"Task ID":1,"Index":0,"Attempt":0,"Executor ID":"1"},"Task End Reason":{"Reason":"Success"},"Task Metrics":{"Executor Run Time":99999999999999}}"#
        let log = dir.write("app.jsonl", start + "\n" + task + "\n")
        let (status, err) = try run(["history", log, "--port", "0"])
        #expect(status == 1, "\(err)")
        #expect(err.contains("the event log's Executor Run Time is out of range: 99999999999999") && err.contains("line: 2"), "\(err)")
        let removed = #"{"Event":"SparkListenerExecutorRemoved","Executor ID":"1","Removed Reason":"x","Exit Code":99999999999}"#
        let error = #expect(throws: EmberError.self) { _ = try EventLogReader.load(dir.write("b.jsonl", start + "\n" + removed + "\n")) }
        #expect(error?.message.contains("Exit Code") == true)
    }

    @Test func controlCharactersInErrorsAreEscaped() throws {
        let dir = ScratchDir("limits-esc")
        defer { dir.cleanup() }
        let input = dir.write("in.csv", "a\u{1B}[31m,b\u{1B}]0;pwned\u{07}\n1,2\n")
        let (status, err) = try run(["groupby", input, "--by", "c", "--output", dir.file("o.csv"), "--no-ui", "--no-event-log"])
        #expect(status == 1)
        #expect(!err.utf8.contains(0x1B) && !err.utf8.contains(0x07), "no raw ESC or BEL reaches the terminal")
        #expect(err.contains(#"`a\x1B[31m`, `b\x1B]0;pwned\x07`"#), "\(err)")
        #expect("tab\tand\nline\r\u{9B}".escapingControlCharacters == "tab\tand\nline\\r\\u{9B}")
    }
}
