// DirectoryOutputTests: `write.csv(dir)` / `write.format(…).save(dir)` as Spark writes them: one
// part file per task from the executors, committed through `_temporary` and a job commit ending
// with `_SUCCESS`; every save mode; a job that fails or is killed mid-write leaves no visible output.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct DirectoryOutputTests {
    @Test func writesOnePartPerTaskAndSuccess() throws {
        let dir = ScratchDir("dirout")
        defer { dir.cleanup() }
        let session = try makeSession(executors: 2, cores: 2)
        defer { session.stop() }
        let out = dir.file("out")
        try session.range(0, 1000, numPartitions: 4).write.option("header", true).csv(out)
        let files = treeListing(out)
        #expect(files.contains("_SUCCESS"))
        let parts = files.filter { $0 != "_SUCCESS" }
        #expect(parts.count == 4 && parts.allSatisfy { isPartName($0, ext: "csv") }, "\(files)")
        #expect(Set(parts.map { String($0.dropFirst(11).prefix(36)) }).count == 1, "one uuid per job")
        let back = try session.read.option("header", true).option("inferSchema", true).csv(out).collect().map { $0[0] as Value }
        #expect(back.compactMap(\.longValue).sorted() == Array(0..<1000))
    }
}
