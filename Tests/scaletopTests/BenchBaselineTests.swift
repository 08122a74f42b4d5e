import Foundation
import Testing

/// `scaletop bench reference --c-baseline PATH` (docs/benchmark.md, "The C baseline"): the
/// program at PATH is someone else's file, so every way it can be wrong ends the command
/// with one message naming the path and what was expected, exit status 2, in bounded time.
@Suite struct BenchBaselineTests {
    /// Far beyond any of these runs: only a hang reaches it.
    static let hangGuard = 120.0

    /// An executable shell script `name` in `folder` running `body`.
    static func script(_ name: String, _ body: String, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(chmod(path, 0o755) == 0)
        return path
    }

    /// `bench reference --runs 1 --c-baseline path`, plus `extra` options.
    static func bench(_ path: String, _ extra: [String] = []) throws -> CLI.Result {
        try CLI.run(["bench", "reference", "--runs", "1", "--c-baseline", path] + extra, timeout: hangGuard)
    }

    /// One line on standard error naming the path and `problem`, with what was expected.
    static func expectRefusal(_ result: CLI.Result, path: String, _ problem: String) {
        #expect(result.status == 2, "\(path): \(result.status) \(result.stderr)")
        #expect(result.stdout.isEmpty, "\(path): \(result.stdout)")
        #expect(result.stderr.hasPrefix("scaletop: --c-baseline \(path): \(problem)"), "\(result.stderr)")
        #expect(result.stderr.contains("prints events_per_s=N (docs/benchmark.md)"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test func pathsThatAreNoExecutableFileAreRefusedBeforeAnythingRuns() throws {
        let folder = try CLI.temporaryDirectory()
        let missing = folder.appendingPathComponent("no-such-dessim").path
        Self.expectRefusal(try Self.bench(missing), path: missing, "does not exist")
        let notExecutable = folder.appendingPathComponent("dessim.c").path
        try "int main(void) { return 0; }\n".write(toFile: notExecutable, atomically: true, encoding: .utf8)
        Self.expectRefusal(try Self.bench(notExecutable), path: notExecutable, "is not executable")
        let hostile = Dictionary(uniqueKeysWithValues: try NonRegularInputTests.hostilePaths(in: folder))
        let problems = [
            "a FIFO without a writer": "is a FIFO, not a regular file",
            "a directory": "is a directory",
            "/dev/zero": "is a device, not a regular file",
            "a socket": "is a socket, not a regular file",
            "a symlink loop": "cannot be looked at (Too many levels of symbolic links)",
        ]
        for (name, problem) in problems {
            let path = try #require(hostile[name])
            Self.expectRefusal(try Self.bench(path), path: path, problem)
        }
    }

    @Test func programsThatFailOrPrintNoRateAreNamedWithWhatTheyDid() throws {
        let folder = try CLI.temporaryDirectory()
        let cases = [
            ("exits", "echo events_per_s=1000; exit 3", "exited with status 3"),
            ("killed", "kill -9 $$", "was ended by signal 9"),
            ("silent", "exit 0", "printed nothing"),
            (
                "garbage", "echo 'segments: 12 of 40'",
                #"printed no events_per_s=N with N a positive number (its output begins "segments: 12 of 40")"#
            ),
            ("negative", "echo events_per_s=-5", "printed no events_per_s=N"),
            ("not-a-number", "echo events_per_s=fast", "printed no events_per_s=N"),
            ("prefixed", "echo c_events_per_s=5", "printed no events_per_s=N"),
            ("endless", "exec yes", "printed more than 65536 bytes and was stopped"),
            (
                "escapes", #"printf '\033]0;owned\007\033[2J\n'"#,
                #"printed no events_per_s=N with N a positive number (its output begins "\u{1b}]0;owned\u{7}\u{1b}[2J")"#
            ),
            ("binary", "head -c 2000 /dev/urandom | tr -d '\\n'; echo", "printed no events_per_s=N"),
        ]
        for (name, body, problem) in cases {
            let path = try Self.script(name, body, in: folder)
            let result = try Self.bench(path)
            Self.expectRefusal(result, path: path, problem)
            #expect(!result.stderr.contains("\u{1b}"), "\(name): \(result.stderr)")
        }
    }

