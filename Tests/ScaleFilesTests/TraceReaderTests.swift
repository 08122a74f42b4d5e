import Foundation
import ScaleFiles
import ScaleSim
import Testing

@Suite struct TraceReaderTests {
    @Test func plainTraceNumbersKeysByFirstAppearance() throws {
        let trace = try TraceReader.parse("b\na\nb\nc\na\n", file: "t")
        #expect(trace == KeyTrace(keys: [0, 1, 0, 2, 1], distinctKeys: 3))
    }

    @Test func aPlainLineReadingKeyIsAKey() throws {
        let trace = try TraceReader.parse("key\nx\nkey", file: "t")
        #expect(trace.keys == [0, 1, 0])
        #expect(trace.times == nil && trace.writes == nil)
    }

    @Test func plainLinesLoseSpacesCRLFAndTheByteOrderMark() throws {
        let trace = try TraceReader.parse("\u{FEFF}a\r\n\r\n  b \t\r\n\n a\nb", file: "t")
        #expect(trace.keys == [0, 1, 0, 1])
    }

    @Test func aFirstLineWithCommasButNoKeyFieldIsPlain() throws {
        let trace = try TraceReader.parse("a,b\nc\na,b\n", file: "t")
        #expect(trace.keys == [0, 1, 0])
        #expect(trace.distinctKeys == 2)
    }

    @Test func csvWithTimeAndOp() throws {
        let text = """
            key,time,op
            x,0.5,read
            y,1,GET
            x,1.25,write
            x,2,Set
            y,2,get
            """
        let trace = try TraceReader.parse(text, file: "t")
        #expect(trace.keys == [0, 1, 0, 0, 1])
        #expect(trace.times == [500_000_000, 1_000_000_000, 1_250_000_000, 2_000_000_000, 2_000_000_000])
        #expect(trace.writes == [false, false, true, true, false])
        #expect(trace.distinctKeys == 2)
    }

    @Test func csvColumnsMayComeInAnyOrderWithOthersAndAnyCase() throws {
        let trace = try TraceReader.parse("size,Key\n10, a \n20,b\n30,a\n", file: "t")
        #expect(trace == KeyTrace(keys: [0, 1, 0], distinctKeys: 2))
    }

    @Test func csvHeaderOnlyGivesAnEmptyTraceWithItsColumns() throws {
        let trace = try TraceReader.parse("key,time\n", file: "t")
        #expect(trace == KeyTrace(keys: [], times: [], distinctKeys: 0))
    }

    @Test func emptyTrace() throws {
        #expect(try TraceReader.parse("", file: "t") == KeyTrace(keys: [], distinctKeys: 0))
        #expect(try TraceReader.parse("\n\n", file: "t") == KeyTrace(keys: [], distinctKeys: 0))
    }

