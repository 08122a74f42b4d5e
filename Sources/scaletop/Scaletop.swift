import ArgumentParser
import CTerminalSafety
import Foundation
import ScaleFiles

/// The `scaletop` command line: the dashboard by default, and the headless tools.
@main
struct Scaletop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaletop",
        abstract: "Grow a web system from one server to millions of users, request by request.",
        version: scaletopVersion,
        subcommands: [
            DashboardCommand.self, RunCommand.self, ReplayCommand.self, CacheCommand.self, BenchCommand.self, PresetsCommand.self,
            CheckCommand.self, CompareCommand.self, CapacityCommand.self,
        ],
        defaultSubcommand: DashboardCommand.self
    )

    /// Parses the command line and runs it, as ArgumentParser's own `main` does, except that
    /// its error messages are made safe for a terminal first: they quote arguments, and an
    /// argument can hold escape codes (docs/security.md). Help, the version and completion
    /// scripts are the program's own text, printed as they are, through the C library's
    /// stdout, so that is checked at exit as `Output` checks every command's writes. No
    /// signal stays blocked; one ignored at the start stays ignored (docs/security.md).
    static func main() {
        // A parent's thread may have started us with signals blocked (a dispatch worker
        // does): SIGTERM would then never end us, nor SIGWINCH resize the dashboard.
        scaletop_unblock_signals()
        // A signal that ends a command leaves no file it was creating half written.
        scaletop_remove_on_signal_begin()
        atexit {
            guard fflush(nil) != 0 else { return }
            let code = errno
            if code == EPIPE { _exit(141) }
            printError("scaletop: standard output: cannot write the output: \(String(cString: strerror(code)))")
            _exit(74)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
            } else if !message.isEmpty {
                printError(TerminalSafe.lines(message))
            }
            Foundation.exit(code.rawValue)
        }
    }
}
