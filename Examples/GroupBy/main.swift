// GroupBy example: groups a CSV by country and device on 2 executor processes, with Spark's null
// semantics (NA marks a missing amount), and prints the result.
//
//   swift run GroupByExample [file.csv]        (default: Examples/data/sales.csv)

import Engine
import Foundation

Session.runExecutorIfRequested()   // this program also serves as its own executors
Session.handleTerminationSignals()  // Ctrl-C stops the executors and removes the session's files first

let input = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "Examples/data/sales.csv"
do {
    let session = try Session(master: .local(executors: 2, cores: 2), appName: "GroupBy")
    defer { session.stop() }
    let sales = try session.read.option("header", true).option("inferSchema", true).option("nullValue", "NA").csv(input)
    let summary = sales.groupBy("country", "device")
        .agg(count(col("*")).alias("count"), sum("amount").alias("sum_amount"), avg("amount").alias("avg_amount"),
             min("amount").alias("min_amount"), max("amount").alias("max_amount"))
        .orderBy(col("country").asc(), col("device").asc())
    print("Sales by country and device from \(input) on \(session.executorCount) executor processes:")
    try summary.show(50)
    try summary.explain(false)
} catch {
    StandardError.write("error: \(error)\n")
    exit(1)
}
