// OutputDirectory: Spark's save modes on an output directory, and where a write job puts its files
// so that a failed job leaves no visible output.
//
//   mode           path absent                    path present
//   error          write to staging, rename in    PATH_ALREADY_EXISTS before any work
//   ignore         write to staging, rename in    nothing at all
//   overwrite      write to staging, rename in    write to staging, then swap it with the old output
//   append         mkdir, write in place          write in place (new part names next to the old)
//
// Staging is a hidden sibling, `<parent>/.<name>.ember-staging-<uuid>` (same file system, skipped
// by readers), which the job commit turns into the output with one rename: the output appears
// complete or not at all. Overwrite differs from Spark on purpose: Spark deletes the old output
// before the job runs, so a failed job loses it; here the old output stays until the new one is
// complete, then the two are exchanged atomically (renameat2 RENAME_EXCHANGE; on kernels or file
// systems without it, two renames with a moment between them when nothing is at the path) and the
// old one is removed. A failed job removes its staging directory; in append mode the commit
// protocol removes the job's own temporary directory (other jobs may be appending at the same
// time), and this removes the directory if the job created it and it is still empty.

import Foundation
@_spi(EmberInternal) import Executor
@_spi(EmberInternal) import Planner

struct OutputDirectory {
    enum Publish {
        /// Append: the job wrote into the output itself. `created`: the job made the directory.
        case inPlace(created: Bool)
        /// Rename the staging directory to the (absent) output path.
        case rename
        /// Exchange the staging directory with the old output, then remove the old one.
        case exchange
        /// Nothing: the staging directory holds parts that the caller reads and then abandons (a
        /// single-file output's parts, see DataFrameWriter.singleFile).
        case scratch
    }

    /// The output path (absolute).
    let path: String
    /// Where the job writes: the output (append) or the staging directory.
    let root: String
    let publish: Publish
    private let cleanup: Int

    /// Applies the save mode to `path`; nil when there is nothing to write (ignore, path exists).
    /// `inputs`: the job's input paths (overwriting one of them is refused).
    static func prepare(_ path: String, mode: SaveMode, inputs: [String]) throws -> OutputDirectory? {
        let path = absolute(path)
        var st = stat()
        let exists = lstat(path, &st) == 0
        let kind = st.st_mode & S_IFMT
        switch mode {
        case .errorIfExists where exists:
            throw EmberError(.output, "[PATH_ALREADY_EXISTS] Path \(path) already exists.", context: [.init("path", path)],
                             hint: "set the mode to overwrite, append or ignore (.mode(\"overwrite\")), or choose another path")
        case .ignore where exists:
            return nil
        case .append:
            if exists && kind != S_IFDIR {
                throw EmberError(.output, "cannot append to a path that is not a directory", context: [.init("path", path)],
                                 hint: "choose a directory, or use mode overwrite to replace the file")
            }
            if !exists { try makeDirectory(path) }
            return OutputDirectory(path: path, root: path, publish: .inPlace(created: !exists))
        case .overwrite where exists:
            if kind != S_IFDIR && kind != S_IFREG {
                throw EmberError(.output, "output path is \(OutputPath.kindName(kind)); overwrite replaces only directories and regular files",
                                 context: [.init("path", path)], hint: "write to another path, or remove what is there first")
            }
            try refuseInputs(path, inputs: inputs)
            return try staged(path, publish: .exchange)
        default:
            return try staged(path, publish: .rename)
        }
    }

    /// A staging directory next to the file `path` for part files the caller appends into that file
    /// (nothing is published; `abandon()` removes it, as does a signal that ends the process).
    static func scratch(nextTo path: String) throws -> OutputDirectory {
        try staged(absolute(path), publish: .scratch)
    }

    /// The hidden sibling a job stages in: `.<name>.ember-staging-<uuid>`, or for a single file's
    /// parts `.ember-parts-<uuid>` (without the name, which may already be as long as names go).
    private static func stagingName(_ name: Substring, _ publish: Publish) -> String {
        let id = UUID().uuidString.lowercased()
        if case .scratch = publish { return ".ember-parts-\(id)" }
        return ".\(name).ember-staging-\(id)"
    }

    private init(path: String, root: String, publish: Publish) {
        self.path = path
        self.root = root
        self.publish = publish
        let staging: String? = if case .inPlace = publish { nil } else { root }
        let created = if case .inPlace(true) = publish { true } else { false }
        cleanup = TerminationCleanup.add {
            if let staging { DirectoryTree.remove(staging) } else if created { rmdir(root) }
        }
    }

