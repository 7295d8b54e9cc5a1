// ember: the command-line tool. `ember wordcount` and `ember groupby` run the example jobs on
// local executor processes (this program re-executes itself as its executors).
//
// As a program (not a library) it handles SIGINT, SIGTERM and SIGHUP: the session stops, its executors,
// temp output and application directory go, and the tool ends by the signal (status 130 / 143).
// Errors are printed with control characters escaped, and never by a write that can trap.

import ArgumentParser
@_spi(EmberInternal) import Engine
@_spi(EmberInternal) import Executor
import Foundation
import Logging
import TPCHQueries
@_spi(EmberInternal) import Planner

@main
struct EmberCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ember",
        abstract: "Ember: a Spark-like dataflow engine with local executor processes.",
        subcommands: [WordCountCommand.self, GroupByCommand.self, SQLCommand.self, BenchCommand.self, GenerateCommand.self, HistoryCommand.self])

    static func main() {
        Session.runExecutorIfRequested()
        Session.closeDescriptorsAboveLimit()   // inherited past `ulimit -n`: executors could not start
        MallocTuning.apply()   // the driver and in-process benchmarks; executors apply it themselves
        Session.handleTerminationSignals()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["EMBER_LOG_LEVEL"] ?? "") ?? .warning
            return handler
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as EmberError {
            StandardError.write("error: \(error)\n")   // EmberError's description escapes control characters
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}

/// Options shared by the job commands. A flag given on the command line wins over a `--conf`
/// setting of the same thing (as in spark-submit), which wins over the defaults.
struct ClusterOptions: ParsableArguments {
    @Option(help: "Number of executor processes (default 2).") var executors: Int?
    @Option(help: "Task slots (threads) per executor (default 2).") var cores: Int?
    @Option(help: "Memory per executor, e.g. 512m or 1g (default 1g).") var memory: String?
    @Option(help: "Partitions of the shuffle (default: 2 × total cores).") var partitions: Int?
    @Flag(help: "Replace the output file if it exists.") var overwrite = false
    @Flag(inversion: .prefixedNo, help: "Serve the web UI, REST API and /metrics on 127.0.0.1:4040 (or the next free port) while the job runs.")
    var ui = true
    @Option(name: .customLong("event-log-dir"), help: "Directory for the event log, private to you (default: <tmp>/ember-events-<uid>).")
    var eventLogDir: String?
    @Flag(name: .customLong("no-event-log"), help: "Write no event log.") var noEventLog = false

    /// The session's settings: the defaults, then `settings` (Spark keys and values), then the flags given.
    func config(settings: [(key: String, value: String)] = []) throws -> SessionConfig {
        if let executors, executors < 1 { throw EmberError(.configuration, "--executors must be at least 1") }
        if let cores, cores < 1 { throw EmberError(.configuration, "--cores must be at least 1") }
        var flagMemory: Int64?
        if let memory {
            guard let bytes = ByteSize.parse(memory), bytes > 0 else {
                throw EmberError(.configuration, "cannot parse --memory '\(memory)'", hint: "a size such as 512m or 2g, below 8 EiB")
            }
            flagMemory = bytes
        }
        if let partitions, partitions < 1 {
            throw EmberError(.configuration, "--partitions must be at least 1")
        }
        var config = SessionConfig()
        config.appName = "ember"
        config.master = .local(executors: 2, cores: 2, memory: 1 << 30)
        config.uiEnabled = ui
        if noEventLog {
            config.eventLogDir = nil
        } else if let eventLogDir {
            config.eventLogDir = eventLogDir
        }
        for (key, value) in settings { try config.set(key, value) }
        switch config.master {
        case .local(let e, let c, let m): config.master = .local(executors: executors ?? e, cores: cores ?? c, memory: flagMemory ?? m)
        }
        if let partitions { config.shufflePartitions = partitions }
        return config
    }

    func session(settings: [(key: String, value: String)] = []) throws -> Session {
        let session = try Session(config: try config(settings: settings))
        if let url = session.uiURL { StandardError.write("ember: UI at \(url)\n") }
        return session
    }
}

/// Writes the rows to exactly one file, in the format its extension names (CSV with a header line).
func writeOutputFile(_ df: DataFrame, _ path: String, overwrite: Bool) throws {
    let writer = df.write.mode(overwrite ? .overwrite : .errorIfExists)
    try (DataFrameWriter.singleFileFormat(path) == "csv" ? writer.option("header", true) : writer).singleFile(path)
}