    /// A program that hangs, whether holding its output open or after closing it, is stopped
    /// at `--c-baseline-timeout`, with whatever it started.
    @Test func programsThatHangAreStoppedWithWhatTheyStarted() throws {
        let folder = try CLI.temporaryDirectory()
        let childFile = folder.appendingPathComponent("child").path
        let cases = [
            ("hangs", "sleep 300 & echo $! > '\(childFile)'; wait"),
            ("closes-then-hangs", "echo events_per_s=1000; exec >&-; sleep 300 & echo $! > '\(childFile)'; wait"),
        ]
        for (name, body) in cases {
            let path = try Self.script(name, body, in: folder)
            let result = try Self.bench(path, ["--c-baseline-timeout", "1s"])
            Self.expectRefusal(result, path: path, "did not finish within 1.0 s and was stopped")
            let child = try #require(
                Int32(try String(contentsOfFile: childFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(Self.ends(child), "\(name): its sleep \(child) still runs")
        }
    }

    /// True once process `pid` has ended, within 10 s: a killed process may take a moment.
    static func ends(_ pid: Int32) -> Bool {
        for _ in 0..<1000 {
            if !isRunning(pid) { return true }
            usleep(10_000)
        }
        return false
    }

    /// True while process `pid` exists and is not a zombie waiting for its parent.
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let afterName = stat.range(of: ") ", options: .backwards)
        else { return false }
        return !stat[afterName.upperBound...].hasPrefix("Z")
    }

    @Test func theBaselineNeedsTheReferenceScenarioAndAValidTimeout() throws {
        let folder = try CLI.temporaryDirectory()
        let path = try Self.script("never-run", "touch '\(folder.path)/ran'", in: folder)
        let alone = try CLI.run(["bench", "cache", "--c-baseline", path], timeout: Self.hangGuard)
        #expect(alone.status == 2)
        #expect(alone.stderr.hasPrefix("scaletop: --c-baseline: it is compared with the reference scenario"), "\(alone.stderr)")
        let badTimeout = try Self.bench(path, ["--c-baseline-timeout", "soon"])
        #expect(badTimeout.status == 2)
        #expect(badTimeout.stderr.hasPrefix("scaletop: --c-baseline-timeout: "), "\(badTimeout.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("ran").path))
    }

    /// The program is run with the reference arguments, and the line gains the best rate of
    /// each side and their ratio, before `rss_mib`.
    @Test func theReferenceLineGainsTheBaselineAndTheRatio() throws {
        let folder = try CLI.temporaryDirectory()
        let path = try Self.script(
            "dessim", #"[ "$*" = "2000000 1 rand" ] || exit 9; echo "impl=c N=$1 events_per_s=1000000 mean_resp_ms=15.47""#,
            in: folder)
        let result = try Self.bench(path)
        #expect(result.status == 0, "\(result.stderr)")
        let pairs = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map {
            $0.split(separator: "=", maxSplits: 1).map(String.init)
        }
        #expect(pairs.map { $0[0] }.suffix(4) == ["best_events_per_s", "c_events_per_s", "c_ratio", "rss_mib"])
        let fields = Dictionary(uniqueKeysWithValues: pairs.map { ($0[0], $0.count > 1 ? $0[1] : "") })
        #expect(fields["c_events_per_s"] == "1000000")
        let best = try #require(Double(fields["best_events_per_s"] ?? ""))
        let ratio = try #require(Double(fields["c_ratio"] ?? ""))
        #expect(abs(ratio - best / 1_000_000) < 0.001, "\(result.stdout)")
        // With one run, the best is the median.
        #expect(fields["best_events_per_s"] == fields["events_per_s"])
    }

    /// Whether process `pid` is gone: no such process, or a zombie waiting for its reaper.
    static func isGone(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return errno == ESRCH }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }

    /// The program runs in a process group of its own (so a timeout stops all it started);
    /// each signal that ends scaletop by default must end that group too, or the program
    /// runs on where no terminal or supervisor will signal it. Started, as here, from a test
    /// runner's worker thread that blocks every signal, scaletop must unblock them first.
    @Test(arguments: [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1])
    func aSignalThatEndsScaletopEndsTheBaselineToo(_ signal: Int32) throws {
        let folder = try CLI.temporaryDirectory()
        let pidFile = folder.appendingPathComponent("pid").path
        let path = try Self.script(
            "dessim", "echo $$ > \(pidFile).part && mv \(pidFile).part \(pidFile); exec sleep 600", in: folder)
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["bench", "reference", "--runs", "1", "--c-baseline", path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let started = Date()
        var child: pid_t?
        while child == nil && Date().timeIntervalSince(started) < Self.hangGuard && process.isRunning {
            child = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap {
                pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            if child == nil { usleep(20_000) }
        }
        let baseline = try #require(child, "the baseline never started")
        defer { kill(baseline, SIGKILL) }
        #expect(!Self.isGone(baseline))
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(
            process.terminationReason == .uncaughtSignal && process.terminationStatus == signal,
            "scaletop ended with \(process.terminationStatus) (\(process.terminationReason.rawValue))")
        let ended = Date()
        while !Self.isGone(baseline) && Date().timeIntervalSince(ended) < 10 { usleep(20_000) }
        #expect(Self.isGone(baseline), "the baseline \(baseline) outlived scaletop")
    }

    /// The twenty-million-users scenario is known: only the bad `--runs` stops the command.
    @Test func benchKnowsTheTwentyMillionUsersScenario() throws {
        let result = try CLI.run(["bench", "twenty-million-users", "--runs", "0"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("--runs: expected at least 1"), "\(result.stderr)")
    }

    /// The global scenario is known, though the default list leaves it out: only the bad
    /// `--runs` stops the command.
    @Test func benchKnowsTheGlobalScenario() throws {
        let result = try CLI.run(["bench", "global", "--runs", "0"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("--runs: expected at least 1"), "\(result.stderr)")
    }
}
