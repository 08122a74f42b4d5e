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
        if path {
            catalog.searchPaths.forEach { print(TerminalSafe.text($0)) }
            return
        }
        let entries = catalog.list()
        let names = entries.map(\.name.description)
        let width = names.map(\.count).max() ?? 0
        for (entry, safeName) in zip(entries, names) {
            let name = safeName.padding(toLength: width, withPad: " ", startingAt: 0)
            if let error = entry.error {
                print("\(name)  (cannot load: \(error.description))")
            } else {
                print("\(name)  \(entry.description)")
            }
        }
    }
}
