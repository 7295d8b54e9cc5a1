// LineHistory: the shell's input lines, newest last, kept across runs in ~/.ember_sql_history
// (as spark-sql keeps ~/.hivehistory): at most `limit` lines; a line equal to the one before is
// not added again. The file is private to its owner (0600), is never followed through a symlink,
// is opened without blocking (a FIFO put in its place cannot hang the shell), and is read only
// when it is a regular file owned by this user; a file that grew past twice the
// limit is rewritten with its last lines (through a temp file and a rename). A history that
// cannot be read or written is simply not kept.

import Foundation

final class LineHistory {
    private(set) var entries: [String] = []
    let limit: Int
    let path: String?

    init(path: String?, limit: Int = 1000) {
        self.path = path
        self.limit = limit
        guard let path, let text = Self.readOwnFile(path) else { return }
        let lines = text.split(separator: "\n").map(String.init)
        entries = Array(lines.suffix(limit))
        if lines.count > 2 * limit { rewrite() }
    }

    /// ~/.ember_sql_history, or nil without a home directory.
    static var defaultPath: String? {
        guard let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty else { return nil }
        return (home as NSString).appendingPathComponent(".ember_sql_history")
    }

    func add(_ line: String) {
        let entry = line.replacingOccurrences(of: "\n", with: " ")
        guard !entry.trimmingCharacters(in: .whitespaces).isEmpty, entry != entries.last else { return }
        entries.append(entry)
        if entries.count > limit { entries.removeFirst(entries.count - limit) }
        append(entry)
    }

    private func append(_ entry: String) {
        guard let path else { return }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        guard Self.isOwnRegularFile(fd) else { return }
        let bytes = Array((entry + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    private func rewrite() {
        guard let path else { return }
        let temp = path + ".\(getpid()).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let bytes = Array(entries.map { $0 + "\n" }.joined().utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if written == bytes.count && rename(temp, path) == 0 { return }
        unlink(temp)
    }

    private static func readOwnFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        guard isOwnRegularFile(fd), let data = try? handle.read(upToCount: 16 << 20) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    private static func isOwnRegularFile(_ fd: Int32) -> Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && info.st_uid == getuid()
    }
}
