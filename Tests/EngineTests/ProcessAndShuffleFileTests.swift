// The real thing: tasks run in executor processes other than the driver, on more than one of
// them; the shuffle files a job leaves in the application directory have the documented format.

import Engine
@_spi(EmberInternal) import Executor
import Foundation
import Testing

@Suite(.serialized) struct ProcessAndShuffleFileTests {
    @Test func tasksRunInSeveralExecutorProcesses() throws {
        let dir = ScratchDir("procs")
        defer { dir.cleanup() }
        let input = dir.write("words.txt", randomText(lines: 4000, vocabulary: 200, skew: false, seed: 1))
        let session = try makeSession(executors: 3, cores: 2, partitions: 12, maxPartitionBytes: 2048)
        defer { session.stop() }
        #expect(session.executorCount == 3)
        let pids = Set(session.executorPIDs)
        #expect(pids.count == 3)
        #expect(!pids.contains(getpid()))
        for pid in pids { #expect(kill(pid, 0) == 0, "executor \(pid) is a live process") }
        _ = try WordCountJob.dataFrame(session, inputs: [input]).collect()
        let ranOn = Set(session.lastJobTasks.map(\.executorPid))
        #expect(!ranOn.contains(getpid()))
        #expect(ranOn.isSubset(of: pids))
        #expect(ranOn.count >= 2, "tasks ran on \(ranOn.count) executor(s)")
        session.stop()
        usleep(200_000)
        for pid in pids { #expect(kill(pid, 0) != 0, "executor \(pid) exited after stop()") }
    }

    @Test func shuffleFilesHaveTheIndexedZstdFormat() throws {
        let dir = ScratchDir("format")
        defer { dir.cleanup() }
        let rows = randomGroupRows(count: 4000, distinctKeys: 300, nullRate: 10, skew: false, seed: 21)
        let input = dir.write("in.csv", csvText(rows, nullToken: ""))
        let session = try makeSession(executors: 2, cores: 2, partitions: 7, maxPartitionBytes: 8192)
        defer { session.stop() }
        let df = try session.read.option("header", true).option("inferSchema", true).csv(input)
            .groupBy("k1").agg(count(col("*")), sum("x"))
        _ = try df.collect()
        let files = try FileManager.default.contentsOfDirectory(atPath: session.appDir)
        let dataFiles = files.filter { $0.hasPrefix("shuffle_") && $0.hasSuffix("_0.data") }.sorted()
        #expect(dataFiles.count >= 2, "one data file per map task, found \(dataFiles)")
        #expect(!files.contains { $0.hasSuffix(".tmp") }, "no temp files are left behind")
        var nonEmptyPartitions = 0
        for name in dataFiles {
            let base = String(name.dropLast(".data".count))
            #expect(name.range(of: #"^shuffle_\d+_\d+_0\.data$"#, options: .regularExpression) != nil)
            let data = try Data(contentsOf: URL(fileURLWithPath: session.appDir + "/" + name))
            let index = try Data(contentsOf: URL(fileURLWithPath: session.appDir + "/" + base + ".index"))
            #expect(index.count == (7 + 1) * 8, "index holds P + 1 offsets")
            let offsets = (0..<(index.count / 8)).map { i in
                index[(i * 8)..<(i * 8 + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }   // big-endian
            }
            #expect(offsets.first == 0)
            #expect(offsets.last == UInt64(data.count))
            #expect(zip(offsets, offsets.dropFirst()).allSatisfy { $0 <= $1 }, "offsets are monotone")
            for p in 0..<(offsets.count - 1) where offsets[p + 1] > offsets[p] {
                nonEmptyPartitions += 1
                let start = Int(offsets[p])
                let magic = data[start..<(start + 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                #expect(magic == 0xFD2F_B528, "partition \(p) of \(name) starts with a zstd frame")
            }
        }
        #expect(nonEmptyPartitions > 7)
    }
}

@Suite struct SecretHandshakeTests {
    @Test func connectionsWithoutTheSecretAreRefused() throws {
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        for secret in ["wrong", ""] {
            let connection = FrameConnection(fd: try LoopbackSocket.connect(session.driverAddress))
            try connection.send(ExecutorMessage.register(ExecutorRegistration(
                secret: secret, executorId: ExecutorID("99"), pid: getpid(), host: "intruder", cores: 8)))
            #expect(throws: (any Error).self) { _ = try connection.receive(DriverMessage.self) }
        }
        // A connection that sends garbage first is closed too.
        let raw = FrameConnection(fd: try LoopbackSocket.connect(session.driverAddress))
        _ = [UInt8](repeating: 0xFF, count: 16).withUnsafeBytes { send(raw.fd, $0.baseAddress, 16, 0) }
        #expect(throws: (any Error).self) { _ = try raw.receive(DriverMessage.self) }
        // The session still has only its own executor and still works.
        #expect(session.executorCount == 1)
        let dir = ScratchDir("secret")
        defer { dir.cleanup() }
        #expect(try session.read.text(dir.write("a.txt", "x\ny\n")).count() == 2)
    }
}
