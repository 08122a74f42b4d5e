import ArgumentParser
import Foundation
import ScaleFiles
import ScaleTUI

/// Plays the replay file at `path` in the dashboard at its recorded pace times `speed` (a
/// factor or `max`, nil for 1), or with `exportCast` writes it as an asciicast v2 file of
/// `size` (`WxH`, nil for the recorded terminal), overwriting only with `force`; monochrome
/// with `noColor` or a non-empty NO_COLOR. A file of another engine revision plays (or
/// exports) all the same; then it says so and ends with `ReplayCommand.otherRevisionStatus`.
func runDashboardReplay(
    path: String, speed: String?, exportCast: String?, size: String?, force: Bool, noColor: Bool, threads: Int? = nil
) throws {
    let replay = try loadReplay(path)
    if threads != nil { ReplayCommand.noteThreadsUnused(by: replay) }
    let colorAllowed = TerminalSession.colorAllowed(noColor: noColor)
    if let exportCast {
        try exportReplay(replay, to: exportCast, size: size, force: force, color: colorAllowed)
        if let status = ReplayCommand.revisionMismatch(of: replay) { throw status }
        return
    }
    if size != nil { throw badInput("--size applies to --export-cast") }
    let factor = try parseSpeedFactor(speed ?? "1")
    let environment = ProcessInfo.processInfo.environment
    let session = try TerminalSession.openForDashboard(colorAllowed: colorAllowed)
    let app = DashboardApp(
        terminal: session.terminal, replay: replay, factor: factor, catalog: PresetCatalog(environment: environment),
        recordingsDirectory: DashboardCommand.recordingsDirectory(environment), threads: threads)
    session.run(app)
    // Said once the dashboard has closed, so the message stays on the screen.
    if let status = ReplayCommand.revisionMismatch(of: replay) { throw status }
}

/// `--speed`: a positive factor up to the dashboard's fastest, or `max` for that fastest.
func parseSpeedFactor(_ text: String) throws -> Double {
    if text == "max" { return DashboardState.maxSpeed }
    guard let value = Double(text), value.isFinite, value > 0, value <= DashboardState.maxSpeed else {
        throw badInput(
            "--speed: expected a factor above 0 and at most \(Int(DashboardState.maxSpeed)), or max; got '\(TerminalSafe.text(text))'"
        )
    }
    return value
}

/// `--export-cast`: renders `replay` into an asciicast v2 file; says what it wrote on stderr.
/// The replay file itself is never the target, through any link (docs/replay.md).
func exportReplay(_ replay: ReplayFile, to path: String, size: String?, force: Bool, color: Bool) throws {
    let input = inputIdentities([(replay.path, "the replay file being read")])
    try refuseSameFiles(outputs: [(path, "--export-cast")], inputs: input)
    do throws(CastExportError) {
        let dimensions = try size.map { (text: String) throws(CastExportError) in try CastExporter.size(parsing: text) }
        let summary = try CastExporter.export(replay, to: path, size: dimensions, force: force, color: color, avoiding: input)
        printError("scaletop: wrote \(TerminalSafe.text(path)): \(summary)")
    } catch {
        if case .writeFailed = error {
            printError("scaletop: " + error.description)
            throw writeFailedStatus
        }
        throw badInput(error.description)
    }
}
