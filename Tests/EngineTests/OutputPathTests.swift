// What an output may replace, through the `ember` tool and through the API: never one of the job's
// inputs (Spark: "Cannot overwrite a path that is also being read from"; the same file is found
// through a symlink or a hard link too), and with overwrite only a regular file, never a FIFO, a
// directory or a symlink. Each refusal leaves what was there untouched.

import Engine
import Foundation
import Testing

@Suite(.serialized) struct OutputPathTests {
    var ember: String { productsDirectory().appendingPathComponent("ember").path }
    let sameFile = "Cannot overwrite a path that is also being read from"

    func groupBy(_ input: String, output: String) throws -> (Int32, String) {
        let (status, _, err) = try runProgram(ember, ["groupby", input, "--by", "k1", "--output", output, "--overwrite",
                                                      "--executors", "1", "--no-ui", "--no-event-log"])
        return (status, err)
    }

    func fileType(_ path: String) -> mode_t? {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : nil
    }

    @Test func theToolRefusesToOverwriteItsInput() throws {
        let dir = ScratchDir("out-same")
        defer { dir.cleanup() }
        let text = csvText(randomGroupRows(count: 300, distinctKeys: 20, nullRate: 0, skew: false, seed: 5), nullToken: "")
        let input = dir.write("in.csv", text)
        try FileManager.default.createSymbolicLink(atPath: dir.file("link.csv"), withDestinationPath: input)
        #expect(link(input, dir.file("hard.csv")) == 0)
        for output in [input, dir.path + "/./in.csv", dir.file("link.csv"), dir.file("hard.csv")] {
            let (status, err) = try groupBy(input, output: output)
            #expect(status == 1, "\(output): \(err)")
            #expect(err.contains(sameFile), "\(output): \(err)")
            #expect(try String(contentsOfFile: input, encoding: .utf8) == text, "the input is untouched")
        }
        // A directory read as input: a file in it is an input too.
        try FileManager.default.createDirectory(atPath: dir.file("words"), withIntermediateDirectories: true)
        let words = dir.write("words/a.txt", "one two two\n")
        let (status, _, err) = try runProgram(ember, ["wordcount", dir.file("words"), "--output", words, "--overwrite", "--no-ui", "--no-event-log"])
        #expect(status == 1 && err.contains(sameFile), "\(err)")
        #expect(try String(contentsOfFile: words, encoding: .utf8) == "one two two\n")
    }

    @Test func theToolOverwritesOnlyRegularFiles() throws {
        let dir = ScratchDir("out-kind")
        defer { dir.cleanup() }
        let input = dir.write("in.csv", csvText(randomGroupRows(count: 100, distinctKeys: 5, nullRate: 0, skew: false, seed: 6), nullToken: ""))
        let fifo = dir.file("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        var (status, err) = try groupBy(input, output: fifo)
        #expect(status == 1 && err.contains("output path is a FIFO"), "\(err)")
        #expect(fileType(fifo) == S_IFIFO, "the FIFO is still a FIFO")
        try FileManager.default.createDirectory(atPath: dir.file("sub"), withIntermediateDirectories: true)
        (status, err) = try groupBy(input, output: dir.file("sub"))
        #expect(status == 1 && err.contains("output path is a directory"), "\(err)")
        #expect(fileType(dir.file("sub")) == S_IFDIR)
        // A regular file that is not an input is replaced, and gets an ordinary file's mode.
        let old = dir.write("old.csv", "old\n")
        (status, err) = try groupBy(input, output: old)
        #expect(status == 0, "\(err)")
        #expect(try String(contentsOfFile: old, encoding: .utf8).hasPrefix("k1,count\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".ember-tmp") }.isEmpty)
    }

    @Test func theAPIRefusesTheSameCases() throws {
        let dir = ScratchDir("out-api")
        defer { dir.cleanup() }
        let text = "k,v\na,1\nb,2\na,3\n"
        let input = dir.write("in.csv", text)
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let df = try session.read.option("header", true).option("inferSchema", true).csv(input).groupBy("k").count().orderBy("k")
        #expect(df.inputFiles == [input])
        let writer = try df.write.mode(.overwrite).option("header", true)
        let same = #expect(throws: EmberError.self) { try writer.csv(input) }
        #expect(same?.message == sameFile)
        #expect(same?.context("input") == input)
        #expect(try String(contentsOfFile: input, encoding: .utf8) == text)
        let fifo = dir.file("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let notRegular = #expect(throws: EmberError.self) { try writer.csv(fifo) }
        #expect(notRegular?.message == "output path is a FIFO; overwrite replaces only directories and regular files")
        #expect(fileType(fifo) == S_IFIFO)
        let target = dir.write("target.csv", "keep\n")
        try FileManager.default.createSymbolicLink(atPath: dir.file("to-target.csv"), withDestinationPath: target)
        let symlink = #expect(throws: EmberError.self) { try writer.csv(dir.file("to-target.csv")) }
        #expect(symlink?.message == "output path is a symbolic link; overwrite replaces only directories and regular files")
        #expect(fileType(dir.file("to-target.csv")) == S_IFLNK)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep\n")
        try writer.csv(dir.file("out.csv"))
        #expect(try readCSVOutput(dir.file("out.csv"), header: true) == [["k", "count"], ["a", "2"], ["b", "1"]])
    }
}
