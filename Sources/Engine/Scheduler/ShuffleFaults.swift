// ShuffleFaults: damages a committed map output on disk, for FaultInjection.corruptShuffleOutput.

import Foundation
@_spi(EmberInternal) import Shuffle
#if canImport(Glibc)
import Glibc
#endif

enum ShuffleFaults {
    static func corrupt(_ status: MapStatus, _ kind: ShuffleCorruption) {
        switch kind {
        case .flipByte:
            guard let handle = FileHandle(forUpdatingAtPath: status.dataPath) else { return }
            defer { try? handle.close() }
            // The middle of the first non-empty partition: inside a zstd frame, past its header.
            var offset: Int64 = 0
            for length in status.partitionLengths {
                if length > 0 {
                    offset += length / 2
                    break
                }
                offset += length
            }
            try? handle.seek(toOffset: UInt64(offset))
            let byte = (try? handle.read(upToCount: 1))?.first ?? 0
            try? handle.seek(toOffset: UInt64(offset))
            try? handle.write(contentsOf: [byte ^ 0x5A])
        case .truncateData:
            _ = Glibc.truncate(status.dataPath, off_t(status.partitionLengths.reduce(0, +) / 2))
        case .truncateIndex:
            _ = Glibc.truncate(status.indexPath, off_t(status.partitionLengths.count * 8 / 2))
        case .deleteData:
            unlink(status.dataPath)
        case .deleteIndex:
            unlink(status.indexPath)
        }
    }
}
