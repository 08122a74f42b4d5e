import ArgumentParser
import Foundation
import ScaleFiles
import ScaleSim

/// Writes one line to standard error; if even that fails there is nowhere left to say so.
func printError(_ message: String) {
    _ = FileDescriptorIO.writeAll(STDERR_FILENO, Array((message + "\n").utf8))
}

/// Bad input: prints one clear message and ends with exit status 2 (docs/reports.md, "Exit status").
func badInput(_ message: String) -> ExitCode {
    printError("scaletop: " + message)
    return ExitCode(2)
}

/// The exit status of a failed write: a full disk, an I/O error (EX_IOERR; docs/reports.md).
let writeFailedStatus = ExitCode(74)

/// The exit status after the reader of standard output went away, as a process ended by
/// SIGPIPE shows in a shell (128 + 13); reached only where SIGPIPE is ignored (scaletop unblocks it at start).
let closedPipeStatus = ExitCode(141)

/// A write to `name` (a path, or `standard output`) failed: prints one message and ends
/// with status 74; a closed pipe ends quietly with status 141 (docs/reports.md).
func writeFailed(_ name: String, what: String, _ failure: FileDescriptorIO.Failure) -> ExitCode {
    if failure.isBrokenPipe { return closedPipeStatus }
    printError("scaletop: \(TerminalSafe.text(name)): cannot write \(what): \(failure.reason)")
    return writeFailedStatus
}

/// Parses a duration option, or fails with exit status 2 naming the option.
func parseDuration(_ text: String, option: String) throws -> SimTime {
    guard let value = DurationParser.parse(text) else {
        throw badInput("\(option): \(DurationParser.problem(with: text) ?? DurationParser.expected)")
    }
    return value
}
