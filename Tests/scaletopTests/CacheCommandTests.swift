import Foundation
import Testing

/// `scaletop cache`: one cache over a key trace, JSON on stdout (docs/reports.md, "`scaletop cache`").
@Suite struct CacheCommandTests {
    /// Writes `text` to a fresh file named `name` and runs `scaletop cache` on it.
    func runCache(_ text: String, name: String = "trace.txt", _ options: [String]) throws -> CLI.Result {
        let file = try CLI.temporaryDirectory().appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return try CLI.run(["cache", "--trace", file.path] + options)
    }

    /// The report's figures, with `hit_ratio` apart (it may be null).
    func figures(_ result: CLI.Result) throws -> (counts: [String: Int], hitRatio: Double?) {
        #expect(result.status == 0, "\(result.stderr)")
        let report = try CLI.json(result.stdout)
        #expect(report.keys.sorted() == ["evictions", "hit_ratio", "hits", "misses", "requests", "writes"])
        var counts: [String: Int] = [:]
        for key in ["requests", "hits", "misses", "writes", "evictions"] { counts[key] = report[key] as? Int }
        return (counts, report["hit_ratio"] as? Double)
    }

    @Test func handmadeTraceGivesTheHitsWorkedOutByHand() throws {
        // Two entries. LRU: a b miss, a hit, c evicts b, b evicts a, a evicts c, c evicts b.
        let lru = try figures(runCache("a\nb\na\nc\nb\na\nc\n", ["--policy", "lru", "--capacity", "2"]))
        #expect(lru.counts == ["requests": 7, "hits": 1, "misses": 6, "writes": 0, "evictions": 4])
        #expect(lru.hitRatio == 1.0 / 7)
        // LFU keeps a (two uses): c evicts b, b evicts c, a hits, c evicts b.
        let lfu = try figures(runCache("a\nb\na\nc\nb\na\nc\n", ["--policy", "lfu", "--capacity", "2"]))
        #expect(lfu.counts == ["requests": 7, "hits": 2, "misses": 5, "writes": 0, "evictions": 3])
        // FIFO: a b miss, a hit, c evicts a, b hits, a evicts b, c hits.
        let fifo = try figures(runCache("a\nb\na\nc\nb\na\nc\n", ["--policy", "fifo", "--capacity", "2"]))
        #expect(fifo.counts == ["requests": 7, "hits": 3, "misses": 4, "writes": 0, "evictions": 2])
    }

    @Test func outputIsCompactWithSortedKeys() throws {
        let result = try runCache("x\nx\n", ["--policy", "lru", "--capacity", "10"])
        #expect(result.stdout == #"{"evictions":0,"hit_ratio":0.5,"hits":1,"misses":1,"requests":2,"writes":0}"# + "\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func csvWritesInvalidateAndAreNeitherHitNorMiss() throws {
        let text = """
            key,op
            a,read
            a,read
            a,write
            a,read
            b,set
            a,get
            """
        let result = try figures(runCache(text, name: "trace.csv", ["--policy", "lru", "--capacity", "10"]))
        #expect(result.counts == ["requests": 6, "hits": 2, "misses": 2, "writes": 2, "evictions": 0])
        #expect(result.hitRatio == 0.5)
    }

    @Test func ttlExpiresEntriesByTheTimeColumn() throws {
        let text = """
            key,time
            a,0
            a,9.999
            a,10
            a,15
            a,19.5
            """
        // 10 s TTL: stored at 0, hit at 9.999, expired at 10 (refilled), hit at 15, hit at 19.5.
        let result = try figures(runCache(text, name: "trace.csv", ["--policy", "fifo", "--capacity", "1", "--ttl", "10s"]))
        #expect(result.counts == ["requests": 5, "hits": 3, "misses": 2, "writes": 0, "evictions": 0])
        let without = try figures(runCache(text, name: "trace.csv", ["--policy", "fifo", "--capacity", "1"]))
        #expect(without.counts["hits"] == 4)
    }

    @Test(arguments: ["", "key,time\n", "\n\n"])
    func emptyTraceGivesZerosAndANullHitRatio(text: String) throws {
        let result = try runCache(text, ["--policy", "lfu", "--capacity", "5"])
        let report = try figures(result)
        #expect(report.counts == ["requests": 0, "hits": 0, "misses": 0, "writes": 0, "evictions": 0])
        #expect(report.hitRatio == nil)
        #expect(result.stdout.contains(#""hit_ratio":null"#))
    }

    /// (what is wrong, the trace, the options, words the one-line message must hold)
    static let badInputs: [(String, String, [String], String)] = [
        (
            "a row with too few fields", "key,time\na,1\nb\n", ["--policy", "lru", "--capacity", "2"],
            "trace.txt:3: expected 2 fields"
        ),
        ("a bad time", "key,time\na,1\nb,later\n", ["--policy", "lru", "--capacity", "2"], "trace.txt:3: time: expected a time"),
        ("times going backwards", "key,time\na,5\nb,4\n", ["--policy", "lru", "--capacity", "2"], "trace.txt:3: time:"),
        ("an unknown op", "key,op\na,delete\n", ["--policy", "lru", "--capacity", "2"], "trace.txt:2: op:"),
        (
            "--ttl without a time column", "a\nb\n", ["--policy", "lru", "--capacity", "2", "--ttl", "5s"],
            "--ttl needs a time column"
        ),
        ("a bad --ttl", "a\n", ["--policy", "lru", "--capacity", "2", "--ttl", "soon"], "--ttl: expected a duration"),
        (
            "a zero --ttl", "key,time\na,1\n", ["--policy", "lru", "--capacity", "2", "--ttl", "0s"],
            "--ttl: must be longer than zero"
        ),
        ("an unknown policy", "a\n", ["--policy", "mru", "--capacity", "2"], "--policy: expected lru, lfu or fifo"),
        ("a zero capacity", "a\n", ["--policy", "lru", "--capacity=0"], "--capacity: expected 1 to"),
        ("a huge capacity", "a\n", ["--policy", "lru", "--capacity", "99999999999"], "--capacity: expected 1 to"),
    ]

    @Test(arguments: 0..<badInputs.count)
    func badInputEndsWithOneMessageAndStatus2(index: Int) throws {
        let (name, text, options, words) = Self.badInputs[index]
        let result = try runCache(text, options)
        #expect(result.status == 2, "\(name): status \(result.status)")
        #expect(result.stdout.isEmpty, "\(name)")
        let message = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!message.contains("\n"), "\(name): one line, got \(message)")
        #expect(message.hasPrefix("scaletop: "), "\(name): \(message)")
        #expect(message.contains(words), "\(name): \(message)")
    }

    @Test func aMissingTraceIsNamed() throws {
        let missing = try CLI.temporaryDirectory().appendingPathComponent("nothing.txt").path
        let result = try CLI.run(["cache", "--trace", missing, "--policy", "lru", "--capacity", "2"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("\(missing): no such file"))
    }

    @Test func aMissingOptionIsAUsageError() throws {
        let result = try runCache("a\n", ["--policy", "lru"])
        #expect(result.status == 64)
    }
}
