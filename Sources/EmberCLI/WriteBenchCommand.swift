// WriteBenchCommand: `ember bench write`: one format's writer in-process on one thread (see
// WriteBenchmark), e.g. `ember bench write --format csv --rows 4000000`.

import ArgumentParser
@_spi(EmberInternal) import Engine

struct WriteBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write", abstract: "A file format's writer throughput in-process, one thread, on a groupBy's output rows.")

    @Option(help: "csv, json or parquet.") var format: String = "csv"
    @Option(help: "Rows written per run.") var rows: Int = 4_000_000
    @Option(help: "Timed runs after one warm-up run.") var runs: Int = 5
    @Option(help: "Seed of the generated values.") var seed: UInt64 = 42

    func run() throws {
        guard rows > 0 else { throw EmberError(.configuration, "--rows must be at least 1") }
        guard runs > 0 else { throw EmberError(.configuration, "--runs must be at least 1") }
        var options = WriteBenchmark.Options()
        options.format = format
        options.rows = rows
        options.runs = runs
        options.seed = seed
        print(try WriteBenchmark.run(options))
    }
}
