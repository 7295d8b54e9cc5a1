// FileSourceFormatTests: the reading protocol's front: formats found by name (with a suggestion for
// a typo), reader options checked by the format they belong to (unknown keys and bad values named
// when the files are read), and the text format's fixed schema.

@_spi(EmberInternal) import Engine
@_spi(EmberInternal) import Executor
import Foundation
import Testing

@Suite struct FileSourceFormatTests {
    func message(_ body: () throws -> Any) -> String? {
        do { _ = try body(); return nil } catch let error as EmberError { return error.message + " / " + (error.hint ?? "") } catch { return "\(error)" }
    }

    @Test func formatsAreFoundByNameAndATypoGetsASuggestion() throws {
        #expect(try FileSourceFormats.named("CSV").name == "csv")
        #expect(try FileSourceFormats.named("text").name == "text")
        let typo = message { try FileSourceFormats.named("csx") }
        #expect(typo?.contains("unknown data source format 'csx'") == true, "\(typo ?? "")")
        #expect(typo?.contains("did you mean 'csv'?") == true, "\(typo ?? "")")
    }

    @Test func optionsAreCheckedByTheirFormatWhenTheFilesAreRead() throws {
        let dir = ScratchDir("source-options")
        defer { dir.cleanup() }
        let path = dir.write("a.csv", "k,v\n1,x\n2,y\n")
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        let typo = message { try session.read.option("hedaer", true).csv(path) }
        #expect(typo?.contains("the csv source takes no option 'hedaer'") == true, "\(typo ?? "")")
        #expect(typo?.contains("did you mean 'header'?") == true, "\(typo ?? "")")
        let bad = message { try session.read.option("sep", ";;").csv(path) }
        #expect(bad?.contains("option sep must be a single character, got ';;'") == true, "\(bad ?? "")")
        let mode = message { try session.read.option("mode", "lenient").csv(path) }
        #expect(mode?.contains("unknown parse mode 'lenient' for option mode") == true, "\(mode ?? "")")
        let text = message { try session.read.option("header", true).text(path) }
        #expect(text?.contains("the text source takes no option 'header'") == true, "\(text ?? "")")
        // Options set in any order before format(…) belong to the format load names; a later value wins.
        let df = try session.read.option("header", false).option("inferSchema", true).format("csv").option("header", true).load(path)
        #expect(try df.schema().fields.map(\.name) == ["k", "v"])
        #expect(try df.collect().map(\.description) == ["[1,x]", "[2,y]"])
    }

    @Test func textReadsOneStringColumnAndRefusesAnotherSchema() throws {
        let dir = ScratchDir("source-text")
        defer { dir.cleanup() }
        let path = dir.write("a.txt", "one\ntwo\n")
        let session = try makeSession(executors: 1, cores: 1)
        defer { session.stop() }
        #expect(try session.read.text(path).collect().map { $0.getString(0) } == ["one", "two"])
        #expect(try session.read.schema("value STRING").format("text").load(path).count() == 2)
        let other = message { try session.read.schema("x BIGINT").text(path) }
        #expect(other?.contains("the text source reads one string column `value`") == true, "\(other ?? "")")
    }
}
