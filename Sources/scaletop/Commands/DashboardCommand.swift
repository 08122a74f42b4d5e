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

    @Argument(help: "A preset: a file, a stage number (03) or a name. Default: stage 00.")
    var preset: String = "00"

    @Option(help: "Random seed (default: the preset's).")
    var seed: UInt64?

    @Option(help: "Simulated seconds per wall second: a factor (0.5, 4) or max.")
    var speed: String = "1"

    @Flag(help: "Monochrome, as NO_COLOR does.")
    var noColor = false

    /// Makes the dashboard crash on purpose once it is up, to test that the terminal is
    /// restored (hidden: for tests only).
    @Flag(help: .hidden)
    var debugCrash = false

    func run() throws {
        let loaded = try loadPreset(preset)
        let factor = try parseSpeed(speed)
        let environment = ProcessInfo.processInfo.environment
        let colorAllowed = !noColor && (environment["NO_COLOR"] ?? "").isEmpty
        let session: TerminalSession
        do {
            session = try TerminalSession.open(colorAllowed: colorAllowed)
        } catch {
            throw badInput("\(error)")
        }
        let app = DashboardApp(
            terminal: session.terminal, preset: loaded, seed: seed, speed: factor,
            catalog: PresetCatalog(environment: environment))
        if debugCrash { app.crashAfterFirstFrame = true }
        app.run { session.interruptRequested }
        session.close()
    }

    /// `--speed`: a positive factor, or `max` for as fast as the engine goes.
    func parseSpeed(_ text: String) throws -> Double {
        if text == "max" { return DashboardState.maxSpeed }
        guard let value = Double(text), value.isFinite, value > 0, value <= DashboardState.maxSpeed else {
            throw badInput("--speed: expected a factor above 0 and at most \(Int(DashboardState.maxSpeed)), or max; got '\(TerminalSafe.text(text))'")
        }
        return value
    }
}
