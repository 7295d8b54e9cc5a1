// InheritedDescriptors: open descriptors numbered at or above the process's descriptor limit
// (RLIMIT_NOFILE's soft limit). A process can only have them by inheriting them from a parent
// that had a higher limit (`ulimit -n 1024` in a shell lowers the limit, not the open
// descriptors). Foundation's Process cannot start a child then: it asks posix_spawn to close
// every open descriptor, and posix_spawn refuses a descriptor beyond the limit (EBADF), so no
// executor could be launched.
//
// Programs close them at start (`Session.closeDescriptorsAboveLimit()`, which the `ember` tool
// calls); the launcher names them when a launch fails this way.

import Foundation

enum InheritedDescriptors {
    /// The open descriptors numbered at or above the soft descriptor limit, from /proc/self/fd.
    static func aboveLimit() -> [Int32] {
        let limit = Int32(clamping: getdtablesize())
        guard let directory = opendir("/proc/self/fd") else { return [] }
        defer { closedir(directory) }
        let own = dirfd(directory)
        var found: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let fd = Int32(name), fd >= limit, fd != own { found.append(fd) }
        }
        return found.sorted()
    }
}

extension Session {
    /// Closes the descriptors this process inherited above its descriptor limit (see
    /// InheritedDescriptors): nothing in it can have opened them, and while they are open no
    /// executor process can be started. For programs (the `ember` tool calls it first thing); a
    /// library host that passes such descriptors on purpose should not call it.
    public static func closeDescriptorsAboveLimit() {
        for fd in InheritedDescriptors.aboveLimit() { _ = close(fd) }
    }
}
