// BlockManager: an executor's cached partitions (Spark's BlockManager for RDD blocks), named
// rdd_<cacheId>_<partition>. Memory blocks hold the batches and take storage memory from the
// executor's unified pool; disk blocks are zstd-compressed batch files in the local directory.
// Blocks live until the driver asks to remove them (unpersist), a newer copy replaces them, the
// executor ends, or execution memory needs their room (see ExecutorMemoryManager): then, least
// recently used first, MEMORY_ONLY blocks are dropped and MEMORY_AND_DISK blocks move to disk.
//
// Every change to the block list and its storage accounting happens under one lock, and bumps a
// version: a task's status carries a StorageReport (all blocks held, storage memory used, the
// version), so the driver, keeping the newest report per executor, learns which blocks are gone.

import Foundation
@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle
import Synchronization

/// What a task reports about a block it stored.
@_spi(EmberInternal) public struct CachedBlockInfo: Sendable, Codable, Hashable {
    @_spi(EmberInternal) public var cacheId: Int
    @_spi(EmberInternal) public var partition: Int
    @_spi(EmberInternal) public var bytes: Int64
    @_spi(EmberInternal) public var inMemory: Bool
}

/// The executor's cached blocks as of one moment (sent with every task status).
@_spi(EmberInternal) public struct StorageReport: Sendable, Codable, Hashable {
    /// Grows with every change on the executor: a report with a lower version is older.
    @_spi(EmberInternal) public var version: Int
    /// Storage memory the executor's memory manager accounts to cached blocks.
    @_spi(EmberInternal) public var memoryUsed: Int64
    @_spi(EmberInternal) public var blocks: [CachedBlockInfo]
}

@_spi(EmberInternal) public final class BlockManager: StorageEvictor {
    enum Block {
        case memory([ColumnarBatch], bytes: Int, level: StorageLevel)
        case disk(path: String, bytes: Int64)
    }
    private struct Key: Hashable { let cacheId: Int; let partition: Int }
    private struct Entry {
        var block: Block
        /// When this copy was stored (tells it from a newer copy of the same partition).
        let stored: Int
        /// For least-recently-used eviction.
        var lastUse: Int
        init(_ block: Block, at time: Int) {
            self.block = block
            stored = time
            lastUse = time
        }
    }
    private struct State {
        var blocks: [Key: Entry] = [:]
        var version = 0
        var clock = 0
        /// Blocks being moved to disk (not chosen twice).
        var evicting: Set<Key> = []
    }
    private let state = Mutex(State())
    let directory: String
    let memory: ExecutorMemoryManager?

    @_spi(EmberInternal) public init(directory: String, memory: ExecutorMemoryManager?) {
        self.directory = directory
        self.memory = memory
        memory?.setStorageEvictor(self)
    }

    /// Stores a partition at `level`, replacing (and releasing) any older copy; returns what was
    /// stored, or nil when MEMORY_ONLY did not fit.
    @_spi(EmberInternal) public func put(cacheId: Int, partition: Int, batches: [ColumnarBatch], schema: StructType,
                    level: StorageLevel) throws -> CachedBlockInfo? {
        let key = Key(cacheId: cacheId, partition: partition)
        let bytes = batches.reduce(0) { $0 + $1.memoryBytes }
        let inMemory = state.withLock { s -> Bool in
            drop(key, &s)
            guard level != .diskOnly, memory?.tryAcquireStorage(bytes) ?? true else { return false }
            s.clock += 1
            s.blocks[key] = Entry(.memory(batches, bytes: bytes, level: level), at: s.clock)
            s.version += 1
            return true
        }
        if inMemory { return CachedBlockInfo(cacheId: cacheId, partition: partition, bytes: Int64(bytes), inMemory: true) }
        if level == .memoryOnly { return nil }
        let (path, fileBytes) = try writeToDisk(key, batches)
        state.withLock { s in
            drop(key, &s)
            s.clock += 1
            s.blocks[key] = Entry(.disk(path: path, bytes: fileBytes), at: s.clock)
            s.version += 1
        }
        return CachedBlockInfo(cacheId: cacheId, partition: partition, bytes: fileBytes, inMemory: false)
    }

