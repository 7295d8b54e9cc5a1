// FileCommitProtocol: the driver's side of a write job (Spark's HadoopMapReduceCommitProtocol over
// FileOutputCommitter, algorithm v1: nothing is visible before the job commit).
//
//   setupJob   mkdir <root>/_temporary (shared, may exist), then this job's own
//              <root>/_temporary/<uuid>/_temporary         (tasks make their attempt dirs in it)
//   task       writes <root>/_temporary/<uuid>/_temporary/attempt_…/[k=v/]part-…   (FileWriteSink)
//   commitTask the first successful attempt of a partition (the scheduler hands only that one to
//              `receive`): rename attempt_… → <root>/_temporary/<uuid>/task_<job>_<partition>
//              Other attempts (failed, killed, a speculative copy that lost) never get here; a
//              failing or killed task removes its own directory, and whatever is left (an executor
//              killed mid-write) goes with the job's temporary directory.
//   commitJob  move every committed task's files into <root> (making partition directories;
//              never replacing a file there), write an empty _SUCCESS, remove the job's temporary
//              directory; a failure (or a signal) half way takes the files it moved back out
//              (CommitJournal)
//   abortJob   the same removal: <root>/_temporary/<uuid>, then <root>/_temporary if empty
//
// Jobs appending to one directory at once share `<root>/_temporary` and nothing in it: a job's
// cleanup never removes another's files. Every directory of the job's is a real directory of this
// user (a planted symlink is never written through). Executors are the application's own
// processes, but their reports are still checked: an attempt directory must lie in this job's
// attempts directory, and file paths must stay inside it.

import Foundation
@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

/// Used by the thread that runs the job only.
final class FileCommitProtocol: ResultReceiver, @unchecked Sendable {
    let spec: FileWriteSpec
    /// The committed files of each partition, relative to its task directory.
    private var committed: [Int: [WrittenFile]] = [:]
    var delivered: Set<Int> { Set(committed.keys) }
    /// What the job commit made visible, to take back out if it does not finish.
    private let journal = CommitJournal()
    /// Set once this job made its own temporary directory (only then does it remove it).
    private var madeTemporaryDirectory = false
    /// Removes the job's temporary directory if the process is ended by a signal.
    private var terminationCleanup: Int?

    init(spec: FileWriteSpec) { self.spec = spec }

