// BlockManager: an executor's cached partitions (Spark's BlockManager for RDD blocks), named
// rdd_<cacheId>_<partition>. Memory blocks hold the batches and take storage memory from the
// executor's unified pool; disk blocks are zstd-compressed batch files in the local directory.
// Blocks live until the driver asks to remove them (unpersist) or the executor ends.

import Foundation
import Planner
import Shuffle
import Synchronization

/// What a task reports about a block it stored.
public struct CachedBlockInfo: Sendable, Codable, Hashable {
    public var cacheId: Int
    public var partition: Int
    public var bytes: Int64
    public var inMemory: Bool
}

public final class BlockManager: Sendable {
    enum Block {
        case memory([ColumnarBatch], bytes: Int)
        case disk(path: String, bytes: Int64)
    }
    private struct Key: Hashable { let cacheId: Int; let partition: Int }
    private let blocks = Mutex<[Key: Block]>([:])
    let directory: String
    let memory: ExecutorMemoryManager?

    public init(directory: String, memory: ExecutorMemoryManager?) {
        self.directory = directory
        self.memory = memory
    }

    /// Stores a partition at `level`; returns what was stored, or nil when MEMORY_ONLY did not fit.
    public func put(cacheId: Int, partition: Int, batches: [ColumnarBatch], schema: StructType,
                    level: StorageLevel) throws -> CachedBlockInfo? {
        let bytes = batches.reduce(0) { $0 + $1.memoryBytes }
        if level != .diskOnly, memory?.tryAcquireStorage(bytes) ?? true {
            blocks.withLock { $0[Key(cacheId: cacheId, partition: partition)] = .memory(batches, bytes: bytes) }
            return CachedBlockInfo(cacheId: cacheId, partition: partition, bytes: Int64(bytes), inMemory: true)
        }
        if level == .memoryOnly { return nil }
        var encoded: [UInt8] = []
        for b in batches { BatchCodec.encode(b, into: &encoded) }
        let compressor = try ZstdCompressor(level: 1)
        var frame: [UInt8] = []
        try encoded.withUnsafeBytes { try compressor.compressFrame($0, appendingTo: &frame) }
        let path = "\(directory)/rdd_\(cacheId)_\(partition)"
        // A private temp file renamed into place: a full disk fails the task (retried), not the block.
        let temp = "\(path).\(FileOps.randomToken()).tmp"
        do {
            let file = try PosixFile.create(temp)
            try frame.withUnsafeBytes { try file.write($0) }
            try FileOps.rename(temp, to: path)
        } catch {
            FileOps.remove(temp)
            throw error
        }
        blocks.withLock { $0[Key(cacheId: cacheId, partition: partition)] = .disk(path: path, bytes: Int64(frame.count)) }
        return CachedBlockInfo(cacheId: cacheId, partition: partition, bytes: Int64(frame.count), inMemory: false)
    }

    /// The batches of a cached partition, or nil if this executor does not have it.
    public func get(cacheId: Int, partition: Int, schema: StructType) throws -> [ColumnarBatch]? {
        guard let block = blocks.withLock({ $0[Key(cacheId: cacheId, partition: partition)] }) else { return nil }
        switch block {
        case .memory(let batches, _): return batches
        case .disk(let path, _):
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            var out: [ColumnarBatch] = []
            let decompressor = try ZstdDecompressor()
            try data.withUnsafeBytes { raw in
                try decompressor.decompressFrames(raw) { content in
                    var offset = 0
                    while offset < content.count { out.append(try BatchCodec.decode(content, offset: &offset, schema: schema)) }
                }
            }
            return out
        }
    }

    /// Drops every partition of a cached DataFrame (unpersist).
    public func remove(cacheId: Int) {
        let removed = blocks.withLock { b -> [Block] in
            let keys = b.keys.filter { $0.cacheId == cacheId }
            return keys.compactMap { b.removeValue(forKey: $0) }
        }
        for block in removed {
            switch block {
            case .memory(_, let bytes): memory?.releaseStorage(bytes)
            case .disk(let path, _): try? FileManager.default.removeItem(atPath: path)
            }
        }
    }
}
