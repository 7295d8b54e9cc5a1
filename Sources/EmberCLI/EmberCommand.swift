// ember: the command-line tool. `ember wordcount` and `ember groupby` run the example jobs on
// local executor processes (this program re-executes itself as its executors).

import ArgumentParser
import Engine
import Foundation

@main
struct EmberCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ember",
        abstract: "Ember: a Spark-like dataflow engine with local executor processes.",
        subcommands: [WordCountCommand.self, GroupByCommand.self])

    static func main() {
        Session.runExecutorIfRequested()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as EmberError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}

/// Options shared by the job commands.
struct ClusterOptions: ParsableArguments {
    @Option(help: "Number of executor processes.") var executors: Int = 2
    @Option(help: "Task slots (threads) per executor.") var cores: Int = 2
    @Option(help: "Memory per executor, e.g. 512m or 1g.") var memory: String = "1g"
    @Option(help: "Partitions of the shuffle (default: 2 × total cores).") var partitions: Int?
    @Flag(help: "Replace the output file if it exists.") var overwrite = false

    func session() throws -> Session {
        guard executors >= 1, cores >= 1 else {
            throw EmberError(.configuration, "--executors and --cores must be at least 1")
        }
        guard let bytes = ByteSize.parse(memory), bytes > 0 else {
            throw EmberError(.configuration, "cannot parse --memory '\(memory)'", hint: "e.g. 512m or 2g")
        }
        if let partitions, partitions < 1 {
            throw EmberError(.configuration, "--partitions must be at least 1")
        }
        var config = SessionConfig()
        config.appName = "ember"
        config.master = .local(executors: executors, cores: cores, memory: bytes)
        config.shufflePartitions = partitions
        return try Session(config: config)
    }
}

func runAndReport(_ df: DataFrame, output: String, overwrite: Bool, session: Session, what: String) throws {
    let start = Date()
    try df.write.mode(overwrite ? .overwrite : .errorIfExists).option("header", true).csv(output)
    let seconds = Date().timeIntervalSince(start)
    FileHandle.standardError.write(Data(String(format: "%@: wrote %@ in %.2f s on %d executor processes\n",
                                               what, output, seconds, session.executorCount).utf8))
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
        let df = try GroupByJob.dataFrame(session, input: input, keys: keys, aggregates: aggregates,
                                          nullValue: nullValue, mode: parseMode)
        try runAndReport(df, output: output, overwrite: cluster.overwrite, session: session, what: "groupby")
    }
}
