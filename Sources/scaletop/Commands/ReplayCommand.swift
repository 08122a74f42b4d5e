import ArgumentParser
import Foundation
import ScaleFiles
import ScaleSim

/// `scaletop replay FILE`: plays a recording back in the dashboard, or headless to check it
/// and report on it.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play a replay file back: in the dashboard, or headless to verify it and print its report.",
        discussion: "The file format is described in docs/replay.md."
    )

    @Argument(help: "A replay file, as written by --record.")
    var file: String

    @Flag(help: "Replay without the dashboard, as fast as possible.")
    var headless = false

    @Flag(
        help:
            "With --headless: compare every checkpoint's digest; exit 1 at the first divergence, 3 for a file of another engine revision."
    )
    var verify = false

    @Option(help: "With --headless: report format, text, json or csv (default text), as `scaletop run` prints it.")
    var report: RunCommand.ReportFormat?

    @Option(help: "Playback speed in the dashboard: a factor (0.5, 4) or max.")
    var speed: String?

    @Option(name: .customLong("export-cast"), help: "Write the playback as an asciicast v2 file instead of showing it.")
    var exportCast: String?

    @Option(help: "Terminal size for --export-cast, WxH (default: the recorded one).")
    var size: String?

    @Flag(help: "Overwrite the --export-cast file if it exists.")
    var force = false

    @Flag(help: "Monochrome, as NO_COLOR does (the dashboard and --export-cast).")
    var noColor = false

    @Option(
        help: ArgumentHelp(
            "Threads for a recording of a partitioned run (1 to 1024; default: one per core); its digests are the same on any number. A recording made in one engine plays in one engine (docs/replay.md).",
            valueName: "n"))
    var threads: String?

    /// The exit status of a replay of a file recorded with another engine revision: it
    /// played, but its digests could not be verified (docs/reports.md).
    static let otherRevisionStatus = ExitCode(3)

    /// Says on stderr that `replay` comes from another engine revision, if it does, and
    /// returns the exit status to end with then; nil for a file of this revision.
    static func revisionMismatch(of replay: ReplayFile) -> ExitCode? {
        guard let note = replay.revisionNote else { return nil }
        printError("scaletop: \(TerminalSafe.text(replay.path)): \(note)")
        return otherRevisionStatus
    }

    /// Says on stderr that `--threads` does not apply to `replay`, recorded in one engine.
    static func noteThreadsUnused(by replay: ReplayFile) {
        guard !Engine.partitionedRevisions.contains(replay.header.engineRevision) else { return }
        printError(
            "scaletop: \(TerminalSafe.text(replay.path)): recorded in one engine (engine revision "
                + "\(replay.header.engineRevision)): it plays in one engine, whatever --threads says")
    }

    func run() throws {
        let threadCount = try threads.map(BenchCommand.threadCount)
        guard headless else {
            if verify || report != nil { throw badInput("--verify and --report replay headless; add --headless") }
            try runDashboardReplay(
                path: file, speed: speed, exportCast: exportCast, size: size, force: force, noColor: noColor,
                threads: threadCount)
            return
        }
        for (name, value) in [("--speed", speed), ("--export-cast", exportCast), ("--size", size)] where value != nil {
            throw badInput("\(name) does not apply with --headless, which replays as fast as it can")
        }
        if report == .html { throw badInput("--report html: replay --headless writes text, json or csv; use scaletop run") }
        let replay = try loadReplay(file)
        if threadCount != nil { Self.noteThreadsUnused(by: replay) }

        var replayer = Replayer(file: replay, threads: threadCount)
        let format = report ?? .text
        let output = Output(standardOutputFor: "the report")
        if format == .csv { try output.line(CSVReport.header) }
        // A failed write inside the replay's callback, which cannot throw: kept, and the
        // replay stopped at its next step.
        var writeError: (any Error)?
        do {
            while !replayer.isFinished, writeError == nil {
                try replayer.step(verify: verify) { run in
                    guard format == .csv, writeError == nil else { return }
                    do {
                        try output.line(CSVReport.rows(for: run.simulationSnapshot(historyLimit: 0)).joined(separator: "\n"))
                    } catch {
                        writeError = error
                    }
                }
            }
        } catch {
            try output.flush()
            printError("scaletop: \(TerminalSafe.text(file)):\(error.line): \(error.message)")
            throw ExitCode(1)
        }
        if let writeError { throw writeError }
        if verify && replay.isVerifiable {
            try output.flush()
            let ending = replay.isComplete ? "" : " (the recording has no end line: it stops early)"
            printError("scaletop: verified \(replayer.verifiedCheckpoints) checkpoints of \(TerminalSafe.text(file))\(ending)")
        }
        let json = RunReport(summary: replayer.run.summary(), preset: replayer.presetName).json
        switch format {
        case .json: try output.line(json.encoded())
        case .text: try output.write(TextReport.render(json))
        case .csv, .html: break
        }
        try output.finish()
        if let status = Self.revisionMismatch(of: replay) { throw status }
    }
}
