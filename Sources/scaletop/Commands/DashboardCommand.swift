import ArgumentParser
import Foundation
import ScaleFiles
import ScaleSim
import ScaleTUI

/// `scaletop [PRESET]`: the live dashboard.
struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Open the live dashboard (the default command).",
        discussion: "Keys: ? shows them all. q or Ctrl-C quits. Needs a terminal; for scripts use `scaletop run`."
    )

    @Argument(help: "A preset: a file, a stage number (03, 05v) or a name. Default: stage 00.")
    var preset: String = "00"

    @Option(help: "Random seed (default: the preset's).")
    var seed: UInt64?

    @Option(help: "Simulated seconds per wall second: a factor (0.5, 4) or max.")
    var speed: String = "1"

    @Flag(help: "Monochrome, as NO_COLOR does.")
    var noColor = false

    @Option(help: "Record the session into this replay file (see `scaletop replay`).")
    var record: String?

    @Option(
        help: ArgumentHelp(
            "Simulate a system of several partitions (groups of data centers) on this many threads (1 to 1024; default: one per core); the status bar shows them. The few commands a partitioned run cannot take are refused, saying why; a recording replays partitioned (docs/dashboard.md).",
            valueName: "n"))
    var threads: String?

    @Flag(
        help:
            "Simulate in one engine on one core (engine revision \(Engine.revision)), which takes every command; the default runs a system of several partitions partitioned."
    )
    var oneEngine = false

    @Flag(help: "Overwrite the --record file if it exists.")
    var force = false

    /// Makes the dashboard crash on purpose once it is up, to test that the terminal is
    /// restored (hidden: for tests only).
    @Flag(help: .hidden)
    var debugCrash = false

    func run() throws {
        let loaded = try loadPreset(preset)
        let factor = try parseSpeedFactor(speed)
        if oneEngine && threads != nil { throw badInput("--one-engine and --threads: choose one") }
        // One core gains nothing from partitions, and one engine takes every command.
        let cores = SystemRun.defaultThreads
        let threadCount = oneEngine ? nil : try threads.map(BenchCommand.threadCount) ?? (cores > 1 ? cores : nil)
        let environment = ProcessInfo.processInfo.environment
        let colorAllowed = TerminalSession.colorAllowed(noColor: noColor, environment: environment)
        // Never over the preset being run, through any link (docs/replay.md).
        let inputs = inputIdentities([(loaded.source.isShipped ? nil : loaded.source.origin, "the preset file")])
        try refuseSameFiles(outputs: [(record, "--record")], inputs: inputs)
        let session = try TerminalSession.openForDashboard(colorAllowed: colorAllowed)
        // Created once the terminal is known to work, so a failed start leaves no file.
        var recording: ReplayWriter?
        if let record {
            do {
                recording = try ReplayWriter(creating: record, force: force, avoiding: inputs)
            } catch {
                session.close()
                throw badInput(error.description)
            }
        }
        let app = DashboardApp(
            terminal: session.terminal, preset: loaded, seed: seed, speed: factor,
            catalog: PresetCatalog(environment: environment), recording: recording,
            recordingsDirectory: Self.recordingsDirectory(environment), threads: threadCount)
        if debugCrash { app.crashAfterFirstFrame = true }
        session.run(app)
        // The dashboard said so when it happened; said again once it has closed, as the
        // exit status does. The lines written before the failure still replay.
        if let failure = recording?.failure {
            printError("scaletop: " + failure.description + " (the recording stops there)")
            throw writeFailedStatus
        }
    }

    /// `$XDG_STATE_HOME/scaletop/recordings`, by default `~/.local/state/scaletop/recordings`.
    static func recordingsDirectory(_ environment: [String: String]) -> String? {
        // The XDG base directory spec says to ignore a relative XDG_STATE_HOME.
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/scaletop/recordings" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.local/state/scaletop/recordings" }
        return nil
    }
}
