// ScanBenchCommand: `ember bench scan FILE`: one format's scan in-process on one thread (see
// ScanBenchmark), e.g. `ember bench scan clicks.csv --option header=true --option inferSchema=true
// --columns user_id,country,amount`.

import ArgumentParser
@_spi(EmberInternal) import Engine

struct ScanBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan", abstract: "A file format's scan throughput in-process, one thread, warm page cache.")

    @Argument(help: "The file to scan.") var path: String
    @Option(help: "csv, text, json or parquet.") var format: String = "csv"
    @Option(name: .customLong("option"), help: "A reader option by Spark's name, key=value (repeatable), e.g. header=true.")
    var readerOptions: [String] = []
    @Option(help: "Columns to produce, comma-separated (default: all).") var columns: String = ""
    @Option(help: "Timed runs after one warm-up run.") var runs: Int = 5
    @Option(help: "Split size, e.g. 128m (the tasks' maxPartitionBytes).") var splitSize: String = "128m"

    func run() throws {
        var options = ScanBenchmark.Options()
        options.path = path
        options.format = format
        options.readerOptions = try readerOptions.map { text in
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
                throw EmberError(.configuration, "--option '\(text)' is not key=value", hint: "e.g. --option header=true")
            }
            return (String(text[..<eq]), String(text[text.index(after: eq)...]))
        }
        options.columns = columns.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        guard runs > 0 else { throw EmberError(.configuration, "--runs must be at least 1") }
        options.runs = runs
        guard let split = ByteSize.parse(splitSize), split > 0 else {
            throw EmberError(.configuration, "cannot parse --split-size '\(splitSize)'", hint: "e.g. 128m")
        }
        options.splitBytes = split
        print(try ScanBenchmark.run(options))
    }
}
