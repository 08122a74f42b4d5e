import ArgumentParser
import Foundation
import ScaleFiles

/// `scaletop check PRESET...`: validates preset files without running them.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate presets (and the key traces they name) without running them."
    )

    @Argument(help: "Preset files, stage numbers (03, 05v) or names.")
    var presets: [String]

    func run() throws {
        let catalog = PresetCatalog(environment: ProcessInfo.processInfo.environment)
        let output = Output(standardOutputFor: "the results")
        var failed = false
        for argument in presets {
            do {
                // Loading reads the key trace too: it must be a regular file, and well formed.
                _ = try catalog.load(argument)
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
