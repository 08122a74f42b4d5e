import ArgumentParser

/// `scaletop [PRESET]`: the live dashboard (arrives in a later version).
struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Open the live dashboard (default; not built yet: use `scaletop run`)."
    )

    @Argument(help: "A preset: a file, a stage number (03) or a name. Default: stage 00.")
    var preset: String = "00"

    func run() throws {
        _ = try loadPreset(preset)
        printError("scaletop: the live dashboard is not built yet; run the preset headless with `scaletop run \(preset)`.")
    }
}
