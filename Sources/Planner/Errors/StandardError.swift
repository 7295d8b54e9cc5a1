// StandardError: diagnostics to the process's stderr that never crash it. Foundation's
// `FileHandle.write(_:)` traps when the write fails (a full disk under a redirected stderr, a closed
// pipe); these writes give up quietly instead, because losing a message is better than losing the
// program that wanted to print it.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum StandardError {
    /// Writes `text` to file descriptor 2, retrying interrupted and short writes; any other
    /// failure drops the rest of the text. Returns whether everything was written.
    @discardableResult
    public static func write(_ text: String) -> Bool {
        FileDescriptorWriter.writeAll(2, Array(text.utf8))
    }
}

@_spi(EmberInternal) public enum FileDescriptorWriter {
    /// Writes all of `bytes` to `fd`, retrying EINTR and short writes; false on any other error
    /// (errno is left as the failing write set it).
    @_spi(EmberInternal) public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            guard var p = raw.baseAddress else { return true }
            var left = raw.count
            while left > 0 {
                let n = systemWrite(fd, p, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                p += n
                left -= n
            }
            return true
        }
    }
}

@inline(__always)
private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
