import ArgumentParser
import Foundation
import ScaleFiles

/// `scaletop check PRESET...`: validates preset files without running them.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate presets without running them."
    )

    @Argument(help: "Preset files, stage numbers (03, 05v) or names.")
    var presets: [String]

    func run() throws {
        let catalog = PresetCatalog(environment: ProcessInfo.processInfo.environment)
        var failed = false
        for argument in presets {
            do {
                _ = try catalog.resolve(argument).decode()
                print("\(TerminalSafe.text(argument)): ok")
            } catch {
                printError("scaletop: " + error.description)
                failed = true
            }
        }
        if failed { throw ExitCode(2) }
    }
}
