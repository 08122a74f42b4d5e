import Foundation
import ScaleFiles
import ScaleSim

/// Resolves a PRESET argument, decodes it and reads its key trace, or fails with exit
/// status 2.
func loadPreset(_ argument: String, overrides: [String] = []) throws -> LoadedPreset {
    do {
        let parsed = try overrides.map { (text: String) throws(PresetError) in try PresetOverride(parsing: text) }
        return try PresetCatalog(environment: ProcessInfo.processInfo.environment).load(argument, overrides: parsed)
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

/// Reads a replay file, or fails with exit status 2 naming the file and line; warns on
/// stderr about a last line cut short.
func loadReplay(_ path: String) throws -> ReplayFile {
    let replay: ReplayFile
    do {
        replay = try ReplayReader.read(file: path)
    } catch {
        throw badInput(error.description)
    }
    for warning in replay.warnings { printError("scaletop: warning: " + warning) }
    return replay
}
