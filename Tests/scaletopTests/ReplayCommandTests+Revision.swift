import Foundation
import Testing

/// Replay files recorded with another engine revision: they play, say so, and exit 3.
@Suite struct ReplayRevisionTests {
    /// The exit status of a replay of another engine revision (docs/reports.md).
    static let otherRevisionStatus: Int32 = 3

    /// A recording of stage 3 (`ReplayCommandTests.record`): the folder, the file, the
    /// report the run printed and this build's engine revision, as its header gives it.
    static func record() throws -> (dir: URL, file: URL, report: String, current: Int) {
        let (dir, file, report) = try ReplayCommandTests.record()
        let header = try CLI.json(try ReplayCommandTests.lines(file)[0])
        let current = try #require(header["engine_revision"] as? Int)
        #expect(current >= 1)
        return (dir, file, report, current)
    }

    /// Rewrites `file`'s header with `engine_revision` set to `revision` (JSON text), or
    /// without it when nil; with `changingDigestOnLine`, that line's digest changes too.
    static func set(revision: String?, in file: URL, current: Int, changingDigestOnLine line: Int? = nil) throws {
        var lines = try ReplayCommandTests.lines(file)
        let field = "\"engine_revision\":\(current),"
        #expect(lines[0].contains(field))
        lines[0] = lines[0].replacingOccurrences(of: field, with: revision.map { "\"engine_revision\":\($0)," } ?? "")
        if let line {
            let changed = lines[line - 1].replacingOccurrences(of: "\"digest\":\"", with: "\"digest\":\"0")
                .replacingOccurrences(of: #"("digest":"[0-9a-f]{16})[0-9a-f]"#, with: "$1", options: .regularExpression)
            #expect(changed != lines[line - 1])
            lines[line - 1] = changed
        }
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
    }

    /// The note for a file of revision `recorded` (docs/replay.md, "Engine revisions").
    static func note(recorded: Int) -> String {
        "run.jsonl: recorded with engine revision \(recorded); this build simulates revisions "
            + "3, 4, 5, 6, 7 and 8: it plays, but cannot verify"
    }

    @Test func aRecordingOfThisRevisionVerifiesWithoutANote() throws {
        let (dir, file, report, _) = try Self.record()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try CLI.run(["replay", file.path, "--headless", "--verify", "--report", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == report)
        #expect(result.stderr.contains("verified 13 checkpoints"))
        #expect(!result.stderr.contains("engine revision"))
    }

    @Test func aFileWithoutARevisionIsRevisionOne() throws {
        let (dir, file, report, current) = try Self.record()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.set(revision: nil, in: file, current: current)
        let result = try CLI.run(["replay", file.path, "--headless", "--verify", "--report", "json"])
        #expect(result.stdout == report)
        if current == 1 {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("verified 13 checkpoints"))
        } else {
            #expect(result.status == Self.otherRevisionStatus, "\(result.stderr)")
            #expect(result.stderr.contains(Self.note(recorded: 1)), "\(result.stderr)")
        }
    }

    /// Revisions this build does not compute: before the oldest it does, past the newest,
    /// and far beyond.
    @Test(arguments: [2, 9, 1000])
    func anotherRevisionPlaysButCannotVerify(recorded: Int) throws {
        let (dir, file, report, current) = try Self.record()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The checkpoint at 3 s (line 4) changes too: with another revision it is no divergence.
        try Self.set(revision: String(recorded), in: file, current: current, changingDigestOnLine: 4)
        let note = Self.note(recorded: recorded)

        // Headless: this build's report, then the note.
        let headless = try CLI.run(["replay", file.path, "--headless", "--report", "json"])
        #expect(headless.status == Self.otherRevisionStatus, "\(headless.stderr)")
        #expect(headless.stdout == report)
        #expect(headless.stderr.contains(note), "\(headless.stderr)")

        let verify = try CLI.run(["replay", file.path, "--headless", "--verify"])
        #expect(verify.status == Self.otherRevisionStatus, "\(verify.stderr)")
        #expect(verify.stderr.contains(note))
        #expect(!verify.stderr.contains("diverges"))
        #expect(!verify.stderr.contains("verified"))
        #expect(verify.stdout.contains("03-load-balancer"))

        // The cast is written all the same.
        let cast = dir.appendingPathComponent("run.cast")
        let export = try CLI.run(["replay", file.path, "--export-cast", cast.path, "--size", "100x30"])
        #expect(export.status == Self.otherRevisionStatus, "\(export.stderr)")
        #expect(export.stderr.contains("wrote"))
        #expect(export.stderr.contains(note))
        #expect(FileManager.default.fileExists(atPath: cast.path))
    }

    @Test func badRevisionsAreErrorsOnTheHeaderLine() throws {
        let (dir, file, _, current) = try Self.record()
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = try String(contentsOf: file, encoding: .utf8)
        let cases = [
            ("-1", "-1"), ("0", "0"), ("1.5", "1.5"), ("\"2\"", "\"2\""), ("99999999999999999999", "1e+20"),
            ("1000001", "1000001"), ("true", "true"), ("[1]", "an array"), ("null", "null"),
        ]
        for (value, shown) in cases {
            try original.write(to: file, atomically: true, encoding: .utf8)
            try Self.set(revision: value, in: file, current: current)
            let result = try CLI.run(["replay", file.path, "--headless", "--verify"])
            #expect(result.status == 2, "\(value)")
            #expect(result.stdout.isEmpty, "\(value)")
            #expect(
                result.stderr.contains("run.jsonl:1: engine_revision: expected a whole number from 1 to 1000000, got \(shown)"),
                "\(value): \(result.stderr)")
        }
    }

    @Test func theDashboardReplaySaysSoWhenItCloses() throws {
        try #require(Tmux.isInstalled, "tmux is needed (.ci/run installs it)")
        let (dir, file, _, current) = try Self.record()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.set(revision: String(current + 4), in: file, current: current)
        let tmux = try Tmux(["replay", file.path, "--speed", "max"], width: 220)
        try tmux.waitFor("REPLAY")
        try tmux.send("q")
        let screen = try tmux.finished()
        #expect(screen.contains("EXIT=\(Self.otherRevisionStatus)"))
        #expect(screen.contains("recorded with engine revision \(current + 4)"))
    }
}
