import ScaleSim

/// A replay file that cannot be read or written, located at its line when known.
///
/// `description` reads `FILE:LINE: MESSAGE` (`FILE: MESSAGE` without a line), made safe
/// for a terminal, like `PresetError`.
public struct ReplayError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    /// Line in the file, from 1.
    public let line: Int?
    public let message: String

    public init(file: String, line: Int? = nil, message: String) {
        self.file = TerminalSafe.text(file)
        self.line = line
        self.message = TerminalSafe.text(message)
    }

    public var description: String {
        file + (line.map { ":\($0)" } ?? "") + ": " + message
    }
}

/// Where a replay stopped agreeing with its recording: the first checkpoint (or end line)
/// whose digest differs.
public struct ReplayDivergence: Error, CustomStringConvertible, Equatable, Sendable {
    /// The line of the checkpoint, from 1.
    public let line: Int
    /// Simulated time since the start of the stage.
    public let time: SimTime
    public let expected: UInt64
    public let actual: UInt64

    /// What differs, without the line.
    public var message: String {
        "the replay diverges at \(DurationParser.format(time)) of simulated time: "
            + "digest \(ReplayRecord.hex(actual)), the recording has \(ReplayRecord.hex(expected))"
    }

    public var description: String { "line \(line): " + message }
}
