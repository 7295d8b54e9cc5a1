// FileCommitProtocol: the driver's side of a write job (Spark's HadoopMapReduceCommitProtocol over
// FileOutputCommitter, algorithm v1: nothing is visible before the job commit).
//
//   setupJob   mkdir <root>/_temporary/0/_temporary            (tasks make their attempt dirs in it)
//   task       writes <root>/_temporary/0/_temporary/attempt_…/[k=v/]part-…   (FileWriteSink)
//   commitTask the first successful attempt of a partition (the scheduler hands only that one to
//              `receive`): rename attempt_… → <root>/_temporary/0/task_<job>_<partition>
//              Other attempts (failed, killed, a speculative copy that lost) never get here; a
//              failing or killed task removes its own directory, and whatever is left (an executor
//              killed mid-write) goes with `_temporary`.
//   commitJob  move every committed task's files into <root> (making partition directories),
//              write an empty _SUCCESS, remove <root>/_temporary
//   abortJob   remove <root>/_temporary
//
// Executors are the application's own processes, but their reports are still checked: an attempt
// directory must lie in this job's attempts directory, and file paths must stay inside it.

import Foundation
@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

/// Used by the thread that runs the job only.
final class FileCommitProtocol: ResultReceiver, @unchecked Sendable {
    let spec: FileWriteSpec
    /// The committed files of each partition, relative to its task directory.
    private var committed: [Int: [WrittenFile]] = [:]
    var delivered: Set<Int> { Set(committed.keys) }

    init(spec: FileWriteSpec) { self.spec = spec }

    /// What the job wrote: files, rows, bytes (Spark's numFiles, numOutputRows, numOutputBytes).
    var files: Int { committed.values.reduce(0) { $0 + $1.count } }
    var rows: Int64 { committed.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.rows } } }
    var bytes: Int64 { committed.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.bytes } } }
    /// The committed files' paths relative to the root, in partition order.
    var filePaths: [String] { committed.keys.sorted().flatMap { committed[$0]!.map(\.path) } }

    func setupJob() throws {
        for directory in [spec.temporaryDirectory, spec.temporaryDirectory + "/0", spec.attemptsDirectory] {
            guard mkdir(directory, 0o777) == 0 || errno == EEXIST else {
                throw EmberError(.output, "cannot create the job's temporary directory: \(String(cString: strerror(errno)))",
                                 context: [.init("directory", directory)], hint: "check that the output directory is writable")
            }
            // One left by an earlier job (or a concurrent append) is used only if it is a real
            // directory of this user: never a symlink that would send the attempts elsewhere.
            var st = stat()
            guard lstat(directory, &st) == 0, st.st_mode & S_IFMT == S_IFDIR, st.st_uid == getuid() else {
                throw EmberError(.output, "the job's temporary directory exists and is not a directory of this user",
                                 context: [.init("directory", directory)],
                                 hint: "remove it (a symlink or another user's directory is never written through)")
            }
        }
    }

    /// Commits the first successful attempt of a partition (a rename of its directory).
    func receive(_ result: TaskResult) throws -> Bool {
        guard let report = result.written else {
            throw EmberError(.internal, "a write task finished without reporting its files", context: [.init("partition", String(result.partition))])
        }
        let prefix = spec.attemptsDirectory + "/"
        let name = report.attemptDirectory.dropFirst(prefix.count)
        guard report.attemptDirectory.hasPrefix(prefix), name.hasPrefix("attempt_"), !name.contains("/"),
              report.files.allSatisfy({ Self.isInside($0.path) }) else {
            throw EmberError(.internal, "a write task reported files outside its attempt directory",
                             context: [.init("directory", report.attemptDirectory)])
        }
        let taskDirectory = spec.taskDirectory(partition: result.partition)
        guard rename(report.attemptDirectory, taskDirectory) == 0 else {
            throw EmberError(.output, "cannot commit the task's output: \(String(cString: strerror(errno)))",
                             context: [.init("from", report.attemptDirectory), .init("to", taskDirectory)])
        }
        committed[result.partition] = report.files
        return true
    }

    /// A relative path with no `..`, `.` or empty component.
    static func isInside(_ path: String) -> Bool {
        !path.hasPrefix("/") && path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    /// Moves every committed file into the root, writes `_SUCCESS` and removes `_temporary`.
    func commitJob() throws {
        var made: Set<String> = [""]
        for partition in committed.keys.sorted() {
            let taskDirectory = spec.taskDirectory(partition: partition)
            for file in committed[partition]! {
                let parent = file.path.split(separator: "/").dropLast().joined(separator: "/")
                if !made.contains(parent) {
                    try FileManager.default.createDirectory(atPath: spec.root + "/" + parent, withIntermediateDirectories: true)
                    made.insert(parent)
                }
                let target = spec.root + "/" + file.path
                guard rename(taskDirectory + "/" + file.path, target) == 0 else {
                    throw EmberError(.output, "cannot move a written file into the output: \(String(cString: strerror(errno)))",
                                     context: [.init("file", target)])
                }
            }
        }
        let marker = open(spec.root + "/_SUCCESS", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard marker >= 0 else {
            throw EmberError(.output, "cannot write _SUCCESS: \(String(cString: strerror(errno)))", context: [.init("directory", spec.root)])
        }
        close(marker)
        abortJob()
    }

    /// Removes everything the job left in `_temporary` (committed or not). Safe to call more than once.
    /// A killed task may still be ending in its attempt directory (files it had open, a partition
    /// directory it was making): the removal is tried again if it raced with one.
    func abortJob() {
        for _ in 0..<5 {
            var st = stat()
            guard lstat(spec.temporaryDirectory, &st) == 0 else { return }
            if (try? FileManager.default.removeItem(atPath: spec.temporaryDirectory)) != nil { return }
            usleep(20_000)
        }
    }
}