    /// What the job wrote: files, rows, bytes (Spark's numFiles, numOutputRows, numOutputBytes).
    var files: Int { committed.values.reduce(0) { $0 + $1.count } }
    var rows: Int64 { committed.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.rows } } }
    var bytes: Int64 { committed.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.bytes } } }
    /// The committed files' paths relative to the root, in partition order.
    var filePaths: [String] { committed.keys.sorted().flatMap { committed[$0]!.map(\.path) } }

    func setupJob() throws {
        // The shared `_temporary` may exist (a job appending now, or one that crashed); another
        // job's cleanup may remove it between the two mkdirs when it is empty: then make it again.
        var made = false
        for _ in 0..<10 where !made {
            try makeDirectory(spec.sharedTemporaryDirectory, mayExist: true)
            made = try makeDirectory(spec.temporaryDirectory, mayExist: false, parentMayVanish: true)
        }
        guard made else {
            throw EmberError(.output, "cannot create the job's temporary directory: its parent keeps disappearing",
                             context: [.init("directory", spec.temporaryDirectory)])
        }
        madeTemporaryDirectory = true
        let journal = self.journal, temporary = spec.temporaryDirectory, shared = spec.sharedTemporaryDirectory
        terminationCleanup = TerminationCleanup.add {
            journal.rollBack()
            Self.removeTemporary(temporary, shared: shared)
        }
        try makeDirectory(spec.attemptsDirectory, mayExist: false)
    }

    /// mkdir(2) of one of the job's directories, which must then be a real directory of this user:
    /// never a symlink that would send the attempts elsewhere. `mayExist`: one already there is
    /// used (the shared `_temporary`); otherwise it must be new. False when the parent vanished
    /// and `parentMayVanish`.
    @discardableResult
    private func makeDirectory(_ directory: String, mayExist: Bool, parentMayVanish: Bool = false) throws -> Bool {
        if mkdir(directory, 0o777) != 0 {
            let code = errno
            if code == ENOENT && parentMayVanish { return false }
            guard code == EEXIST && mayExist else {
                throw EmberError(.output, "cannot create the job's temporary directory: \(String(cString: strerror(code)))",
                                 context: [.init("directory", directory)], hint: "check that the output directory is writable")
            }
        }
        var st = stat()
        guard lstat(directory, &st) == 0, st.st_mode & S_IFMT == S_IFDIR, st.st_uid == getuid() else {
            throw EmberError(.output, "the job's temporary directory exists and is not a directory of this user",
                             context: [.init("directory", directory)],
                             hint: "remove it (a symlink or another user's directory is never written through)")
        }
        return true
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

    /// Moves every committed file into the root, writes `_SUCCESS` and removes the job's temporary
    /// directory. A failure takes back out what it had moved (the caller then aborts the job).
    func commitJob() throws {
        var made: Set<String> = [""]
        for partition in committed.keys.sorted() {
            let taskDirectory = spec.taskDirectory(partition: partition)
            for file in committed[partition]! {
                let parent = file.path.split(separator: "/").dropLast().joined(separator: "/")
                if !made.contains(parent) {
                    try makePartitionDirectories(parent)
                    made.insert(parent)
                }
                let target = spec.root + "/" + file.path
                try journal.publish(file: target) {
                    let code = Self.renameWithoutReplacing(taskDirectory + "/" + file.path, target)
                    guard code == 0 else {
                        throw EmberError(.output, code == EEXIST ? "a file of the job's name is already in the output"
                                                                 : "cannot move a written file into the output: \(String(cString: strerror(code)))",
                                         context: [.init("file", target)], hint: code == EEXIST ? "it is left as it was; write again" : nil)
                    }
                }
            }
        }
        try journal.complete {
            let marker = open(spec.root + "/_SUCCESS", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
            guard marker >= 0 else {
                throw EmberError(.output, "cannot write _SUCCESS: \(String(cString: strerror(errno)))", context: [.init("directory", spec.root)])
            }
            close(marker)
        }
        abortJob()
    }

    /// rename(2) that never replaces what is at `to` (another job's file is never lost): renameat2
    /// with RENAME_NOREPLACE, or a check first where the kernel or file system lacks it. Returns 0
    /// or the errno (EEXIST when `to` exists).
    static func renameWithoutReplacing(_ from: String, _ to: String) -> Int32 {
        if OutputDirectory.renameat2(from, to, flags: OutputDirectory.renameNoReplace) == 0 { return 0 }
        let code = errno
        guard code == ENOSYS || code == EINVAL else { return code }
        var st = stat()
        if lstat(to, &st) == 0 { return EEXIST }
        return rename(from, to) == 0 ? 0 : errno
    }

    /// Makes the partition directories `relative` (`k=1/j=a`) under the root where missing. One
    /// that exists must be a real directory: a file or a symlink in its place is refused, never
    /// written through.
    private func makePartitionDirectories(_ relative: String) throws {
        var path = spec.root
        for component in relative.split(separator: "/") {
            path += "/" + component
            let code = try journal.makeDirectory(path)
            if code == 0 { continue }
            var st = stat()
            guard code == EEXIST, lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
                throw EmberError(.output, code == EEXIST ? "a partition directory's name is taken by something that is not a directory"
                                                         : "cannot create a partition directory: \(String(cString: strerror(code)))",
                                 context: [.init("path", path)], hint: code == EEXIST ? "remove or rename it, then write again" : nil)
            }
        }
    }

    /// Takes back out what an unfinished commit published, and removes everything the job left in
    /// its temporary directory (committed or not). Safe to call more than once.
    func abortJob() {
        journal.rollBack()
        if let id = terminationCleanup { TerminationCleanup.remove(id) }
        terminationCleanup = nil
        if madeTemporaryDirectory { Self.removeTemporary(spec.temporaryDirectory, shared: spec.sharedTemporaryDirectory) }
        madeTemporaryDirectory = false
    }

    /// Removes a job's temporary directory, then the shared `_temporary` if no other job uses it.
    /// A killed task may still be ending in its attempt directory (files it had open, a partition
    /// directory it was making): the removal is tried again if it raced with one.
    private static func removeTemporary(_ directory: String, shared: String) {
        for _ in 0..<5 {
            var st = stat()
            guard lstat(directory, &st) == 0 else { break }
            if (try? FileManager.default.removeItem(atPath: directory)) != nil { break }
            usleep(20_000)
        }
        rmdir(shared)   // fails (ENOTEMPTY) while another job has its directory in it
    }
}
