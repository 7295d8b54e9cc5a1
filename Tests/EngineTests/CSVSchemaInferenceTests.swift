// CSVSchemaInferenceTests: inferSchema's type widening over sampled rows.

import Foundation
import Testing
@_spi(EmberInternal) @testable import Executor
@_spi(EmberInternal) import Planner

@Suite struct CSVSchemaInferenceTests {
    func infer(_ text: String, header: Bool = true, inferSchema: Bool = true, comment: UInt8? = nil) throws -> StructType {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = try dir.write("s.csv", text)
        var options = CSVOptions()
        options.header = header
        options.inferSchema = inferSchema
        options.comment = comment
        return try CSVSchemaInference.inferSchema(paths: [path], options: options)
    }

    @Test func types() throws {
        let schema = try infer("""
            l,d,ld,b,dt,ts,dts,lb,nul,big,s,sp
            1,1.5,1,true,2024-01-01,2024-01-01 10:00:00,2024-01-01,1,,99999999999999999999,x,1
            -7,2e3,2.5,FALSE,2024-02-29,2024-01-01T10:00:00.123,2024-01-01 10:00:00,true,,1,3,
            ,NaN,,,,,,,,,,a b

            """)
        #expect(schema == StructType([
            StructField("l", .long), StructField("d", .double), StructField("ld", .double), StructField("b", .boolean),
            StructField("dt", .date), StructField("ts", .timestamp), StructField("dts", .timestamp),
            StructField("lb", .string), StructField("nul", .string), StructField("big", .double),
            StructField("s", .string), StructField("sp", .string),
        ]))
    }

    @Test func namesAndModes() throws {
        #expect(try infer("1,x\n2,y\n", header: false) == StructType([StructField("_c0", .long), StructField("_c1", .string)]))
        #expect(try infer("a,b\n1,2\n", inferSchema: false) == StructType([StructField("a", .string), StructField("b", .string)]))
        #expect(try infer("a,,A,\"c,d\",a\n").names == ["a0", "_c1", "A2", "c,d", "a4"])
        #expect(try infer("# comment\n\n  \nh1,h2\n1,2\n", comment: UInt8(ascii: "#")).names == ["h1", "h2"])
        #expect(try infer("# c\nh1\n").names == ["# c"])   // comments are off by default, as in Spark
        #expect(try infer("", header: false) == StructType([]))
    }

    @Test func emptyFileWithHeaderIsAnError() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        let path = try dir.write("empty.csv", "")
        var options = CSVOptions()
        options.header = true
        for body in [{ _ = try CSVSchemaInference.inferSchema(paths: [path], options: options) },
                     { _ = try CSVSchemaInference.header(path: path, options: options) }] {
            let error = scanCaughtError(body)
            #expect(error?.code == .input)
            #expect(error?.context("file") == path)
        }
    }

    @Test func directoryOfFiles() throws {
        let dir = try ScanDir()
        defer { dir.cleanup() }
        try dir.write("part-0.csv", "")
        try dir.write("part-1.csv", "k,v\n1,2\n")
        try dir.write("part-2.csv", "k,v\n3,4.5\n")
        try dir.write(".part-3.csv.crc", "garbage")
        var options = CSVOptions()
        options.header = true
        options.inferSchema = true
        #expect(try CSVSchemaInference.header(path: dir.path, options: options) == ["k", "v"])
        #expect(try CSVSchemaInference.inferSchema(paths: [dir.path], options: options)
                == StructType([StructField("k", .long), StructField("v", .double)]))
    }
}

// MARK: - Writer

