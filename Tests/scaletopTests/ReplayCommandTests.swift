import Foundation
import Testing

@Suite struct ReplayCommandTests {
    /// Records stage 3 for 12 s with a two-line script; returns the folder, the file and the
    /// report `run --record` printed.
    static func record(arguments: [String] = []) throws -> (dir: URL, file: URL, report: String) {
        let dir = try CLI.temporaryDirectory()
        let script = dir.appendingPathComponent("ops.script")
        try "at 5s add server app 2\nat 7.5s set users 300\n".write(to: script, atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("run.jsonl")
        let result = try CLI.run(
            [
                "run", "03", "--duration", "12s", "--seed", "5", "--script", script.path,
                "--record", file.path, "--report", "json",
            ] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return (dir, file, result.stdout)
    }

    static func lines(_ file: URL) throws -> [String] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func recordAndReplayGiveByteIdenticalReports() throws {
        let (dir, file, recorded) = try Self.record(arguments: ["--warmup", "2s"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let replayed = try CLI.run(["replay", file.path, "--headless", "--verify", "--report", "json"])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(replayed.stdout == recorded)
        #expect(replayed.stderr.contains("verified 13 checkpoints"))
        // Recording changes nothing: the same run without --record prints the same report.
        let plain = try CLI.run([
            "run", "03", "--duration", "12s", "--seed", "5", "--warmup", "2s",
            "--script", dir.appendingPathComponent("ops.script").path, "--report", "json",
        ])
        #expect(plain.stdout == recorded)
    }

    @Test func theFileHoldsTheContractLines() throws {
        let (dir, file, _) = try Self.record()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = try Self.lines(file).map { try CLI.json($0) }
        #expect(lines.first?["type"] as? String == "header")
        #expect(lines.first?["format"] as? String == "scaletop-replay")
        #expect(lines.first?["version"] as? Int == 1)
        #expect(lines.first?["seed"] as? Int == 5)
        #expect(lines.first?["preset_name"] as? String == "03-load-balancer")
        #expect((lines.first?["preset"] as? String)?.hasPrefix("version: 1\n") == true)
        let commands = lines.filter { $0["type"] as? String == "command" }
        #expect(commands.map { $0["command"] as? String } == ["add server app 2", "set users 300"])
        #expect(commands.map { $0["t_us"] as? Int } == [5_000_000, 7_500_000])
        #expect(commands.map { $0["wall_ms"] as? Int } == [5_000, 7_500])
        let checkpoints = lines.filter { $0["type"] as? String == "checkpoint" }
        #expect(checkpoints.map { $0["t_us"] as? Int } == (1...12).map { $0 * 1_000_000 })
        #expect(lines.last?["type"] as? String == "end")
        #expect(lines.last?["t_us"] as? Int == 12_000_000)
    }

    @Test func aRecordingCutInItsLastLineReplaysUpToTheCut() throws {
        let (dir, file, _) = try Self.record()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOf: file, encoding: .utf8)
        // Cut in the middle of the checkpoint at 12 s, which comes before the end line.
        let lines = try Self.lines(file)
        let cut = lines.dropLast(2).joined(separator: "\n") + "\n" + lines[lines.count - 2].prefix(20)
        #expect(text.hasPrefix(cut))
        try cut.write(to: file, atomically: true, encoding: .utf8)
        let result = try CLI.run(["replay", file.path, "--headless", "--verify", "--report", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("run.jsonl:\(lines.count - 1): the last line is cut short"))
        #expect(result.stderr.contains("verified 11 checkpoints"))
        #expect(try CLI.json(result.stdout)["duration_s"] as? Double == 11)
    }

    @Test func aChangedDigestFailsVerificationAtItsLine() throws {
        let (dir, file, _) = try Self.record()
        defer { try? FileManager.default.removeItem(at: dir) }
        var lines = try Self.lines(file)
        // Line 9: header, checkpoints 1-5 s, the command at 5 s, checkpoints 6 and 7 s.
        #expect(lines[8].contains("\"t_us\":7000000"))
        lines[8] = lines[8].replacingOccurrences(of: "\"digest\":\"", with: "\"digest\":\"0")
            .replacingOccurrences(of: #"("digest":"[0-9a-f]{16})[0-9a-f]"#, with: "$1", options: .regularExpression)
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let result = try CLI.run(["replay", file.path, "--headless", "--verify"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("run.jsonl:9: the replay diverges at 7s of simulated time"))
        // Without --verify the digests are not compared.
        #expect(try CLI.run(["replay", file.path, "--headless"]).status == 0)
    }

    @Test func aChangedCommandFailsVerificationAtTheNextCheckpoint() throws {
        let (dir, file, _) = try Self.record()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: "add server app 2", with: "add server app 3").write(
            to: file, atomically: true, encoding: .utf8)
        let result = try CLI.run(["replay", file.path, "--headless", "--verify"])
        #expect(result.status == 1)
        // The command is line 7; the checkpoint at 6 s on line 8 is the first to differ.
        #expect(result.stderr.contains("run.jsonl:8: the replay diverges at 6s of simulated time"))
    }

    @Test func badInputsExitTwoWithTheirLineAndWriteNothing() throws {
        let (dir, file, _) = try Self.record()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = try Self.lines(file)
        let cases: [(String, [String], String)] = [
            (
                "not-replay.jsonl", ["{\"type\":\"command\",\"t_us\":0,\"command\":\"pause\"}"],
                "not-replay.jsonl:1: not a scaletop replay file"
            ),
            (
                "version.jsonl", [lines[0].replacingOccurrences(of: "\"version\":1", with: "\"version\":2")] + lines.dropFirst(),
                "version.jsonl:1: unknown replay format version 2"
            ),
            (
                "broken.jsonl", lines.prefix(3) + ["{\"type\":\"checkpoint\","] + lines.dropFirst(4),
                "broken.jsonl:4: not a JSON object"
            ),
            (
                "no-preset.jsonl", [lines[0].replacingOccurrences(of: "\"preset\":", with: "\"recipe\":")] + lines.dropFirst(),
                "no-preset.jsonl:1: the header has no preset"
            ),
        ]
        for (name, content, message) in cases {
            let path = dir.appendingPathComponent(name)
            let text = content.joined(separator: "\n") + "\n"
            try text.write(to: path, atomically: true, encoding: .utf8)
            let result = try CLI.run(["replay", path.path, "--headless", "--verify", "--report", "json"])
            #expect(result.status == 2, "\(name)")
            #expect(result.stdout.isEmpty, "\(name)")
            #expect(result.stderr.contains(message), "\(name): \(result.stderr)")
            #expect(try String(contentsOf: path, encoding: .utf8) == text, "\(name) changed")
        }
        let missing = try CLI.run(["replay", dir.appendingPathComponent("none.jsonl").path, "--headless"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no such file"))
    }

    @Test func recordRefusesAnExistingFileUnlessForced() throws {
        let (dir, file, recorded) = try Self.record()
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = try String(contentsOf: file, encoding: .utf8)
        let again = try CLI.run(["run", "03", "--duration", "2s", "--record", file.path])
        #expect(again.status == 2)
        #expect(again.stderr.contains("file exists (use --force to overwrite)"))
        #expect(again.stdout.isEmpty)
        #expect(try String(contentsOf: file, encoding: .utf8) == before)

        let forced = try CLI.run(["run", "03", "--duration", "2s", "--record", file.path, "--force", "--report", "json"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout != recorded)
        #expect(try Self.lines(file).count == 4)
    }

    @Test func recordRefusesWhatAReplayCannotHold() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("r.jsonl")
        let seeds = try CLI.run(["run", "03", "--duration", "2s", "--seeds", "3", "--record", file.path])
        #expect(seeds.status == 2)
        #expect(seeds.stderr.contains("--record records one run"))
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }

    @Test func headlessOptionsGoOnlyWithHeadless() throws {
        let (dir, file, _) = try Self.record()
        defer { try? FileManager.default.removeItem(at: dir) }
        let verify = try CLI.run(["replay", file.path, "--verify"])
        #expect(verify.status == 2)
        #expect(verify.stderr.contains("add --headless"))
        #expect(try CLI.run(["replay", file.path, "--report", "json"]).status == 2)
        #expect(try CLI.run(["replay", file.path, "--headless", "--speed", "2"]).status == 2)
    }

    @Test func csvAndTextReportsMatchTheRun() throws {
        let (dir, file, _) = try Self.record()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("ops.script").path
        for format in ["csv", "text"] {
            let run = try CLI.run(["run", "03", "--duration", "12s", "--seed", "5", "--script", script, "--report", format])
            let replay = try CLI.run(["replay", file.path, "--headless", "--report", format])
            #expect(replay.status == 0, "\(replay.stderr)")
            #expect(replay.stdout == run.stdout, "\(format)")
        }
    }
}
