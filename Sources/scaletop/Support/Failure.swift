import ArgumentParser
import Foundation
import ScaleFiles
import ScaleSim

/// Writes one line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Bad input: prints one clear message and ends with exit status 2 (INTERFACES.md).
func badInput(_ message: String) -> ExitCode {
    printError("scaletop: " + message)
    return ExitCode(2)
}

/// Parses a duration option, or fails with exit status 2 naming the option.
func parseDuration(_ text: String, option: String) throws -> SimTime {
    guard let value = DurationParser.parse(text) else {
        throw badInput("\(option): \(DurationParser.problem(with: text) ?? DurationParser.expected)")
    }
    return value
}