func runAndReport(_ df: DataFrame, output: String, overwrite: Bool, session: Session, what: String) throws {
    let start = Date()
    try writeOutputFile(df, output, overwrite: overwrite)
    let seconds = Date().timeIntervalSince(start)
    StandardError.write(String(format: "%@: wrote %@ in %.2f s on %d executor processes (driver peak RSS %d MiB)\n",
                               what, output.escapingControlCharacters, seconds, session.executorCount, Int(driverPeakRSS() >> 20)))
}

struct WordCountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wordcount",
        abstract: "Count words (maximal runs of ASCII letters, lowercased) in text files.")

    @Argument(help: "Input text files or directories.") var inputs: [String]
    @Option(help: "Output CSV file (header word,count).") var output: String
    @OptionGroup var cluster: ClusterOptions

    func run() throws {
        let session = try cluster.session()
        defer { session.stop() }
        let df = try WordCountJob.dataFrame(session, inputs: inputs)
        try runAndReport(df, output: output, overwrite: cluster.overwrite, session: session, what: "wordcount")
    }
}

struct GroupByCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groupby",
        abstract: "Group a CSV file (with a header) by key columns and aggregate.")

    @Argument(help: "Input CSV file with a header line.") var input: String
    @Option(help: "Grouping columns, comma-separated.") var by: String
    @Option(help: "Aggregates: count, count(x), sum(x), avg(x), min(x), max(x), comma-separated.") var agg: String = "count"
    @Option(help: "Output CSV file.") var output: String
    @Option(name: .customLong("null-value"), help: "Text that stands for null in the input.") var nullValue: String = ""
    @Option(help: "Malformed rows: PERMISSIVE, DROPMALFORMED or FAILFAST.") var mode: String = "PERMISSIVE"
    @OptionGroup var cluster: ClusterOptions

    func run() throws {
        guard let parseMode = ParseMode.parse(mode) else {
            throw EmberError(.configuration, "unknown --mode '\(mode)'", hint: "use PERMISSIVE, DROPMALFORMED or FAILFAST")
        }
        let keys = by.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let aggregates = try GroupByJob.parseAggregates(agg)
        let session = try cluster.session()
        defer { session.stop() }
        try GroupByJob.run(session, input: input, keys: keys, aggregates: aggregates, nullValue: nullValue, mode: parseMode) { df in
            try runAndReport(df, output: output, overwrite: cluster.overwrite, session: session, what: "groupby")
        }
    }
}

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks (release builds only give meaningful numbers).",
        subcommands: [ShuffleBenchCommand.self, AggregateBenchCommand.self, WindowBenchCommand.self, TPCHBenchCommand.self, ScanBenchCommand.self, WriteBenchCommand.self])
}

struct ShuffleBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shuffle",
        abstract: "Shuffle writer and reader throughput against raw zstd on the same bytes; with --executors, a real job.")

    @Option(help: "Rows to shuffle.") var rows: Int = 2_000_000
    @Option(help: "Reduce partitions.") var partitions: Int = 64
    @Option(help: "Distinct keys.") var keys: Int = 100_000
    @Option(name: .customLong("value-bytes"), help: "Bytes of the random value column per row.") var valueBytes: Int = 100
    @Option(help: "Executor processes (0 = in-process writer and reader).") var executors: Int = 0
    @Option(help: "Task slots per executor.") var cores: Int = 2
    @Option(help: "Memory of the writer (in-process) or of each executor, e.g. 256m.") var memory: String = "256m"
    @Option(help: "zstd level.") var level: Int32 = 1
    @Option(name: .customLong("frame-size"), help: "Uncompressed bytes per zstd frame, e.g. 256k.") var frameSize: String = "256k"

    func run() throws {
        guard rows >= 0, partitions >= 1, keys >= 1, valueBytes >= 0, executors >= 0, cores >= 1 else {
            throw EmberError(.configuration, "rows, keys and value-bytes must be non-negative; partitions and cores at least 1")
        }
        guard let memoryBytes = ByteSize.parse(memory), memoryBytes > 0, let frame = ByteSize.parse(frameSize), frame > 0 else {
            throw EmberError(.configuration, "cannot parse --memory '\(memory)' or --frame-size '\(frameSize)'", hint: "e.g. 256m, 64k")
        }
        var options = ShuffleBenchmark.Options()
        options.rows = rows
        options.partitions = partitions
        options.keys = keys
        options.valueBytes = valueBytes
        options.executors = executors
        options.cores = cores
        options.memory = memoryBytes
        options.compressionLevel = level
        options.frameSize = Int(frame)
        print(ShuffleBenchmark.format(try ShuffleBenchmark.run(options), options))
    }
}

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen", abstract: "Generate seeded, deterministic benchmark data.",
        subcommands: [GenerateText.self, GenerateClickstream.self])
}

