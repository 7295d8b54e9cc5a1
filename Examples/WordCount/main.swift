// WordCount example: counts the words of text files on 2 executor processes and prints the top 20.
//
//   swift run WordCountExample [files…]        (default: Examples/data/sample.txt)

import Engine
import Foundation

Session.runExecutorIfRequested()   // this program also serves as its own executors
Session.handleTerminationSignals()  // Ctrl-C stops the executors and removes the session's files first

let arguments = Array(CommandLine.arguments.dropFirst())
let inputs = arguments.isEmpty ? ["Examples/data/sample.txt"] : arguments
do {
    let session = try Session(master: .local(executors: 2, cores: 2), appName: "WordCount")
    defer { session.stop() }
    let counts = try WordCountJob.dataFrame(session, inputs: inputs)
    print("Word count of \(inputs.joined(separator: ", ")) on \(session.executorCount) executor processes (pids \(session.executorPIDs.map(String.init).joined(separator: ", "))):")
    try counts.show(20)
    print("distinct words: \(try counts.count())")
} catch {
    StandardError.write("error: \(error)\n")
    exit(1)
}
