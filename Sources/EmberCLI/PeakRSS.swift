// PeakRSS: this process's peak resident set size (VmHWM in /proc/self/status), which the job
// commands report so that the driver's own memory use is visible next to the executors'.

import Foundation

/// Peak resident set size of this process in bytes (0 where /proc is not available).
func driverPeakRSS() -> Int64 {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
    return (Int64(line.filter(\.isNumber)) ?? 0) * 1024
}
