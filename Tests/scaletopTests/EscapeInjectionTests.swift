import Foundation
import Testing

/// Text from files and the environment reaches the terminal without control characters:
/// a hostile preset cannot retitle the window, clear the screen or recolour the output.
@Suite struct EscapeInjectionTests {
    static let escape = "\u{1B}"

    func expectClean(_ result: CLI.Result, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            !result.stdout.contains(Self.escape) && !result.stdout.contains("\u{07}"),
            "stdout: \(result.stdout.debugDescription)", sourceLocation: sourceLocation)
        #expect(
            !result.stderr.contains(Self.escape) && !result.stderr.contains("\u{07}"),
            "stderr: \(result.stderr.debugDescription)", sourceLocation: sourceLocation)
    }

    @Test func hostileUserPresetsAreListedSafely() throws {
        let home = try CLI.temporaryDirectory()
        let presets = home.appendingPathComponent("scaletop/presets")
        try FileManager.default.createDirectory(at: presets, withIntermediateDirectories: true)
        let hostileName = "ev\u{1B}[31mil\u{1B}]0;pwned\u{07}"
        let hostile = presets.appendingPathComponent(hostileName + ".yaml")
        try "version: 1\nname: \"evil \\e]0;pwned\\a name\"\ndescription: \"d \\e[2J\"\n".write(
            to: hostile, atomically: true, encoding: .utf8)
        let listed = try CLI.run(["presets"], environment: ["XDG_DATA_HOME": home.path])
        #expect(listed.status == 0)
        expectClean(listed)
        #expect(listed.stdout.contains("cannot load"))
        #expect(listed.stdout.contains("00-single-server"))

        let run = try CLI.run(["run", hostile.path], environment: ["XDG_DATA_HOME": home.path])
        #expect(run.status == 2)
        expectClean(run)
        #expect(run.stderr.contains("control character"))

        let paths = try CLI.run(["presets", "--path"], environment: ["XDG_DATA_HOME": home.path + "/\u{1B}[2J"])
        expectClean(paths)
    }

    @Test func hostileArgumentsAreQuotedSafely() throws {
        for arguments in [
            ["run", "no\u{1B}]0;such\u{07}preset"], ["run", "00", "--duration", "\u{1B}[2J"],
            ["replay", "\u{1B}[31m.jsonl", "--headless"],
        ] {
            let result = try CLI.run(arguments)
            #expect(result.status == 2, "\(arguments.debugDescription)")
            expectClean(result)
        }
        // Usage errors, which ArgumentParser words: an unknown option, a bad value of each type.
        for arguments in [
            ["run", "00", "--\u{1B}]0;pwned\u{07}"], ["run", "00", "--seed", "1\u{1B}[31m"],
            ["run", "00", "--report", "x\u{9B}2J"],
            ["replay", "r.jsonl", "--\u{1B}[2J"], ["cache", "--trace", "t", "--policy", "lru", "--capacity", "\u{1B}[2J"],
            ["bench", "--runs", "\u{07}"],
        ] {
            let result = try CLI.run(arguments)
            #expect(result.status == 64, "\(arguments.debugDescription): \(result.status)")
            #expect(result.stderr.contains("\\u{"), "the argument is shown, escaped: \(result.stderr)")
            expectClean(result)
        }
    }

    /// Control bytes of every kind a terminal acts on: OSC title, screen clear, C1 CSI, a
    /// hyperlink, BEL, a carriage return and a bidirectional override.
    static let hostileText = "ev\u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}31m\u{1B}]8;;http://x\u{1B}\\\r\u{202E}il"

    /// A recording of stage 00 whose every free-text header field holds `hostileText`, and
    /// whose preset is then loaded again under a hostile name when `load` is set.
    func hostileRecording(in dir: URL, load: Bool) throws -> URL {
        let clean = dir.appendingPathComponent("clean.jsonl")
        let recorded = try CLI.run(["run", "00", "--duration", "3s", "--record", clean.path])
        try #require(recorded.status == 0, "\(recorded.stderr)")
        var lines = try String(contentsOf: clean, encoding: .utf8).split(separator: "\n").map(String.init)
        var header = try CLI.json(lines[0])
        for field in ["preset_name", "scaletop_version", "created", "terminal"] { header[field] = Self.hostileText }
        lines[0] = String(decoding: try JSONSerialization.data(withJSONObject: header), as: UTF8.self)
        if load {
            let line: [String: Any] = [
                "type": "command", "t_us": 1_500_000, "wall_ms": 1_500,
                "command": "load " + Self.hostileText.replacingOccurrences(of: " ", with: ""),
                "preset": header["preset"] as? String ?? "",
            ]
            // After the checkpoint at 1 s: the rest of the file then times the new stage.
            lines.insert(String(decoding: try JSONSerialization.data(withJSONObject: line), as: UTF8.self), at: 2)
        }
        let hostile = dir.appendingPathComponent(load ? "load.jsonl" : "header.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: hostile, atomically: true, encoding: .utf8)
        return hostile
    }

    /// Every way a replay file's text reaches output: the headless report in each format,
    /// verification, and the cast export's file and messages.
    @Test(arguments: [false, true])
    func hostileReplayTextNeverReachesTheTerminalRaw(load: Bool) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try hostileRecording(in: dir, load: load).path
        for report in ["text", "json", "csv"] {
            let result = try CLI.run(["replay", file, "--headless", "--report", report])
            #expect(result.status == 0 || result.status == 3, "\(report): \(result.stderr)")
            expectClean(result)
            if report == "text" {
                #expect(result.stdout.contains("\\u{1b}]0;pwned"), "the name is shown, escaped: \(result.stdout)")
            }
        }
        let verified = try CLI.run(["replay", file, "--headless", "--verify"])
        #expect(verified.status == 0, "\(verified.stderr)")
        expectClean(verified)
        let cast = dir.appendingPathComponent("out.cast")
        let exported = try CLI.run(["replay", file, "--export-cast", cast.path])
        #expect(exported.status == 0, "\(exported.stderr)")
        expectClean(exported)
        // The cast holds escapes of its own (the screen's colours), as JSON text: its header
        // line, which players show as the title, must carry none from the file.
        let castHeader = try String(contentsOf: cast, encoding: .utf8).split(separator: "\n")[0]
        #expect(!castHeader.contains("\\u001b") && !castHeader.contains("\\u0007"), "\(castHeader)")
    }

    /// A preset file's name is text from outside too: a report, a refusal and `check` show it escaped.
    @Test func hostilePresetFileNamesAreShownEscaped() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let preset = dir.appendingPathComponent(Self.hostileText.replacingOccurrences(of: "/", with: "") + ".yaml")
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        try FileManager.default.copyItem(at: package.appendingPathComponent("Presets/00-single-server.yaml"), to: preset)
        for arguments in [
            ["run", preset.path, "--duration", "2s"], ["run", preset.path, "--duration", "2s", "--report", "csv"],
            ["check", preset.path], ["run", preset.path, "--duration", "2s", "--set", "workload.users=-1"],
        ] {
            let result = try CLI.run(arguments)
            expectClean(result)
        }
    }
}
