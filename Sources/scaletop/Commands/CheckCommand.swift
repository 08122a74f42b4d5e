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
        let output = Output(standardOutputFor: "the results")
        var failed = false
        for argument in presets {
            do {
                _ = try catalog.resolve(argument).decode()
                try output.line("\(TerminalSafe.text(argument)): ok")
            } catch let error as PresetError {
                // Written out first, so the lines keep their order on a terminal.
                try output.flush()
                printError("scaletop: " + error.description)
                failed = true
            }
        }
        try output.finish()
        if failed { throw ExitCode(2) }
    }
}
