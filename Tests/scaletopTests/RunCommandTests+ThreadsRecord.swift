import Foundation
import Testing

/// Recordings of partitioned runs: `run --threads N --record` names the partitioned engine
/// revision, and `replay` plays and verifies the file partitioned on any number of threads.
@Suite struct RecordThreadsTests {
    /// Records 08-multi-dc on 2 threads with a script the partitioned run takes, at times
    /// inside windows: the folder, the file and the report printed.
    static func record(script: String = "at 1.25s add server app 2\nat 2.3s set users 30000\n") throws -> (
        dir: URL, file: URL, report: String, stderr: String
    ) {
        let dir = try CLI.temporaryDirectory()
        let scriptFile = dir.appendingPathComponent("ops.script")
        try script.write(to: scriptFile, atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("run.jsonl")
        let result = try CLI.run([
            "run", "08-multi-dc", "--duration", "3500ms", "--warmup", "1s", "--script", scriptFile.path,
            "--threads", "2", "--record", file.path, "--report", "json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        return (dir, file, result.stdout, result.stderr)
    }

    static func revision(of file: URL) throws -> Int? {
        try CLI.json(try ReplayCommandTests.lines(file)[0])["engine_revision"] as? Int
    }

    @Test func aPartitionedRecordingVerifiesOnAnyNumberOfThreads() throws {
        let (dir, file, recorded, _) = try Self.record()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Recording changes nothing: the same partitioned run without --record.
        let plain = try CLI.run([
            "run", "08-multi-dc", "--duration", "3500ms", "--warmup", "1s",
            "--script", dir.appendingPathComponent("ops.script").path, "--threads", "2", "--report", "json",
        ])
        #expect(plain.stdout == recorded)
        let oneEngine = try CLI.run([
            "run", "08-multi-dc", "--duration", "3500ms", "--warmup", "1s", "--script",
            dir.appendingPathComponent("ops.script").path, "--record", dir.appendingPathComponent("one.jsonl").path,
            "--one-engine",
        ])
        #expect(oneEngine.status == 0, "\(oneEngine.stderr)")
        #expect(try Self.revision(of: dir.appendingPathComponent("one.jsonl")) == 7)
        #expect(try Self.revision(of: file) == 8)

        for threads in [["--threads", "1"], ["--threads", "3"], []] {
            let replayed = try CLI.run(["replay", file.path, "--headless", "--verify", "--report", "json"] + threads)
            #expect(replayed.status == 0, "\(threads): \(replayed.stderr)")
            #expect(replayed.stdout == recorded, "\(threads)")
            #expect(replayed.stderr == "scaletop: verified 4 checkpoints of \(file.path)\n", "\(threads)")
        }
    }

    @Test func aChangedDigestIsADivergenceOnEveryNumberOfThreads() throws {
        let (dir, file, _, _) = try Self.record()
        defer { try? FileManager.default.removeItem(at: dir) }
        var lines = try ReplayCommandTests.lines(file)
        let index = try #require(lines.firstIndex { $0.contains("\"type\":\"checkpoint\"") && $0.contains("2000000") })
        lines[index] = lines[index].replacingOccurrences(
            of: #""digest":"([0-9a-f])"#, with: "\"digest\":\"x", options: .regularExpression
        )
        .replacingOccurrences(of: "\"digest\":\"x", with: "\"digest\":\"f")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        for threads in ["1", "2"] {
            let replayed = try CLI.run(["replay", file.path, "--headless", "--verify", "--threads", threads])
            #expect(replayed.status == 1, "\(replayed.stderr)")
            #expect(replayed.stderr.contains("run.jsonl:\(index + 1): the replay diverges at 2s"), "\(replayed.stderr)")
        }
    }

    /// A run whose script holds a command a partitioned run does not take falls back to one
    /// engine, and its recording names the one engine's revision, so it replays there.
    @Test func aRunThatFallsBackRecordsTheOneEngineRevision() throws {
        // Whether a change of structure keeps the partitions is known only when it comes.
        let (dir, file, recorded, stderr) = try Self.record(script: "at 1.25s add replica db 1\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(stderr.contains("08-multi-dc runs in one engine: its script adds or removes nodes at 1.25 s"), "\(stderr)")
        let plain = try CLI.run(["run", "03", "--duration", "1s", "--record", dir.appendingPathComponent("o.jsonl").path])
        #expect(plain.status == 0)
        #expect(try Self.revision(of: file) == Self.revision(of: dir.appendingPathComponent("o.jsonl")))
        let replayed = try CLI.run(["replay", file.path, "--headless", "--verify", "--report", "json", "--threads", "2"])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(replayed.stdout == recorded)
        #expect(replayed.stderr.contains("recorded in one engine (engine revision"), "\(replayed.stderr)")
        #expect(replayed.stderr.contains("verified 4 checkpoints"))
    }
}
