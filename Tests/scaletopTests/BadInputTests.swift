import Foundation
import Testing

/// Every kind of bad input ends in one clear message naming the file and line, and exit 2.
@Suite struct BadInputTests {
    static let valid = """
        version: 1
        name: Test
        workload:
          users: 100
          rate_per_user: 1
          entry: web
        nodes:
          - id: web
            kind: app
            workers: 2
            service: {distribution: exponential, mean: 10ms}
            routes:
              - to: db
          - id: db
            kind: db
            service: {distribution: exponential, mean: 5ms}
        """

    /// (name, preset text, line the error must name, words the message must contain)
    static let cases: [(String, String, Int, String)] = [
        ("unknown field", valid.replacingOccurrences(of: "    workers: 2", with: "    wrokers: 2"), 10, "wrokers"),
        ("unknown kind", valid.replacingOccurrences(of: "kind: db", with: "kind: mainframe"), 15, "mainframe"),
        ("negative workers", valid.replacingOccurrences(of: "workers: 2", with: "workers: -3"), 10, "workers"),
        ("zero mean", valid.replacingOccurrences(of: "mean: 5ms", with: "mean: 0ms"), 16, "mean"),
        ("zero users", valid.replacingOccurrences(of: "users: 100", with: "users: 0"), 4, "users"),
        ("route to a missing node", valid.replacingOccurrences(of: "- to: db", with: "- to: dbb"), 13, "dbb"),
        (
            "zero rate limit",
            valid.replacingOccurrences(of: "    workers: 2", with: "    workers: 2\n    rate_limit: {rate: 0}"), 11,
            "rate_limit.rate"
        ),
        (
            "rate limit past the limit",
            valid.replacingOccurrences(of: "    workers: 2", with: "    workers: 2\n    rate_limit: {rate: 5, burst: 1e9}"), 11,
            "rate_limit.burst"
        ),
        // libyaml notices the unclosed list on the next line, and says where it opened.
        ("malformed YAML", valid.replacingOccurrences(of: "  users: 100", with: "  users: [100"), 5, "line 4"),
    ]

    @Test(arguments: 0..<cases.count)
    func badPresetFile(index: Int) throws {
        let (name, text, line, word) = Self.cases[index]
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("bad.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        for command in [["run", file.path, "--duration", "1s"], ["check", file.path]] {
            let result = try CLI.run(command)
            #expect(result.status == 2, "\(name): status \(result.status)")
            #expect(result.stdout.isEmpty, "\(name): stdout must stay empty")
            let message = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!message.contains("\n"), "\(name): one line, got \(message)")
            #expect(message.contains("bad.yaml:\(line)"), "\(name): \(message)")
            #expect(message.contains(word), "\(name): \(message)")
            #expect(!message.contains("Fatal error"))
        }
    }

    @Test func validControlFileRuns() throws {
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("good.yaml")
        try Self.valid.write(to: file, atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", file.path, "--duration", "2s"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func aliasBombAndDeepNestingAreRefusedQuickly() throws {
        let dir = try CLI.temporaryDirectory()
        var bomb = "version: 1\nname: bomb\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for level in 0..<20 {
            let name = "l\(level)"
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        let deep =
            "version: 1\nname: deep\nworkload: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
            + "\n"
        for (name, text) in [("bomb.yaml", bomb), ("deep.yaml", deep)] {
            let file = dir.appendingPathComponent(name)
            try text.write(to: file, atomically: true, encoding: .utf8)
            let start = Date()
            let result = try CLI.run(["check", file.path])
            #expect(result.status == 2, "\(name): \(result.stderr)")
            #expect(result.stderr.contains(name))
            #expect(Date().timeIntervalSince(start) < 10)
        }
    }

    @Test func missingAndUnreadableFiles() throws {
        let missing = try CLI.run(["run", "/nonexistent/preset.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/preset.yaml") || missing.stderr.contains("preset.yaml"))
        let unknown = try CLI.run(["run", "no-such-preset"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no-such-preset"))
    }

    @Test func badOptionValuesExitWith2() throws {
        for args in [
            ["run", "00", "--duration", "ten minutes"],
            ["run", "00", "--duration", "10s", "--warmup", "20s"],
            ["run", "00", "--seeds", "0"],
            ["run", "00", "--set", "workload.users=-5"],
            ["run", "00", "--set", "nodes.nope.servers=2"],
            ["bench", "no-such-scenario"],
            ["run", "00", "--set", "nodes.app.rate_limit={rate: -1}"],
        ] {
            let result = try CLI.run(args)
            #expect(result.status == 2, "\(args): \(result.status) \(result.stderr)")
            #expect(result.stderr.hasPrefix("scaletop: "), "\(args): \(result.stderr)")
        }
    }

    /// `--threads` takes a whole number from 1 to 1024 in every command that has it, for a
    /// scenario or report that runs in partitions: anything else stops the command before
    /// anything runs.
    @Test(arguments: ["0", "-1", "1025", "99999999999999999999", "two", "2.5", " 2", "0x10"])
    func threadsOutOfRange(value: String) throws {
        for command in [
            ["bench", "ten-million-users"], ["run", "08-multi-dc"], ["dashboard", "08-multi-dc"],
            ["replay", "never-read.jsonl", "--headless"], ["replay", "never-read.jsonl"],
        ] {
            let result = try CLI.run(command + ["--threads=\(value)"])
            #expect(result.status == 2, "\(command) \(value): \(result.stderr)")
            #expect(
                result.stderr.contains("--threads: expected a whole number from 1 to 1024"),
                "\(command) \(value): \(result.stderr)")
        }
        let elsewhere = try CLI.run(["bench", "reference", "--threads", "2"])
        #expect(elsewhere.status == 2 && elsewhere.stderr.contains("--threads: it applies to ten-million-users"))
    }

    /// `--one-engine` and `--threads` ask for two different engines: refused together, by
    /// the dashboard before it takes the terminal as by `run`.
    @Test func oneEngineWithThreadsIsRefused() throws {
        for command in [["run", "08-multi-dc"], ["dashboard", "08-multi-dc"]] {
            let result = try CLI.run(command + ["--one-engine", "--threads", "2"])
            #expect(result.status == 2, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("--one-engine and --threads: choose one"), "\(command): \(result.stderr)")
            #expect(!result.stdout.contains("\u{1B}["), "\(command) wrote escape codes")
        }
    }

    /// `stage9`, the old name of the `ten-million-users` scenario, is still accepted: the
    /// name passes and only the bad `--runs` stops the command, before anything runs.
    @Test func benchAcceptsTheOldNameStage9() throws {
        for name in ["stage9", "ten-million-users"] {
            let result = try CLI.run(["bench", name, "--runs", "0"])
            #expect(result.status == 2, "\(name): \(result.stderr)")
            #expect(result.stderr.contains("--runs: expected at least 1"), "\(name): \(result.stderr)")
        }
        let unknown = try CLI.run(["bench", "stage8"])
        #expect(
            unknown.stderr.contains(
                "known: reference, ten-million-users, twenty-million-users, cache, render, replay, global, presets, soak"),
            "\(unknown.stderr)")
    }
}
