// The shuffle writer's helper threads: they do their jobs in order, keep the first error, and end
// with their owner on every path, so an executor does not keep one parked thread per map task.

import Foundation
import Synchronization
import Testing
@_spi(EmberInternal) @testable import Shuffle

@Suite struct HelperThreadTests {
    struct Refused: Error {}

    @Test func runsJobsInOrderAndKeepsTheFirstError() throws {
        let seen = Mutex<[(Int, Bool)]>([])
        let helper = HelperThread<Int>(stackSize: 256 << 10) { job, failed in
            seen.withLock { $0.append((job, failed)) }
            if job == 2 { throw Refused() }
        }
        for job in 0..<5 { helper.submit(job) }
        #expect(throws: Refused.self) { try helper.close() }
        #expect(throws: Refused.self) { try helper.close() }   // closing twice is fine
        let log = seen.withLock { $0 }
        #expect(log.map(\.0) == [0, 1, 2, 3, 4])
        #expect(log.map(\.1) == [false, false, false, true, true], "jobs after the failure are only handed back")
    }

    @Test func writersAndPipelinesEndWithTheirThreads() throws {
        let dir = ScratchDir("helper-threads")
        defer { dir.cleanup() }
        weak var finishedWriter: BackgroundFileWriter?
        weak var abandonedWriter: BackgroundFileWriter?
        weak var finishedPipeline: FramePipeline?
        weak var abandonedPipeline: FramePipeline?
        let bytes = [UInt8](repeating: 7, count: 3 << 20)
        try {
            let writer = BackgroundFileWriter(file: try PosixFile.create(dir.file("a")), bufferSize: 1 << 20)
            finishedWriter = writer
            try bytes.withUnsafeBytes { try writer.append($0) }
            try writer.finish()
            let abandoned = BackgroundFileWriter(file: try PosixFile.create(dir.file("b")), bufferSize: 1 << 20)
            abandonedWriter = abandoned
            try bytes.withUnsafeBytes { try abandoned.append($0) }
            abandoned.discard()   // the error path: no finish()

            let compressor = try ZstdCompressor()
            for finish in [true, false] {
                let pipeline = FramePipeline(compressor: compressor, chunkCapacity: 1 << 16)
                if finish { finishedPipeline = pipeline } else { abandonedPipeline = pipeline }
                var frames = 0
                for p in 0..<4 {
                    let input = pipeline.inputBuffer()
                    bytes.prefix(1 << 16).withUnsafeBytes { input.append($0) }
                    try pipeline.submit(.chunk(partition: p, buffer: input)) { if case .chunk = $0 { frames += 1 } }
                }
                if finish {
                    try pipeline.finish { if case .chunk = $0 { frames += 1 } }
                    #expect(frames == 4)
                } else {
                    pipeline.discard()
                }
            }
        }()
        #expect(FileManager.default.contents(atPath: dir.file("a")) == Data(bytes))
        for _ in 0..<100 where finishedWriter != nil || abandonedWriter != nil || finishedPipeline != nil || abandonedPipeline != nil {
            usleep(10_000)   // a helper thread may still be returning from its last job
        }
        #expect(finishedWriter == nil && abandonedWriter == nil, "the writers' threads let go of them")
        #expect(finishedPipeline == nil && abandonedPipeline == nil, "the pipelines' threads let go of them")
    }
}
