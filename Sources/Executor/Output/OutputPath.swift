// OutputPath: what may stand at an output path before a write replaces it.
//
// - An output that is one of the job's inputs is refused, as Spark refuses it ("Cannot overwrite a
//   path that is also being read from"): the job would read the file it is replacing. Files are
//   compared by device and inode, so a symlink, a hard link or another spelling of the same path is
//   caught too.
// - Overwriting replaces only a regular file. A directory, a device (/dev/null), a FIFO, a socket
//   or a symlink at the path is refused: renaming the result over it would destroy it.
//
// Output files get the mode a plain create gives (0666 minus the umask) only once complete; while
// being written they are 0600 temp files.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public enum OutputPath {
    /// Throws if `output` names the same file as one of `inputs` (files, or directories whose files
    /// are read).
    @_spi(EmberInternal) public static func refuseInputs(_ output: String, inputs: [String]) throws {
        guard let target = FileIdentity(path: output) else { return }   // nothing there yet
        for input in inputs {
            var candidates = [input]
            if PathStatus(path: input)?.isDirectory == true, let names = try? FileSplitter.directoryEntries(input) {
                candidates += names.map { input.hasSuffix("/") ? input + $0 : input + "/" + $0 }
            }
            if let same = candidates.first(where: { FileIdentity(path: $0) == target }) {
                throw EmberError(.output, "Cannot overwrite a path that is also being read from",
                                 context: [.init("path", output), .init("input", same)],
                                 hint: "write the result to another path, then move it over the input if that is what you want")
            }
        }
    }

    /// Throws unless whatever exists at `path` (not following a symlink) is a regular file that an
    /// overwrite may replace. A path where nothing exists passes.
    @_spi(EmberInternal) public static func checkReplaceable(_ path: String) throws {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        let kind = st.st_mode & S_IFMT
        guard kind != S_IFREG else { return }
        throw EmberError(.output, "output path is \(kindName(kind)); overwrite replaces only regular files", context: [.init("path", path)],
                         hint: kind == S_IFLNK ? "write to the link's target path, or remove the link first"
                                               : "choose another path, or remove what is there first")
    }

    /// "a directory", "a FIFO", … for the file type bits of a mode (`st_mode & S_IFMT`).
    @_spi(EmberInternal) public static func kindName(_ kind: mode_t) -> String {
        switch kind {
        case S_IFREG: return "a regular file"
        case S_IFDIR: return "a directory"
        case S_IFLNK: return "a symbolic link"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }

    /// The mode a newly created file gets from open(2) with 0666: 0666 minus the process's umask,
    /// read from /proc/self/status (setting and restoring the umask would race with other threads).
    /// 0600 when the umask cannot be read.
    @_spi(EmberInternal) public static func defaultFileMode() -> mode_t {
        guard let text = try? readSmallFile("/proc/self/status"),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
              let mask = mode_t(String(line.dropFirst("Umask:".count)).trimming(" \t"), radix: 8) else { return 0o600 }
        return 0o666 & ~mask
    }

    private static func readSmallFile(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw EmberError(.input, "cannot open \(path)") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 8192)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { throw EmberError(.input, "cannot read \(path)") }
        return String(decoding: buffer.prefix(n), as: UTF8.self)
    }
}

/// A file's device and inode: two paths with equal identities name one file.
struct FileIdentity: Hashable {
    let device: UInt64
    let inode: UInt64

    init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    /// nil when nothing exists at `path` (symlinks are followed).
    init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }
}