struct GenerateText: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "text", abstract: "Zipf-distributed words in mixed case with punctuation.")
    @Option(help: "Size, e.g. 1G or 200m.") var size: String
    @Option(help: "Output file.") var out: String
    @Option(help: "Seed.") var seed: UInt64 = 42
    @Option(help: "Distinct words to draw from, e.g. 1M (Zipf-distributed; up to 20M).") var vocabulary: String = "50k"

    func run() throws {
        guard let bytes = ByteSize.parse(size), bytes >= 0 else {
            throw EmberError(.configuration, "cannot parse --size '\(size)'", hint: "e.g. 1G or 200m")
        }
        guard let words = parseCount(vocabulary), words > 0, words <= 20_000_000 else {
            throw EmberError(.configuration, "cannot use --vocabulary '\(vocabulary)'", hint: "a count of 1 to 20M words, e.g. 1M or 250k")
        }
        try DataGenerator.text(bytes: bytes, to: out, seed: seed, vocabulary: words)
    }
}

struct GenerateClickstream: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clickstream", abstract: "event_time,user_id,country,device,page,amount rows.")
    @Option(help: "Rows, e.g. 20M or 1000000.") var rows: String
    @Option(help: "Output CSV file.") var out: String
    @Option(help: "Seed.") var seed: UInt64 = 42

    func run() throws {
        guard let n = parseCount(rows), n >= 0 else {
            throw EmberError(.configuration, "cannot parse --rows '\(rows)'", hint: "e.g. 20M or 1000000, below 9.2 × 10^18")
        }
        try DataGenerator.clickstream(rows: n, to: out, seed: seed)
    }
}

/// "20M" → 20_000_000, "5k" → 5000; nil when it is not a count or does not fit in 64 bits.
func parseCount(_ text: String) -> Int? {
    let t = text.lowercased()
    let factors: [(String, Int)] = [("g", 1_000_000_000), ("m", 1_000_000), ("k", 1_000)]
    for (suffix, factor) in factors where t.hasSuffix(suffix) {
        guard let n = Int(t.dropLast()) else { return nil }
        let (count, overflow) = n.multipliedReportingOverflow(by: factor)
        return overflow ? nil : count
    }
    return Int(t)
}

struct TPCHBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tpch",
        abstract: "The 22 TPC-H queries over the tables tpchgen-cli writes (csv with headers, or parquet: tpchgen-cli csv|parquet -s SF --output-dir DIR).")

    @Option(help: "Directory holding customer.csv, lineitem.csv, … (one file per table; .parquet with --format parquet).") var data: String
    @Option(help: "The tables' format: csv or parquet.") var format: String = "csv"
    @Option(help: "Queries to run, e.g. 1,5,7 (default: all 22).") var queries: String?
    @Option(name: .customLong("answers-out"), help: "Write each result to DIR/qNN.csv (header row, rows in the query's order).")
    var answersOut: String?
    @Flag(help: "Run each query's SQL text (DIR/qNN.sql) through session.sql over views of the tables.") var sql = false
    @Option(name: .customLong("sql-dir"), help: "Directory holding q01.sql … q22.sql (default: the repository's Benchmarks/TPCH/sql).")
    var sqlDir: String = TPCHSQL.sourceDirectory
    @Flag(name: .customLong("plan-times"), help: "With --sql: print each query's parse, translate and plan time instead of running it.")
    var planTimes = false
    @Option(help: "With --plan-times: tries per query, the best one reported.") var runs: Int = 20
    @Option(name: .customLong("conf"), help: "A Spark setting key=value, e.g. spark.io.compression.zstd.level=3 (repeatable).")
    var settings: [String] = []
    @OptionGroup var cluster: ClusterOptions

    func run() throws {
        guard sql || !planTimes else { throw EmberError(.configuration, "--plan-times times the SQL text", hint: "add --sql") }
        var numbers = TPCH.numbers
        if let queries {
            let parsed = queries.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parsed.isEmpty, parsed.allSatisfy({ $0 != nil }) else {
                throw EmberError(.configuration, "cannot parse --queries '\(queries)'", hint: "query numbers separated by commas, e.g. 1,5,7")
            }
            numbers = parsed.map { $0! }
        }
        let session = try cluster.session(settings: try settings.map(SQLCommand.parseSetting))
        defer { session.stop() }
        func report(_ line: String) {
            print(line)
            fflush(nil)   // one line per query as it ends, also into a pipe
        }
        if planTimes {
            _ = try TPCHPlanTimes.measure(session: session, data: data, format: format, queries: numbers, sqlDirectory: sqlDir, runs: runs,
                                          report: report)
        } else {
            _ = try TPCHBenchmark.run(session: session, data: data, format: format, queries: numbers, answersOut: answersOut,
                                      sqlDirectory: sql ? sqlDir : nil, report: report)
        }
    }
}