    /// The batches of a cached partition, or nil if this executor does not have it.
    @_spi(EmberInternal) public func get(cacheId: Int, partition: Int, schema: StructType) throws -> [ColumnarBatch]? {
        let key = Key(cacheId: cacheId, partition: partition)
        let found = state.withLock { s -> Block? in
            s.clock += 1
            s.blocks[key]?.lastUse = s.clock
            return s.blocks[key]?.block
        }
        guard let block = found else { return nil }
        switch block {
        case .memory(let batches, _, _): return batches
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

    /// Drops every partition of a cached DataFrame (unpersist), or one partition.
    @_spi(EmberInternal) public func remove(cacheId: Int, partition: Int? = nil) {
        state.withLock { s in
            for key in s.blocks.keys where key.cacheId == cacheId && (partition == nil || key.partition == partition) { drop(key, &s) }
        }
    }

    /// The blocks held now, with the storage memory accounted to them.
    @_spi(EmberInternal) public func storageReport() -> StorageReport {
        state.withLock { s in
            let blocks = s.blocks.map { key, entry -> CachedBlockInfo in
                switch entry.block {
                case .memory(_, let bytes, _): return CachedBlockInfo(cacheId: key.cacheId, partition: key.partition, bytes: Int64(bytes), inMemory: true)
                case .disk(_, let bytes): return CachedBlockInfo(cacheId: key.cacheId, partition: key.partition, bytes: bytes, inMemory: false)
                }
            }
            return StorageReport(version: s.version, memoryUsed: Int64(memory?.storageBytes ?? 0),
                                 blocks: blocks.sorted { ($0.cacheId, $0.partition) < ($1.cacheId, $1.partition) })
        }
    }

    /// Evicts memory blocks, least recently used first, until `bytes` of storage are released:
    /// MEMORY_ONLY blocks are dropped, MEMORY_AND_DISK blocks are written to disk first.
    @_spi(EmberInternal) public func evictStorage(atLeast bytes: Int) -> Int {
        struct Victim { let key: Key; let stored: Int; let batches: [ColumnarBatch]; let bytes: Int; let level: StorageLevel }
        let victims = state.withLock { s -> [Victim] in
            let candidates = s.blocks.compactMap { key, entry -> (Victim, lastUse: Int)? in
                guard case .memory(let batches, let size, let level) = entry.block, !s.evicting.contains(key) else { return nil }
                return (Victim(key: key, stored: entry.stored, batches: batches, bytes: size, level: level), entry.lastUse)
            }.sorted { $0.lastUse < $1.lastUse }
            var chosen: [Victim] = []
            var total = 0
            for c in candidates where total < bytes {
                chosen.append(c.0)
                total += c.0.bytes
            }
            guard total >= bytes else { return [] }
            for v in chosen { s.evicting.insert(v.key) }
            return chosen
        }
        var released = 0
        for victim in victims {
            // A block that cannot be written to disk is dropped: the driver recomputes it if needed.
            let onDisk = victim.level == .memoryAndDisk ? try? writeToDisk(victim.key, victim.batches) : nil
            state.withLock { s in
                s.evicting.remove(victim.key)
                // Only the copy chosen above: a newer put or a remove may have replaced it meanwhile.
                guard s.blocks[victim.key]?.stored == victim.stored else {
                    if let (path, _) = onDisk { FileOps.remove(path) }
                    return
                }
                drop(victim.key, &s)
                if let (path, fileBytes) = onDisk {
                    s.clock += 1
                    s.blocks[victim.key] = Entry(.disk(path: path, bytes: fileBytes), at: s.clock)
                }
                released += victim.bytes
            }
        }
        return released
    }

    /// Removes a block and releases what it holds (storage memory or its file). Under the lock.
    private func drop(_ key: Key, _ s: inout State) {
        guard let entry = s.blocks.removeValue(forKey: key) else { return }
        switch entry.block {
        case .memory(_, let bytes, _): memory?.releaseStorage(bytes)
        case .disk(let path, _): FileOps.remove(path)
        }
        s.version += 1
    }

    /// Writes a block's batches as one zstd frame to its file; returns the path and the file's size.
    private func writeToDisk(_ key: Key, _ batches: [ColumnarBatch]) throws -> (String, Int64) {
        var encoded: [UInt8] = []
        for b in batches { BatchCodec.encode(b, into: &encoded) }
        let compressor = try ZstdCompressor(level: 1)
        var frame: [UInt8] = []
        try encoded.withUnsafeBytes { try compressor.compressFrame($0, appendingTo: &frame) }
        // A new private file per copy (PosixFile.create: exclusive, 0600): a copy being read is never
        // overwritten, and a full disk fails the task (retried), not the block.
        let path = "\(directory)/rdd_\(key.cacheId)_\(key.partition)_\(FileOps.randomToken())"
        do {
            let file = try PosixFile.create(path)
            try frame.withUnsafeBytes { try file.write($0) }
        } catch {
            FileOps.remove(path)
            throw error
        }
        return (path, Int64(frame.count))
    }
}
