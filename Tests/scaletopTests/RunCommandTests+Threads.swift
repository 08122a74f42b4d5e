import Foundation
import Testing

/// `scaletop run --threads N`: a system with several partitions runs partitioned, with the
/// same report on any number of threads; any other runs in one engine and says why.
@Suite struct RunThreadsTests {
    @Test func aPartitionedRunGivesTheSameReportOnAnyNumberOfThreads() throws {
        let args = ["run", "08-multi-dc", "--duration", "3s", "--warmup", "1s", "--report", "json"]
        let one = try CLI.run(args + ["--threads", "1"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stderr.isEmpty, "\(one.stderr)")
        for threads in ["2", "4"] {
            let many = try CLI.run(args + ["--threads", threads])
            #expect(many.status == 0, "\(many.stderr)")
            #expect(many.stdout == one.stdout, "\(threads) threads")
        }
        let report = try CLI.json(one.stdout)
        let e = try #require(report["end_to_end"] as? [String: Any])
        let count = { (key: String) in (e[key] as? Int) ?? -1 }
        #expect(count("requests") > 10_000)
        #expect(
            count("requests")
                == count("completed") + count("dropped") + count("timed_out") + count("failed") + count("rejected")
                + count("in_flight"))
    }

    /// The per-second reports too: 08-multi-dc's partitioned run is the one engine's, second
    /// by second, on any number of threads.
    @Test(arguments: ["csv", "html"])
    func perSecondReportsOfAPartitionedRun(format: String) throws {
        let args = ["run", "08-multi-dc", "--duration", "3s", "--report", format]
        let plain = try CLI.run(args + ["--one-engine"])
        #expect(plain.status == 0, "\(plain.stderr)")
        for threads in ["1", "2"] {
            let partitioned = try CLI.run(args + ["--threads", threads])
            #expect(partitioned.status == 0, "\(partitioned.stderr)")
            #expect(partitioned.stdout == plain.stdout, "\(format), \(threads) threads")
        }
    }

    @Test func aSystemOfOnePartitionRunsInOneEngineAndSaysWhy() throws {
        let args = ["run", "05", "--duration", "3s", "--report", "json"]
        let plain = try CLI.run(args)
        // Not asked for threads, it says nothing.
        #expect(plain.status == 0 && plain.stderr.isEmpty, "\(plain.stderr)")
        let threaded = try CLI.run(args + ["--threads", "2"])
        #expect(threaded.status == 0, "\(threaded.stderr)")
        #expect(threaded.stderr == "scaletop: 05-cache runs in one engine: it is one partition\n", "\(threaded.stderr)")
        #expect(threaded.stdout == plain.stdout)
    }

    @Test func seedsRunPartitionedOneAfterAnother() throws {
        let args = ["run", "08-multi-dc", "--duration", "2s", "--seeds", "2", "--report", "json"]
        let one = try CLI.run(args + ["--threads", "1"])
        let two = try CLI.run(args + ["--threads", "2"])
        #expect(one.status == 0 && two.status == 0, "\(one.stderr) \(two.stderr)")
        #expect(one.stdout == two.stdout)
        #expect(try CLI.json(one.stdout)["seeds"] as? [Int] == [42, 43], "\(one.stdout.prefix(300))")
    }

    /// Without `--threads` a system of several partitions runs partitioned, on one thread per
    /// core, and records the partitioned engine's revision; `--one-engine` runs it in one
    /// engine, as before partitions, and records revision 7.
    @Test func aSystemOfSeveralPartitionsRunsPartitionedUnlessAskedForOneEngine() throws {
        let dir = try CLI.temporaryDirectory()
        let args = ["run", "08-multi-dc", "--duration", "2s", "--report", "json"]
        let revision = { (name: String) throws -> Int? in
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            return try CLI.json(String(text.prefix { $0 != "\n" }))["engine_revision"] as? Int
        }
        let byDefault = try CLI.run(args + ["--record", dir.appendingPathComponent("default.jsonl").path])
        let one = try CLI.run(args + ["--threads", "1"])
        let whole = try CLI.run(args + ["--one-engine", "--record", dir.appendingPathComponent("one.jsonl").path])
        for result in [byDefault, one, whole] { #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)") }
        #expect(byDefault.stdout == one.stdout)
        // 08-multi-dc's partitioned run is the one engine's figure for figure.
        #expect(whole.stdout == byDefault.stdout)
        #expect(try revision("default.jsonl") == 8)
        #expect(try revision("one.jsonl") == 7)

        let both = try CLI.run(args + ["--one-engine", "--threads", "2"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("--one-engine and --threads: choose one"), "\(both.stderr)")
    }
}
