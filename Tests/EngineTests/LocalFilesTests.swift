// Files on a shared machine. Everything a real job creates is private to its user: the application
// directory 0700 (mkdtemp-style, never an existing one), shuffle files, cached blocks, executor logs
// and the output's temp file 0600, the event log 0600 in a per-user 0700 directory. An event-log
// directory that someone else could control (a symlink, another user's, writable by others) is
// refused with a clear error. As root, the tests also run the `ember` tool as two other users one
// after the other: both jobs succeed and neither user can read the other's (or root's) files.

@_spi(EmberInternal) @testable import Engine
@_spi(EmberInternal) import Executor
import Foundation
import Testing

func fileMode(_ path: String) -> mode_t? {
    var st = stat()
    return lstat(path, &st) == 0 ? st.st_mode & 0o7777 : nil
}

@Suite(.serialized) struct LocalFilesTests {
    var ember: String { productsDirectory().appendingPathComponent("ember").path }

    @Test func everythingAJobCreatesIsPrivate() throws {
        let dir = ScratchDir("modes")
        defer { dir.cleanup() }
        try FileManager.default.createDirectory(atPath: dir.file("out"), withIntermediateDirectories: true)
        var config = SessionConfig()
        config.master = .local(executors: 2, cores: 1, memory: 256 << 20)
        config.shufflePartitions = 3
        config.localDir = dir.file("local")
        config.eventLogDir = dir.file("events")
        config.uiEnabled = false
        config.printRootCauseReport = false
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        // The stage writing the parts waits (stage 0 samples the sort keys, stage 1 aggregates), so
        // the output's temp file and the parts' directory can be seen while the job runs.
        config.faults.delayTasks = [(TaskSelector(stage: 2, partition: 0), 2000)]
        let session = try Session(config: config)
        defer { session.stop() }
        let df = session.range(0, 20_000, numPartitions: 4).persist(.diskOnly)
            .groupBy((col("id") % 5).alias("k")).count().orderBy("k")
        let output = dir.file("out/result.csv")
        let writer = Thread { try? df.write.option("header", true).singleFile(output) }
        writer.start()

        // A temp file holding part of the rows must be private. Its mode is set right after it is
        // created empty, and set to the ordinary one once it is complete, just before the rename:
        // an empty or a complete temp file may be seen with either mode.
        var tempModes: [String: mode_t] = [:]
        var partsModes: [String: mode_t] = [:]
        var samples: [(mode: mode_t, size: Int64)] = []
        let deadline = Date(timeIntervalSinceNow: 120)
        while !FileManager.default.fileExists(atPath: output) && Date() < deadline {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.file("out"))) ?? [] where name.hasSuffix(".ember-tmp") {
                var st = stat()
                guard lstat(dir.file("out/" + name), &st) == 0 else { continue }
                tempModes[name] = st.st_mode & 0o777
                samples.append((st.st_mode & 0o777, Int64(st.st_size)))
            }
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.file("out"))) ?? [] where name.hasPrefix(".ember-parts-") {
                partsModes[name] = fileMode(dir.file("out/" + name))
            }
            usleep(2_000)
        }
        #expect(FileManager.default.fileExists(atPath: output), "the job finished")
        #expect(!tempModes.isEmpty, "the output's temp file was seen while the job ran")
        let finalSize = Int64((try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0)
        let partial = samples.filter { $0.size > 0 && $0.size < finalSize }
        #expect(partial.allSatisfy { $0.mode == 0o600 }, "\(partial)")
        #expect(!partsModes.isEmpty && partsModes.values.allSatisfy { $0 == 0o700 }, "the parts' directory is private: \(partsModes)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("out")) == ["result.csv"], "the parts' directory is gone")
        #expect(fileMode(output) == OutputPath.defaultFileMode(), "the finished output has an ordinary file's mode")

        // The application directory, walked before stop() removes it.
        #expect(session.appDir.hasPrefix(dir.file("local") + "/ember-"))
        #expect(fileMode(session.appDir) == 0o700)
        let entries = try FileManager.default.contentsOfDirectory(atPath: session.appDir)
        #expect(entries.contains("driver"))
        #expect(entries.contains { $0.hasPrefix("executor-") && $0.hasSuffix(".stderr") })
        // Data + index of 4 map tasks: the aggregate's exchange is the sort's range exchange.
        #expect(entries.filter { $0.hasPrefix("shuffle_") }.count == 8, "\(entries)")
        // 4 cached blocks on disk (the sampling job computes them, and the write job again: a
        // partition it computed on the other executor is cached there too).
        let cachedPartitions = Set(entries.filter { $0.hasPrefix("rdd_") }.map { $0.split(separator: "_")[2] })
        #expect(cachedPartitions == ["0", "1", "2", "3"], "\(entries)")
        for name in entries {
            #expect(fileMode(session.appDir + "/" + name) == 0o600, "\(name)")
        }
        let log = try #require(session.eventLogPath)
        #expect(fileMode(dir.file("events")) == 0o700)
        #expect(fileMode(log) == 0o600)
    }

    @Test func anApplicationDirectoryIsNeverReused() throws {
        let dir = ScratchDir("appdir")
        defer { dir.cleanup() }
        let a = try ApplicationDirectory.create(base: dir.path)
        let b = try ApplicationDirectory.create(base: dir.path)
        #expect(a.path != b.path)
        #expect(a.appId.count == "ember-".count + 13 + 1 + 16, "millis and 64 random bits: \(a.appId)")
        #expect(fileMode(a.path) == 0o700 && fileMode(a.path + "/driver") == 0o600)
        let marker = try #require(ApplicationDirectory.readMarker(a.path + "/driver"))
        #expect(marker.pid == getpid())
        #expect(marker.startTime == ApplicationDirectory.processStartTime(getpid()))
    }

    @Test func anEventLogDirectoryOthersControlIsRefused() throws {
        let dir = ScratchDir("evdir")
        defer { dir.cleanup() }
        func start(_ eventLogDir: String) -> EmberError? {
            var config = SessionConfig()
            config.master = .local(executors: 1, cores: 1, memory: 64 << 20)
            config.eventLogDir = eventLogDir
            config.uiEnabled = false
            config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
            do {
                let s = try Session(config: config)
                s.stop()
                return nil
            } catch {
                return error as? EmberError
            }
        }
        // A symlink planted in place of the directory.
        try FileManager.default.createDirectory(atPath: dir.file("elsewhere"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.file("link"), withDestinationPath: dir.file("elsewhere"))
        let link = try #require(start(dir.file("link")))
        #expect(link.message == "the event log directory is a symbolic link")
        #expect(link.hint?.contains("--event-log-dir") == true && link.hint?.contains("--no-event-log") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("elsewhere")).isEmpty, "nothing was written through the link")
        // A directory anyone may write to.
        try FileManager.default.createDirectory(atPath: dir.file("open"), withIntermediateDirectories: true)
        chmod(dir.file("open"), 0o777)
        #expect(start(dir.file("open"))?.message == "the event log directory is writable by other users (mode 777)")
        // A file where the directory should be.
        _ = dir.write("file", "x")
        #expect(start(dir.file("file"))?.message == "the event log directory is not a directory")
        // Another user's directory (root can make one).
        if geteuid() == 0 {
            try FileManager.default.createDirectory(atPath: dir.file("theirs"), withIntermediateDirectories: true)
            chown(dir.file("theirs"), 2001, 2001)
            #expect(start(dir.file("theirs"))?.message == "the event log directory belongs to uid 2001, not to this user (uid 0)")
        }
        // A fresh one is created private.
        #expect(start(dir.file("new/events")) == nil)
        #expect(fileMode(dir.file("new/events")) == 0o700)
    }

    /// Runs the `ember` tool as another user (root only).
    func runAs(_ uid: Int, _ arguments: [String], tmp: String) throws -> (Int32, String, String) {
        try runProgram("/usr/bin/setpriv", ["--reuid", String(uid), "--regid", String(uid), "--clear-groups"] + arguments,
                       environment: ["TMPDIR": tmp, "EMBER_EXECUTOR_PATH": ""])
    }

    @Test func twoUsersRunJobsWithoutReadingEachOthersFiles() throws {
        guard geteuid() == 0 else { return }   // needs root to act as two other users
        let dir = ScratchDir("users")
        defer { dir.cleanup() }
        chmod(dir.path, 0o755)
        let tmp = dir.file("tmp")   // a shared temp directory, like /tmp
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        chmod(tmp, 0o1777)
        let rows = randomGroupRows(count: 2000, distinctKeys: 50, nullRate: 0, skew: false, seed: 9)
        let input = dir.write("in.csv", csvText(rows, nullToken: ""))
        chmod(input, 0o644)
        var logs: [Int: String] = [:]
        for uid in [2001, 2002] {
            let out = dir.file("out-\(uid)")
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            chown(out, uid_t(uid), gid_t(uid))
            let (status, _, err) = try runAs(uid, [ember, "groupby", input, "--by", "k1", "--output", out + "/r.csv", "--executors", "1", "--no-ui"], tmp: tmp)
            #expect(status == 0, "uid \(uid): \(err)")
            #expect(try readCSV(out + "/r.csv").count == 51)
            let events = tmp + "/ember-events-\(uid)"
            #expect(fileMode(events) == 0o700)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: events)) ?? []
            #expect(names.count == 1)
            logs[uid] = events + "/" + (names.first ?? "?")
            #expect(fileMode(logs[uid]!) == 0o600)
        }
        // Neither can read the other's event log.
        for (reader, owner) in [(2002, 2001), (2001, 2002)] {
            let (status, out, _) = try runProgram("/usr/bin/setpriv", ["--reuid", String(reader), "--regid", String(reader), "--clear-groups",
                                                                       "/bin/cat", logs[owner]!])
            #expect(status != 0 && out.isEmpty, "uid \(reader) read uid \(owner)'s event log")
        }
        // Nor the application directory of a job that is running (root's here).
        var config = SessionConfig()
        config.master = .local(executors: 1, cores: 1, memory: 64 << 20)
        config.localDir = tmp
        config.eventLogDir = nil
        config.uiEnabled = false
        config.executorPath = productsDirectory().appendingPathComponent("ember-executor").path
        let session = try Session(config: config)
        defer { session.stop() }
        _ = try session.range(0, 1000).groupBy((col("id") % 3).alias("k")).count().collect()
        let shuffle = try #require(try FileManager.default.contentsOfDirectory(atPath: session.appDir).first { $0.hasSuffix(".data") })
        for argv in [["/bin/cat", session.appDir + "/" + shuffle], ["/bin/ls", session.appDir]] {
            let (status, out, _) = try runProgram("/usr/bin/setpriv", ["--reuid", "2002", "--regid", "2002", "--clear-groups"] + argv)
            #expect(status != 0 && out.isEmpty, "uid 2002 ran \(argv)")
        }
    }
}
