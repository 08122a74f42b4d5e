import ArgumentParser
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
}