struct AggregateBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregate",
        abstract: "Hash aggregate throughput in-process, or a memory-bounded groupBy on executors (--executors).")

    @Option(help: "Rows, e.g. 10M.") var rows: String = "10M"
    @Option(help: "Distinct keys, comma-separated, e.g. 1k,100k,10M.") var keys: String = "1k,100k,10M"
    @Option(help: "Key types of the in-process kernel (not with --executors), comma-separated: bigint, string.") var keyTypes: String = "bigint,string"
    @Option(help: "Executor processes (0 = in-process kernel).") var executors: Int = 0
    @Option(help: "Task slots per executor.") var cores: Int = 2
    @Option(help: "Memory of each executor, e.g. 64m.") var memory: String = "64m"

    func run() throws {
        let types = keyTypes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard !types.isEmpty, types.allSatisfy({ $0 == "bigint" || $0 == "string" }) else {
            throw EmberError(.configuration, "cannot parse --key-types '\(keyTypes)'", hint: "bigint, string or both, e.g. bigint,string")
        }
        guard let n = parseCount(rows), n > 0 else { throw EmberError(.configuration, "cannot parse --rows '\(rows)'") }
        let counts = keys.split(separator: ",").map { parseCount(String($0)) }
        guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw EmberError(.configuration, "cannot parse --keys '\(keys)'", hint: "e.g. 1k,100k,10M")
        }
        guard let memoryBytes = ByteSize.parse(memory), memoryBytes > 0 else {
            throw EmberError(.configuration, "cannot parse --memory '\(memory)'")
        }
        var options = AggregateBenchmark.Options()
        options.rows = n
        options.keys = counts.map { $0! }
        options.stringKeys = types.map { $0 == "string" }
        options.executors = executors
        options.cores = cores
        options.memory = memoryBytes
        print(try AggregateBenchmark.run(options))
    }
}

struct WindowBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "window", abstract: "Window operator throughput in-process, one function at a time.")

    @Option(help: "Rows, e.g. 10M.") var rows: String = "10M"
    @Option(help: "Rows per partition group, e.g. 1k.") var group: String = "1k"

    func run() throws {
        guard let n = parseCount(rows), n > 0 else { throw EmberError(.configuration, "cannot parse --rows '\(rows)'") }
        guard let g = parseCount(group), g > 0 else { throw EmberError(.configuration, "cannot parse --group '\(group)'") }
        var options = WindowBenchmark.Options()
        options.rows = n
        options.groupRows = g
        print(try WindowBenchmark.run(options))
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Serve an application's web UI and REST API from its event log (like Spark's history server).")

    @Argument(help: "The event log: <tmp>/ember-events-<uid>/<appId> (<appId>.inprogress while it runs; <appId>.jsonl from earlier versions)")
    var eventLog: String
    @Option(help: "Port to serve on (Spark's history server uses 18080).") var port: UInt16 = 18080

    func run() throws {
        let server = try HistoryServer(eventLog: eventLog, port: port)
        print("history of \(server.appId.escapingControlCharacters): \(server.url)  (REST: \(server.url)/api/v1/applications; Ctrl-C to stop)")
        fflush(nil)
        while true { sleep(3600) }
    }
}
