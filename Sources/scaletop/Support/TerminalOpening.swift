import ArgumentParser
import Foundation
import ScaleTUI

/// The dashboard's terminal, as `scaletop dashboard` and `scaletop replay` open and run it.
extension TerminalSession {
    /// Whether the dashboard may use colour: not with `--no-color` (`noColor`) or a
    /// non-empty NO_COLOR in `environment`.
    static func colorAllowed(noColor: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        !noColor && (environment["NO_COLOR"] ?? "").isEmpty
    }

    /// Takes over the terminal for the dashboard, or fails with exit status 2 saying why
    /// (stdout or stdin is not a terminal, TERM is unusable).
    static func openForDashboard(colorAllowed: Bool) throws -> TerminalSession {
        do {
            return try TerminalSession.open(colorAllowed: colorAllowed)
        } catch {
            throw badInput("\(error)")
        }
    }

    /// Runs `app` on this terminal until the user quits or presses Ctrl-C, then gives the
    /// terminal back.
    func run(_ app: DashboardApp) {
        app.run { self.interruptRequested }
        close()
    }
}
