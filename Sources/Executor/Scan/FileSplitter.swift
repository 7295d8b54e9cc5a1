// FileSplitter: turns input paths (files and directories) into byte-range FileSplits, one per map
// task, with a split size chosen like Spark's `FilePartition.maxSplitBytes`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(EmberInternal) import Planner

/// One input file found by ``FileSplitter/listFiles(_:)``.
@_spi(EmberInternal) public struct InputFile: Sendable, Hashable {
    @_spi(EmberInternal) public var path: String
    @_spi(EmberInternal) public var length: Int64
    @_spi(EmberInternal) public init(path: String, length: Int64) {
        self.path = path
        self.length = length
    }
}

/// Plans the byte ranges of a file scan.
///
/// Listing: a path naming a file is taken as is; a path naming a directory contributes its regular
/// files (symlinks followed), sorted by name byte-wise. Names starting with `.` or `_` are hidden
/// and skipped, as Spark's file index does (`_SUCCESS`, `.part-0.crc`, our writers' `.tmp` files).
/// Subdirectories are not descended into (PartitionDiscovery lists directory trees).
///
/// Split size (Spark's `FilePartition.maxSplitBytes`, with `targetSplitBytes` in the role of
/// `spark.sql.files.maxPartitionBytes` and `minSplits` in the role of the default parallelism):
///
///     openCost      = min(4 MiB, targetSplitBytes)        // spark.sql.files.openCostInBytes
///     totalBytes    = Σ (fileLength + openCost)
///     bytesPerSplit = totalBytes / max(minSplits, 1)
///     maxSplitBytes = max(1, min(targetSplitBytes, max(openCost, bytesPerSplit)))
///
/// Each file is then cut into ranges of at most about `maxSplitBytes`: as many as cutting at
/// `maxSplitBytes` gives, where a last remainder of at most 10 % of a split joins the range before
/// it (Hadoop's `SPLIT_SLOP`; Spark SQL cuts without it), but of equal lengths. A short last range
/// (Spark's) is a task that ends early while the others still run, so the stage waits on a
/// full-size task started late.
/// Unlike Spark, small files are not packed together: each split is one task. A compressed file
/// (`.gz`, `.zst`, `.deflate`: ``InputCompression``) cannot be cut, so it is one split, whole.
///
/// Empty files give no split at all (as in Spark): they contain no rows. Callers that need an
/// empty file's header (schema inference) list files with ``listFiles(_:)`` instead.
@_spi(EmberInternal) public enum FileSplitter {
    /// Spark's `spark.sql.files.maxPartitionBytes` default.
    @_spi(EmberInternal) public static let defaultTargetSplitBytes: Int64 = 128 << 20
    /// Spark's `spark.sql.files.openCostInBytes` default.
    @_spi(EmberInternal) public static let openCostInBytes: Int64 = 4 << 20

    @_spi(EmberInternal) public static func splits(paths: [String], targetSplitBytes: Int64 = defaultTargetSplitBytes,
                              minSplits: Int) throws -> [FileSplit] {
        guard targetSplitBytes > 0 else {
            throw EmberError(.configuration, "split size must be positive, got \(targetSplitBytes)",
                             hint: "set the target split size to a positive number of bytes (default 128 MiB)")
        }
        let files = try listFiles(paths)
        let size = maxSplitBytes(fileLengths: files.map(\.length), targetSplitBytes: targetSplitBytes,
                                 minSplits: minSplits)
        var result: [FileSplit] = []
        for file in files where file.length > 0 {
            if !InputCompression.isSplittable(file.path) {
                result.append(FileSplit(path: file.path, start: 0, length: file.length, fileLength: file.length))
                continue
            }
            let count = pieceCount(file.length, size)
            var offset: Int64 = 0
            for k in 0..<count {
                // Equal pieces (the first `length % count` one byte longer): no short last task.
                let length = file.length / count + (k < file.length % count ? 1 : 0)
                result.append(FileSplit(path: file.path, start: offset, length: length, fileLength: file.length))
                offset += length
            }
        }
        return result
    }

    /// How many ranges of at most `size` bytes cover `length` bytes, where a remainder of up to 10 %
    /// of a split joins the last range instead of making its own (Hadoop's `SPLIT_SLOP`).
    static func pieceCount(_ length: Int64, _ size: Int64) -> Int64 {
        let slop = size + size / 10
        if length <= slop { return 1 }
        return (length - slop + size - 1) / size + 1   // whole ranges until at most `slop` is left, and that rest
    }

    /// The split size for files of these lengths (see the type's documentation).
    @_spi(EmberInternal) public static func maxSplitBytes(fileLengths: [Int64], targetSplitBytes: Int64, minSplits: Int) -> Int64 {
        let openCost = min(openCostInBytes, targetSplitBytes)
        let total = fileLengths.reduce(Int64(0)) { $0 + $1 + openCost }
        let perSplit = total / Int64(max(minSplits, 1))
        return max(1, min(targetSplitBytes, max(openCost, perSplit)))
    }

    /// The input files of `paths`: files as given, directories expanded to their visible regular
    /// files in name order. A missing path is an input error naming it.
    @_spi(EmberInternal) public static func listFiles(_ paths: [String]) throws -> [InputFile] {
        var files: [InputFile] = []
        for path in paths {
            guard let status = PathStatus(path: path) else {
                throw EmberError(.input, "input path does not exist", context: [.init("file", path)],
                                 hint: "check the path (relative paths resolve against the driver's working directory)")
            }
            if status.isDirectory {
                for name in try directoryEntries(path) where !isHidden(name) {
                    let child = path.hasSuffix("/") ? path + name : path + "/" + name
                    if let s = PathStatus(path: child), s.isRegular {
                        files.append(InputFile(path: child, length: s.size))
                    }
                }
            } else if status.isRegular {
                files.append(InputFile(path: path, length: status.size))
            } else {
                throw EmberError(.input, "input path is not a regular file or directory", context: [.init("file", path)],
                                 hint: "point the reader at a file or a directory of files")
            }
        }
        return files
    }

    /// Spark's file index skips names starting with `.`, and those starting with `_` (metadata,
    /// `_SUCCESS`, `_temporary`) unless they hold a `=`: `_k=1` is the directory of a partition
    /// column named `_k` (Spark's InMemoryFileIndex.shouldFilterOutPathName).
    static func isHidden(_ name: String) -> Bool {
        let first = name.utf8.first
        return first == UInt8(ascii: ".") || (first == UInt8(ascii: "_") && !name.utf8.contains(UInt8(ascii: "=")))
    }

    /// The names in a directory (without `.` and `..`), sorted byte-wise.
    static func directoryEntries(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else {
            throw EmberError(.input, "cannot list input directory: \(posixErrorText())", context: [.init("file", path)],
                             hint: "check that the directory is readable")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}

/// What `stat(2)` says about a path (symlinks followed).
struct PathStatus {
    var isDirectory: Bool
    var isRegular: Bool
    var size: Int64
    /// Device and inode: the same file or directory, whatever path (or symlink) led to it.
    var identity: FileIdentity

    /// nil when the path does not exist (or cannot be examined).
    init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        let kind = st.st_mode & S_IFMT
        isDirectory = kind == S_IFDIR
        isRegular = kind == S_IFREG
        size = Int64(st.st_size)
        identity = FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }
}

/// The text of the current `errno`.
func posixErrorText(_ code: Int32 = errno) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
}
