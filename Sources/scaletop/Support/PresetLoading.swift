import Foundation
import ScaleFiles
import ScaleSim

/// Resolves a PRESET argument and decodes it, or fails with exit status 2.
func loadPreset(_ argument: String, overrides: [String] = []) throws -> (name: String, spec: SystemSpec) {
    do {
        let parsed = try overrides.map { (text: String) throws(PresetError) in try PresetOverride(parsing: text) }
        let catalog = PresetCatalog(environment: ProcessInfo.processInfo.environment)
        let source = try catalog.resolve(argument)
        return (source.name, try source.decode(overrides: parsed))
    } catch {
        throw badInput(error.description)
    }
}

/// Reads a script file, or fails with exit status 2 naming the file and line.
func loadScript(_ path: String) throws -> [ScheduledCommand] {
    do {
        return try ScriptFile.read(file: path)
    } catch {
        throw badInput(error.description)
    }
}
