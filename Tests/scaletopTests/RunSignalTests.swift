import Foundation
import Testing

/// A signal that ends a headless command leaves none of the files it was creating, half
/// written, behind: the report and the recording go as a failed run's do, and the process
/// still ends by the signal (docs/reports.md, "Where output goes").
@Suite(.serialized) struct RunSignalTests {
    /// Longer than any test waits: the run is always ended by a signal.
    static let endless = ["run", "million-users", "--duration", "3600s"]

    /// Starts `scaletop` with `arguments` (through `/bin/sh -c` with `shellPrefix` when
    /// given) and waits until every one of `files` exists and is not empty, and every one of
    /// `created` exists (a report is created empty at the start, after the recording's header:
    /// waiting on the recording alone raced with the report's creation on a loaded machine).
    static func start(
        _ arguments: [String], waitingFor files: [String], created: [String] = [], shellPrefix: String? = nil
    ) throws -> Process {
        let process = Process()
        if let shellPrefix {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            let command = ([CLI.executable.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
            process.arguments = ["-c", "\(shellPrefix); exec \(command)"]
        } else {
            process.executableURL = CLI.executable
            process.arguments = arguments
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let started = Date()
        while Date().timeIntervalSince(started) < 60 && process.isRunning {
            let sizes = files.map { (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? nil }
            if sizes.allSatisfy({ ($0 ?? 0) > 0 }) && created.allSatisfy(FileManager.default.fileExists(atPath:)) { break }
            usleep(20_000)
        }
        return process
    }

    /// Waits for `process` to end, killing it after 30 s: a signal that failed to end it
    /// fails the test rather than hanging it.
    static func waitOrKill(_ process: Process) {
        let started = Date()
        while process.isRunning && Date().timeIntervalSince(started) < 30 { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    @Test(arguments: [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGXFSZ])
    func aSignalRemovesTheReportAndRecordingBeingWritten(_ signal: Int32) throws {
        let folder = try CLI.temporaryDirectory()
        let report = folder.appendingPathComponent("report.json").path
        let recording = folder.appendingPathComponent("run.replay").path
        // The report is created at the start and written at the end; the recording grows.
        let process = try Self.start(
            Self.endless + ["--report", "json", "--out", report, "--record", recording], waitingFor: [recording],
            created: [report])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        #expect(FileManager.default.fileExists(atPath: report), "the report was not created at the start")
        kill(process.processIdentifier, signal)
        Self.waitOrKill(process)
        #expect(
            process.terminationReason == .uncaughtSignal && process.terminationStatus == signal,
            "scaletop ended with \(process.terminationStatus) (\(process.terminationReason.rawValue))")
        #expect(!FileManager.default.fileExists(atPath: report), "the half-made report stayed")
        #expect(!FileManager.default.fileExists(atPath: recording), "the half-made recording stayed")
    }

    /// A signal at any moment of a run's start, before its files are created, while they
    /// are and after, leaves neither behind: a file is held for removal as it is created,
    /// with the signals waiting meanwhile (a signal between the two used to leave the report).
    @Test func aSignalAtAnyMomentOfTheStartLeavesNoFile() throws {
        let folder = try CLI.temporaryDirectory()
        // The files come 10 to 30 ms after the start on this project's machine, later on a
        // loaded one: every millisecond of the first 30, then every 30 ms up to 0.39 s.
        let delays = Array(stride(from: 0, to: 30_000, by: 1_000)) + Array(stride(from: 30_000, to: 390_000, by: 30_000))
        for (round, delay) in delays.enumerated() {
            let report = folder.appendingPathComponent("report-\(round).json").path
            let recording = folder.appendingPathComponent("run-\(round).replay").path
            let process = Process()
            process.executableURL = CLI.executable
            process.arguments = Self.endless + ["--report", "json", "--out", report, "--record", recording]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(useconds_t(delay))
            kill(process.processIdentifier, SIGTERM)
            Self.waitOrKill(process)
            #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGTERM)
            #expect(!FileManager.default.fileExists(atPath: report), "the report stayed after \(delay) µs")
            #expect(!FileManager.default.fileExists(atPath: recording), "the recording stayed after \(delay) µs")
        }
    }

    /// Only what the run created goes: a file `--force` writes over stays, as after a failure.
    @Test func aFileThatWasThereBeforeStays() throws {
        let folder = try CLI.temporaryDirectory()
        let report = folder.appendingPathComponent("report.txt").path
        let recording = folder.appendingPathComponent("run.replay").path
        try "an older report\n".write(toFile: report, atomically: false, encoding: .utf8)
        let process = try Self.start(
            Self.endless + ["--out", report, "--force", "--record", recording], waitingFor: [recording])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        kill(process.processIdentifier, SIGTERM)
        Self.waitOrKill(process)
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGTERM)
        #expect(FileManager.default.fileExists(atPath: report))
        #expect(!FileManager.default.fileExists(atPath: recording))
    }

    /// A signal ignored when scaletop started (`nohup`, `trap '' TERM`) stays ignored: the
    /// run goes on, and so do its files.
    @Test func anIgnoredSignalStaysIgnored() throws {
        let folder = try CLI.temporaryDirectory()
        let recording = folder.appendingPathComponent("run.replay").path
        let process = try Self.start(
            Self.endless + ["--record", recording], waitingFor: [recording], shellPrefix: "trap '' TERM")
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        kill(process.processIdentifier, SIGTERM)
        usleep(500_000)
        #expect(process.isRunning, "an ignored SIGTERM ended the run")
        #expect(FileManager.default.fileExists(atPath: recording))
    }
}
