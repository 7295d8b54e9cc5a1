// ScanTestSupport: helpers shared by the scan suites: scratch files, whole-file and split scans,
// the naive line and CSV-field references on seeded random files, and error capture.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

// MARK: - Helpers

/// A fresh temporary directory, removed by `cleanup()`.
struct ScanDir {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "ember-scan-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }
    func entries() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

func scanFileLength(_ path: String) throws -> Int64 {
    Int64(try FileManager.default.attributesOfItem(atPath: path)[.size] as! UInt64)
}

func scanWholeSplit(_ path: String) throws -> FileSplit {
    let n = try scanFileLength(path)
    return FileSplit(path: path, start: 0, length: n, fileLength: n)
}

/// Consecutive splits of `size` bytes (the last one shorter).
func scanSplits(of path: String, size: Int64) throws -> [FileSplit] {
    let n = try scanFileLength(path)
    return stride(from: Int64(0), to: max(n, 1), by: Int(size)).map {
        FileSplit(path: path, start: $0, length: min(size, n - $0), fileLength: n)
    }
}

func scanTextRows(_ split: FileSplit, batchSize: Int = 5) throws -> [String] {
    var out: [String] = []
    try TextScanner.scan(split, batchSize: batchSize) { batch in
        #expect(batch.numRows <= batchSize)
        out += batch.rows.map { $0[0].stringValue! }
    }
    return out
}

func scanCSVRows(_ split: FileSplit, _ options: CSVOptions, _ schema: StructType, columns: [Int]? = nil,
             batchSize: Int = 7) throws -> [[Value]] {
    var out: [[Value]] = []
    try CSVScanner.scan(split, options: options, dataSchema: schema, requiredColumns: columns ?? Array(schema.fields.indices),
                        batchSize: batchSize) { batch in
        #expect(batch.numRows <= batchSize)
        #expect(batch.columns.allSatisfy { $0.count == batch.numRows })
        out += batch.rows
    }
    return out
}

/// Naive reference lines: split on "\n", drop the empty piece after a final "\n", strip one "\r".
func scanReferenceLines(_ bytes: [UInt8]) -> [String] {
    var pieces = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
    if bytes.last == UInt8(ascii: "\n") || bytes.isEmpty { pieces.removeLast() }
    return pieces.map { p in String(decoding: p.last == 0x0D ? Array(p.dropLast()) : p, as: UTF8.self) }
}

/// Naive reference CSV tokenizer for well-formed lines: (field, wasQuoted) pairs.
func scanReferenceFields(_ line: String) -> [(String, Bool)] {
    var fields: [(String, Bool)] = []
    var chars = Array(line)[...]
    while true {
        if chars.first == "\"" {
            chars = chars.dropFirst()
            var value = ""
            while let c = chars.first {
                if (c == "\\" || c == "\"") && chars.dropFirst().first == "\"" {
                    value.append("\"")
                    chars = chars.dropFirst(2)
                } else if c == "\"" {
                    chars = chars.dropFirst()
                    break
                } else {
                    value.append(c)
                    chars = chars.dropFirst()
                }
            }
            fields.append((value, true))
        } else {
            let end = chars.firstIndex(of: ",") ?? chars.endIndex
            fields.append((String(chars[..<end]), false))
            chars = chars[end...]
        }
        guard chars.first == "," else { return fields }
        chars = chars.dropFirst()
    }
}

func scanCaughtError(_ body: () throws -> Void) -> EmberError? {
    do {
        try body()
        return nil
    } catch let error as EmberError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}


/// Applies a byte parser to the UTF-8 bytes of `text`.
func scanParse<T>(_ text: String, _ parser: (UnsafeRawBufferPointer) -> T) -> T {
    Array(text.utf8).withUnsafeBytes { parser($0) }
}

