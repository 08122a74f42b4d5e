import ArgumentParser
import Foundation
import ScaleFiles

/// The `scaletop` command line: the dashboard by default, and the headless tools.
@main
struct Scaletop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaletop",
        abstract: "Grow a web system from one server to millions of users, request by request.",
        version: scaletopVersion,
        subcommands: [DashboardCommand.self, RunCommand.self, ReplayCommand.self, CacheCommand.self, BenchCommand.self, PresetsCommand.self, CheckCommand.self],
        defaultSubcommand: DashboardCommand.self
    )

    /// Runs the command line; what the argument parser prints itself (help, `--version`)
    /// goes through the C library's stdout, so that is checked at exit as `Output` checks
    /// every command's writes.
    static func main() {
        atexit {
            guard fflush(nil) != 0 else { return }
            let code = errno
            if code == EPIPE { _exit(141) }
            printError("scaletop: standard output: cannot write the output: \(String(cString: strerror(code)))")
            _exit(74)
        }
        main(nil)
    }
}
