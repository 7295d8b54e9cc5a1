// The tuned aggregate and scans: a Final aggregate that does not fit spills into hash buckets and
// still gives exact results; a Partial aggregate that does not reduce backs off to pass-through;
// the fused word-count operator equals the unfused plan and a naive reference; a sampled CSV schema
// that a later value contradicts is re-inferred from every record.

import Engine
import Foundation
import Testing
@_spi(EmberInternal) import Planner

@Suite(.serialized) struct AggregateTuningTests {
    @Test func finalAggregateSpillsAndPartialBacksOff() throws {
        // 8 MiB executors: about 1.2 MB of execution memory per task.
        let session = try makeSession(executors: 2, cores: 2, partitions: 2, memory: 8 << 20)
        defer { session.stop() }
        let n: Int64 = 400_000
        let df = session.range(0, 2 * n, numPartitions: 4)
            .select((col("id") % n).alias("k"), col("id").alias("v"))
            .groupBy("k").agg(count(col("*")).alias("c"), sum("v").alias("s"), min("v").alias("lo"), max("v").alias("hi"))
        let (_, batches) = try df.collectBatches()
        var rows = 0
        var bad = 0
        for b in batches {
            guard case .long(let k) = b.columns[0].values, case .long(let c) = b.columns[1].values,
                  case .long(let s) = b.columns[2].values, case .long(let lo) = b.columns[3].values,
                  case .long(let hi) = b.columns[4].values else { Issue.record("unexpected column types"); return }
            for i in 0..<b.numRows where c[i] != 2 || s[i] != 2 * k[i] + n || lo[i] != k[i] || hi[i] != k[i] + n { bad += 1 }
            rows += b.numRows
        }
        #expect(rows == Int(n))
        #expect(bad == 0)
        let spills = session.lastJobTasks.reduce(0) { $0 + $1.metrics.spillCount }
        #expect(spills > 0, "200,000 groups per reducer cannot fit in ~1.2 MB")
    }

    @Test func fusedWordCountEqualsTheReferenceForOtherShapes() throws {
        let dir = ScratchDir("fused")
        defer { dir.cleanup() }
        let text = randomText(lines: 800, vocabulary: 300, skew: true, seed: 5)
        let input = dir.write("t.txt", text)
        let session = try makeSession(executors: 2, cores: 1, partitions: 3)
        defer { session.stop() }
        // Whitespace tokens, case kept, empty tokens counted: fused with lowercase and dropEmpty off.
        let df = try session.read.text(input).select(explode(split(col("value"), "\\s+")).alias("w")).groupBy("w").count()
        #expect(try df.explainString(false).contains("TokenCount"))
        // Reference on bytes: lines end at \n (a trailing \r is dropped), tokens split at runs of \s.
        var expected: [String: Int64] = [:]
        let whitespace: Set<UInt8> = [9, 10, 11, 12, 13, 32]
        var lines = Array(text.utf8).split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for var line in lines {
            if line.last == 13 { line.removeLast() }
            var token: [UInt8] = []
            var i = 0
            while i < line.count {
                if whitespace.contains(line[i]) {
                    expected[String(decoding: token, as: UTF8.self), default: 0] += 1
                    token = []
                    while i < line.count && whitespace.contains(line[i]) { i += 1 }
                } else {
                    token.append(line[i])
                    i += 1
                }
            }
            expected[String(decoding: token, as: UTF8.self), default: 0] += 1
        }
        let got = Dictionary(uniqueKeysWithValues: try df.collect().map { ($0[0].stringValue ?? "<null>", $0[1].longValue ?? -1) })
        #expect(got.count == expected.count)
        let differing = expected.filter { got[$0.key] != $0.value }.prefix(3)
        #expect(differing.isEmpty, "first differences: \(Array(differing)) vs \(differing.map { got[$0.key] ?? -1 })")
        // A pattern that is not one character class runs the general plan, with the same meaning.
        let general = try session.read.text(input).select(explode(split(col("value"), "\\s+|,")).alias("w"))
            .filter(col("w") =!= "").groupBy(lower(col("w")).alias("w")).count()
        #expect(!(try general.explainString(false).contains("TokenCount")))
        #expect(try general.count() > 0)
    }

    @Test func sampledSchemaIsVerifiedAndReinferred() throws {
        let dir = ScratchDir("sample")
        defer { dir.cleanup() }
        var text = "k,x\n"
        for i in 0..<30 { text += "a,\(i)\n" }
        text += "b,2.5\n"
        let input = dir.write("in.csv", text)
        let session = try makeSession(executors: 1, cores: 2)
        defer { session.stop() }
        let sampled = try session.read.option("header", true).option("inferSchema", true).option("inferSchemaSampleRows", "10").csv(input)
        #expect(try sampled.schema().fields[1].dataType == .long)
        let error = #expect(throws: EmberError.self) { _ = try sampled.groupBy("k").agg(sum("x")).collect() }
        #expect(error?.context("inferredTypeMismatch") == "true")
        #expect(error?.message.contains("2.5") == true)
        let specs = try GroupByJob.parseAggregates("count,sum(x)")
        let rows = try GroupByJob.run(session, input: input, keys: ["k"], aggregates: specs) { try $0.collect() }
        #expect(rows.map(\.description) == ["[a,30,435.0]", "[b,1,2.5]"])
    }
}
