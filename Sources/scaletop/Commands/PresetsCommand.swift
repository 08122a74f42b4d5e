import ArgumentParser
import Foundation
import ScaleFiles

/// `scaletop presets`: lists shipped and user presets in order.
struct PresetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presets",
        abstract: "List shipped and user presets, with one-line descriptions."
    )

    @Flag(help: "Print where presets are looked for.")
    var path = false

    func run() throws {
        let catalog = PresetCatalog(environment: ProcessInfo.processInfo.environment)
        let output = Output(standardOutputFor: "the list")
        if path {
            for folder in catalog.searchPaths { try output.line(TerminalSafe.text(folder)) }
            try output.finish()
            return
        }
        let entries = catalog.list()
        let names = entries.map(\.name.description)
        let width = names.map(\.count).max() ?? 0
        for (entry, safeName) in zip(entries, names) {
            let name = safeName.padding(toLength: width, withPad: " ", startingAt: 0)
            if let error = entry.error {
                try output.line("\(name)  (cannot load: \(error.description))")
            } else {
                try output.line("\(name)  \(entry.description)")
            }
        }
        try output.finish()
    }
}
