// DirectoryTree: removal of a directory and everything in it while the job that fills it may
// still be running (a signal's cleanup, a session stopping): a file created in it while the
// removal walks it (a task's commit renaming its attempt in, an executor killed a moment ago)
// makes the removal fail, so it is tried again for up to a second.

import Foundation

enum DirectoryTree {
    static func remove(_ path: String) {
        for _ in 0..<50 {
            try? FileManager.default.removeItem(atPath: path)
            if access(path, F_OK) != 0 { return }
            usleep(20_000)
        }
    }
}
