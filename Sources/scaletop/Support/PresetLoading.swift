import Foundation
import ScaleFiles
import ScaleSim

/// A decoded preset and what it needs besides: the keys of its key trace, if it names one.
struct LoadedPreset {
    var name: String
    var spec: SystemSpec
    var keyTrace: [UInt32]
}

/// Resolves a PRESET argument, decodes it and reads its key trace, or fails with exit
/// status 2.
func loadPreset(_ argument: String, overrides: [String] = []) throws -> LoadedPreset {
    do {
        let parsed = try overrides.map { (text: String) throws(PresetError) in try PresetOverride(parsing: text) }
        let catalog = PresetCatalog(environment: ProcessInfo.processInfo.environment)
        let source = try catalog.resolve(argument)
        var spec = try source.decode(overrides: parsed)
        let keyTrace = try spec.loadKeyTrace(from: source)
        return LoadedPreset(name: source.name, spec: spec, keyTrace: keyTrace)
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
