// EmberBench: end-to-end throughput of word count, split and groupBy on generated data, through real
// executor processes, and the shuffle writer/reader against raw zstd (release build). Reports MB/s
// and rows/s, best of 3 runs; not a test.
// Like any program outside the package, it sees only Engine's public API.
//
//   swift run -c release EmberBench [--mb N] [--executors E] [--cores C]

import Engine
import Foundation

Session.runExecutorIfRequested()

func argument(_ name: String, _ fallback: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) else { return fallback }
    return v
}

let megabytes = argument("--mb", 64)
let executors = argument("--executors", 2)
let cores = argument("--cores", 1)
let dir = NSTemporaryDirectory() + "ember-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: dir) }

// Deterministic data: Zipf-ish words; CSV rows with 8 countries × 3 devices and amounts.
var rng = SplitMix64(seed: 42)
let vocabulary = (0..<20_000).map { i in "w\(String(i, radix: 26))" }
var text = ""
text.reserveCapacity(megabytes << 20)
while text.utf8.count < megabytes << 20 {
    var line = ""
    for _ in 0..<12 {
        let r = Double(rng.next() % 1_000_000) / 1_000_000
        line += vocabulary[Int(pow(r, 3) * Double(vocabulary.count - 1))] + " "
    }
    text += line + "\n"
}
let textPath = dir + "/words.txt"
try text.write(toFile: textPath, atomically: false, encoding: .utf8)
var csv = "country,device,amount\n"
let countries = ["US", "UK", "DE", "FR", "JP", "BR", "IN", "CA"], devices = ["mobile", "desktop", "tablet"]
var csvRows = 0
while csv.utf8.count < megabytes << 20 {
    csv += "\(countries[Int(rng.next() % 8)]),\(devices[Int(rng.next() % 3)]),\(Double(rng.next() % 100_000) / 100)\n"
    csvRows += 1
}
let csvPath = dir + "/sales.csv"
try csv.write(toFile: csvPath, atomically: false, encoding: .utf8)

var config = SessionConfig()
config.master = .local(executors: executors, cores: cores)
let session = try Session(config: config)
defer { session.stop() }

func measure(_ name: String, bytes: Int, rows: Int, _ body: () throws -> Void) rethrows {
    var best = Double.infinity
    for _ in 0..<3 {
        let start = Date()
        try body()
        best = min(best, Date().timeIntervalSince(start))
    }
    print(String(format: "%-10@ %6.1f MB/s  %10.0f rows/s  (best of 3: %.3f s, %d MB, %d executors × %d cores)",
                 name, Double(bytes) / 1_048_576 / best, Double(rows) / best, best, megabytes, executors, cores))
}

let lines = text.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
try measure("wordcount", bytes: text.utf8.count, rows: lines) {
    _ = try WordCountJob.dataFrame(session, inputs: [textPath]).collect()
}
// split() as a column expression (no fused token count): every token materialized, then counted.
try measure("split", bytes: text.utf8.count, rows: lines) {
    _ = try session.read.text([textPath]).select(explode(split(col("value"), "[^A-Za-z0-9]+")).alias("w"))
        .agg(count(col("w"))).collect()
}
// The byte-class tokenizer alone, in this process on one core: split() building the list column,
// and forEachToken as the fused word count calls it.
print(try TokenizerBenchmark.run(text: text))
try measure("groupby", bytes: csv.utf8.count, rows: csvRows) {
    _ = try session.read.option("header", true).option("inferSchema", true).csv(csvPath)
        .groupBy("country", "device")
        .agg(count(col("*")).alias("count"), sum("amount").alias("sum_amount"), avg("amount").alias("avg_amount"))
        .orderBy("country", "device").collect()
}

// The hash aggregate kernel (as `ember bench aggregate`).
var aggregate = AggregateBenchmark.Options()
aggregate.rows = 10_000_000
print(try AggregateBenchmark.run(aggregate))

// The shuffle writer and reader against raw zstd on the same bytes (as `ember bench shuffle`).
var shuffle = ShuffleBenchmark.Options()
shuffle.rows = 2_000_000
print(ShuffleBenchmark.format(try ShuffleBenchmark.run(shuffle), shuffle))