    private static func staged(_ path: String, publish: Publish) throws -> OutputDirectory {
        let slash = path.lastIndex(of: "/")!
        let parent = slash == path.startIndex ? "/" : String(path[..<slash])
        let name = path[path.index(after: slash)...]
        try makeDirectory(parent)
        let staging = (parent == "/" ? "" : parent) + "/" + stagingName(name, publish)
        // A single file's parts are private until the file is complete, as its temp file is.
        let mode: mode_t = if case .scratch = publish { 0o700 } else { 0o777 }
        guard mkdir(staging, mode) == 0 else {
            throw EmberError(.output, "cannot create the job's staging directory: \(String(cString: strerror(errno)))",
                             context: [.init("directory", staging)], hint: "check that the output's parent directory is writable")
        }
        return OutputDirectory(path: path, root: staging, publish: publish)
    }

    /// Makes the committed job's output appear at `path`.
    func publishOutput() throws {
        if case .scratch = publish { return }   // still registered: the caller abandons it when done
        defer { TerminationCleanup.remove(cleanup) }
        switch publish {
        case .inPlace:
            return
        case .rename:
            if Self.renameat2(root, path, flags: Self.renameNoReplace) == 0 { return }
            var code = errno
            if code == ENOSYS || code == EINVAL {   // no renameat2: check, then rename
                var st = stat()
                code = lstat(path, &st) == 0 ? EEXIST : (rename(root, path) == 0 ? 0 : errno)
                if code == 0 { return }
            }
            try? FileManager.default.removeItem(atPath: root)
            if code == EEXIST || code == ENOTEMPTY {
                throw EmberError(.output, "[PATH_ALREADY_EXISTS] Path \(path) already exists.", context: [.init("path", path)],
                                 hint: "something else created the path while the job ran; set the mode to overwrite or choose another path")
            }
            throw EmberError(.output, "cannot move the output into place: \(String(cString: strerror(code)))", context: [.init("path", path)])
        case .scratch:
            return
        case .exchange:
            if Self.renameat2(root, path, flags: Self.renameExchange) == 0 {
                try? FileManager.default.removeItem(atPath: root)   // the old output, now at the staging name
                return
            }
            let old = root + ".old"
            guard rename(path, old) == 0 else {
                let code = errno
                try? FileManager.default.removeItem(atPath: root)
                throw EmberError(.output, "cannot replace the old output: \(String(cString: strerror(code)))", context: [.init("path", path)])
            }
            guard rename(root, path) == 0 else {
                let code = errno
                _ = rename(old, path)
                try? FileManager.default.removeItem(atPath: root)
                throw EmberError(.output, "cannot move the output into place: \(String(cString: strerror(code)))", context: [.init("path", path)])
            }
            try? FileManager.default.removeItem(atPath: old)
        }
    }

    /// Removes what a failed or cancelled job wrote; the old output (if any) stays as it was.
    func abandon() {
        defer { TerminationCleanup.remove(cleanup) }
        switch publish {
        case .inPlace(let created):
            if created { rmdir(root) }   // only if empty: another job may be appending to it
        case .rename, .exchange, .scratch:
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    static func absolute(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p.hasPrefix("/") ? p : FileManager.default.currentDirectoryPath + "/" + p
    }

    private static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw EmberError(.output, "cannot create output directory", context: [.init("path", path)],
                             hint: "check that the parent directory exists and is writable")
        }
    }

    /// Spark's UNSUPPORTED_OVERWRITE.PATH: the job must not read what its overwrite replaces.
    static func refuseInputs(_ output: String, inputs: [String]) throws {
        guard let target = realPath(output) else { return }
        for input in inputs {
            guard let real = realPath(input) else { continue }
            if real == target || real.hasPrefix(target + "/") {
                throw EmberError(.output, "Cannot overwrite a path that is also being read from",
                                 context: [.init("path", output), .init("input", input)],
                                 hint: "write the result to another path, then move it over the input if that is what you want")
            }
        }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    // renameat2(2) flags (linux/fs.h).
    static let renameNoReplace: UInt32 = 1
    static let renameExchange: UInt32 = 2

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    /// glibc's renameat2, looked up at run time (Swift's Glibc module does not declare it).
    private static let renameat2Function: RenameAt2? = dlsym(nil, "renameat2").map { unsafeBitCast($0, to: RenameAt2.self) }

    /// renameat2(2) on two paths; -1 with errno ENOSYS when the C library lacks it.
    static func renameat2(_ from: String, _ to: String, flags: UInt32) -> Int32 {
        guard let function = renameat2Function else {
            errno = ENOSYS
            return -1
        }
        return function(AT_FDCWD, from, AT_FDCWD, to, flags)
    }
}
