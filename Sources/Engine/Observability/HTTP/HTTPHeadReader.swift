// HTTPHeadReader: reads one request head, up to its blank line, by one deadline and within a size
// limit. It stops as soon as the bytes say how to answer: the blank line (a head to parse), a line
// ended by a bare LF (bad framing: 400), the limit passed without a blank line (431), the deadline
// (408), or a peer that closed or failed.

@_spi(EmberInternal) import Executor

enum HTTPHeadReader {
    enum Outcome: Equatable {
        case head([UInt8])
        case badFraming
        case tooLarge
        case timedOut
        case closed
    }

    static func read(_ fd: Int32, deadline: Deadline, maxBytes: Int) -> Outcome {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n: Int
            do {
                n = try chunk.withUnsafeMutableBytes { raw in
                    guard let base = raw.baseAddress else { return 0 }
                    return try SocketIO.readSome(fd, into: base, count: raw.count, deadline: deadline, doing: "reading a request head")
                }
            } catch ConnectionError.timedOut {
                return .timedOut
            } catch {
                return .closed
            }
            if n == 0 { return .closed }
            let scanFrom = data.count
            data.append(contentsOf: chunk[0..<n])
            for i in scanFrom..<data.count where data[i] == 10 {
                guard i > 0, data[i - 1] == 13 else { return .badFraming }
                if i >= 3 && data[i - 2] == 10 && data[i - 3] == 13 {
                    return i < maxBytes ? .head(Array(data[0...i])) : .tooLarge
                }
            }
            if data.count >= maxBytes { return .tooLarge }
        }
    }
}