    @Test func quotedFieldsMayHoldCommasAndQuotes() throws {
        let text = #"""
            key,op
            "a,b",read
            "say ""hi""" ,read
            "a,b",write
            say "hi",read
            """#
        let trace = try TraceReader.parse(text, file: "t")
        // Quotes inside an unquoted field are kept: the last key is the second one again.
        #expect(trace.keys == [0, 1, 0, 1])
        #expect(trace.writes == [false, false, true, false])
    }

    @Test(
        arguments: [
            ("3", 3_000_000_000),
            ("0.000000001", 1),
            (".5", 500_000_000),
            ("12.", 12_000_000_000),
            ("0.0000000015", 2),
            ("0.0000000014", 1),
            ("9223372036", 9_223_372_036_000_000_000),
        ] as [(String, SimTime)])
    func timesAreSecondsToTheNearestNanosecond(text: String, nanos: SimTime) throws {
        let trace = try TraceReader.parse("key,time\na,\(text)\n", file: "t")
        #expect(trace.times == [nanos])
    }

    /// (what is wrong, the trace, the line the error must name, words the message must hold)
    static let badTraces: [(String, String, Int, String)] = [
        ("too few fields", "key,time\na,1\nb\n", 3, "expected 2 fields"),
        ("too many fields", "key,time\na,1,2\n", 2, "found 3"),
        ("a time that is not a number", "key,time\na,1\nb,soon\n", 3, "time: expected a time in seconds"),
        ("a negative time", "key,time\na,-1\n", 2, "\"-1\""),
        ("a time beyond SimTime", "key,time\na,9223372037\n", 2, "time"),
        ("times going backwards", "key,time\na,2\nb,1.5\n", 3, "1.5 s is earlier than the request before (2 s)"),
        ("an unknown op", "key,op\na,read\nb,delete\n", 3, "op: expected read, get, write or set, got \"delete\""),
        ("an empty key", "key,time\na,1\n ,2\n", 3, "empty key"),
        ("an unclosed quote", "key,time\n\"a,1\n", 2, "not closed"),
        ("text after a closing quote", "key,time\n\"a\"b,1\n", 2, "after a closing quote"),
        ("a column named twice", "key,time,time\na,1,2\n", 1, "\"time\" twice"),
    ]

    @Test(arguments: 0..<badTraces.count)
    func badTracesNameTheLine(index: Int) throws {
        let (name, text, line, words) = Self.badTraces[index]
        let error = #expect(throws: PresetError.self, "\(name)") { try TraceReader.parse(text, file: "bad.csv") }
        #expect(error?.file == "bad.csv", "\(name)")
        #expect(error?.line == line, "\(name): \(String(describing: error))")
        #expect(error?.description.contains(words) == true, "\(name): \(String(describing: error))")
    }

    @Test func errorsAreSafeForATerminal() throws {
        let error = #expect(throws: PresetError.self) { try TraceReader.parse("key,op\na,\u{1B}[31mred\n", file: "t") }
        #expect(error?.description.contains("\u{1B}") == false)
    }

    @Test func readsAFileInChunksAsParseDoes() throws {
        // About 8 MiB: lines cross the reader's chunk boundaries many times.
        var text = "key,time,op\n"
        var random = Xoshiro256StarStar(seed: 1)
        for i in 0..<400_000 {
            let key = String(repeating: "k", count: random.below(20)) + String(random.below(50_000))
            text += "\(key),\(i / 10).\(i % 10),\(random.below(5) == 0 ? "write" : "read")\r\n"
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString).csv")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let read = try TraceReader.read(path: file.path)
        #expect(read == (try TraceReader.parse(text, file: file.path)))
        #expect(read.keys.count == 400_000)
        #expect(read.distinctKeys > 10_000)
    }

    @Test(arguments: [1, 3 * TraceReader.maxLineLength])
    func aLineLongerThanTheLimitIsRefused(bytesAfter: Int) throws {
        // The long line either fits in one chunk with the lines around it, or does not.
        let long = String(repeating: "x", count: TraceReader.maxLineLength + 1)
        let text = "a\nb\n" + long + "\n" + String(repeating: "c", count: bytesAfter) + "\n"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString).txt")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let error = #expect(throws: PresetError.self) { try TraceReader.read(path: file.path) }
        #expect(error?.line == 3)
        #expect(error?.message.contains("longer than") == true)
    }

    @Test func missingFilesAndWhatIsNotARegularFileAreNamed() throws {
        let missing = #expect(throws: PresetError.self) { try TraceReader.read(path: "/nonexistent/trace.txt") }
        #expect(missing?.description == "/nonexistent/trace.txt: no such file")
        let folder = FileManager.default.temporaryDirectory.path
        let directory = #expect(throws: PresetError.self) { try TraceReader.read(path: folder) }
        #expect(directory?.description == "\(folder): this is a directory, not a key trace")
        // A preset's trace must be a regular file: a FIFO is refused without waiting for a writer.
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString).fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        for path in [fifo, "/dev/zero", "/dev/urandom"] {
            let error = #expect(throws: PresetError.self) { try TraceReader.read(path: path) }
            #expect(
                error?.message.hasSuffix("not a key trace: it must be a regular file") == true,
                "\(path): \(String(describing: error))")
        }
    }

    /// Limits small enough to reach in a test.
    static let small = TraceLimits(maxLineLength: 64, maxDistinctKeys: 3, maxKeyBytes: 10, maxRequests: 6)

    /// (text, the line that goes past a limit of `small`, words of the message)
    static let pastTheLimits: [(String, Int, String)] = [
        ("a\nb\nc\nd\n", 4, "more than 3 distinct keys"),
        ("abcd\nefgh\nijkl\n", 3, "the distinct keys take more than"),
        ("a\na\na\n\n\na\na\na\na\n", 9, "more than 6 requests"),
        ("a\n" + String(repeating: "x", count: 65) + "\n", 2, "line longer than 64 bytes"),
    ]

    @Test(arguments: 0..<pastTheLimits.count)
    func aTracePastItsLimitsIsRefusedAtTheLineThatWentPast(index: Int) throws {
        let (text, line, words) = Self.pastTheLimits[index]
        let error = #expect(throws: PresetError.self) { try TraceReader.parse(text, file: "t", limits: Self.small) }
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.message.contains(words) == true, "\(String(describing: error))")
        // At the limits exactly, the trace reads.
        #expect(try TraceReader.parse("a\nbb\ncccc\na\nbb\n\ncccc\n", file: "t", limits: Self.small).keys == [0, 1, 2, 0, 1, 2])
    }

    @Test func aStreamGivesBatchesThatAddUpToTheWholeTrace() throws {
        var text = "key,time,op\n"
        for i in 0..<30_000 { text += "k\(i % 977),\(i / 10).\(i % 10),\(i % 7 == 0 ? "write" : "read")\n" }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString).csv")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let whole = try TraceReader.read(path: file.path)
        let stream = try TraceStream(path: file.path, batchSize: 1_000)
        var joined = KeyTrace(keys: [], times: [], writes: [], distinctKeys: 0)
        var batches = 0
        while let batch = try stream.next() {
            joined.keys += batch.keys
            joined.times? += batch.times ?? []
            joined.writes? += batch.writes ?? []
            joined.distinctKeys = batch.distinctKeys
            batches += 1
        }
        #expect(stream.isFinished)
        #expect(batches > 1, "a 400 KiB file gives more than one batch of 1,000")
        #expect(joined == whole)
    }

    @Test func anEmptyStreamGivesOneEmptyBatch() throws {
        let stream = try TraceStream(path: "/dev/null")
        let batch = try stream.next()
        #expect(batch == KeyTrace(keys: [], distinctKeys: 0))
        #expect(stream.isFinished)
        #expect(try stream.next() == nil)
    }

    /// `yes` into a FIFO: one key forever. The request limit ends it, naming the line.
    @Test func anEndlessStreamEndsAtTheRequestLimit() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString).fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "exec yes > '\(fifo)'"]
        try writer.run()
        defer {
            writer.terminate()
            writer.waitUntilExit()
        }
        let limits = TraceLimits(maxLineLength: 1 << 20, maxDistinctKeys: 10, maxKeyBytes: 100, maxRequests: 3_000_000)
        let stream = try TraceStream(path: fifo, limits: limits, batchSize: 1 << 20)
        var requests = 0
        let error = #expect(throws: PresetError.self) {
            while let batch = try stream.next() { requests += batch.keys.count }
        }
        #expect(error?.file == fifo)
        #expect(error?.line == 3_000_001, "\(String(describing: error))")
        #expect(error?.message == "more than 3000000 requests, the most a trace may hold")
        #expect(requests >= 2_000_000, "batches of about a million came out before the limit")
    }
}
