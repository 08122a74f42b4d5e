import ScaleSim

/// Script files: commands to apply at simulated times, one per line (see docs/scripts.md).
///
/// ```
/// # kill the database for a minute
/// at 2m   kill db
/// at 3m   restore db      # back again
/// ```
///
/// Each line is `at DURATION COMMAND`, with `COMMAND` in `CommandGrammar`'s syntax; `#`
/// starts a comment that runs to the end of the line, and blank lines are skipped. Lines
/// may come in any order: commands run in time order, and commands at the same time in the
/// order they are written.
public enum ScriptFile {
    /// The dashboard prompt's `load PRESET`, which starts the run over from a preset: a
    /// script is part of one run, so a script line naming it is an error saying so.
    public static let loadKeyword = "load"

    /// The largest script accepted, in bytes.
    public static let maxBytes = 4 << 20

    /// The commands of `text`, read from `file` (used only in errors), in time order.
    ///
    /// A line that does not parse makes the whole script an error, located at its line and
    /// the column of the offending word.
    public static func parse(_ text: String, file: String) throws(PresetError) -> [ScheduledCommand] {
        var commands: [ScheduledCommand] = []
        for (index, line) in lines(of: text).enumerated() {
            do throws(CommandSyntaxError) {
                if let command = try scheduledCommand(line) { commands.append(command) }
            } catch {
                throw PresetError(file: file, line: index + 1, column: error.column, message: error.message)
            }
        }
        return inTimeOrder(commands)
    }

    /// The commands of the script file at `path`, in time order; a file that is missing,
    /// unreadable, not UTF-8 or over `maxBytes` is an error naming it.
    public static func read(file path: String) throws(PresetError) -> [ScheduledCommand] {
        try parse(TextFile.read(path, maxBytes: maxBytes, kind: "script file"), file: path)
    }

    // MARK: - Lines

    /// The command on one script line, or `nil` for a blank or comment-only line.
    static func scheduledCommand(_ line: some StringProtocol) throws(CommandSyntaxError) -> ScheduledCommand? {
        // No word of the grammar contains `#`, so the first one starts the comment.
        var reader = CommandReader(line.prefix { $0 != "#" })
        guard let first = reader.next() else { return nil }
        reader.usage = "at DURATION COMMAND"
        guard first.text == "at" else {
            throw reader.failure(expected: "at, as in \"at 60s add replica db 2\"", at: first)
        }
        let time = try reader.duration(allowZero: true)
        if let word = reader.peek(), word.text == loadKeyword {
            reader.usage = nil
            throw reader.fail(
                "load starts the run over from a preset, so only the dashboard's : prompt takes it; "
                    + "a script is part of one run (run another preset with its own script instead)", at: word)
        }
        return ScheduledCommand(at: time, command: try CommandGrammar.command(from: &reader))
    }

    /// `commands` sorted by time; commands at the same time keep their order.
    static func inTimeOrder(_ commands: [ScheduledCommand]) -> [ScheduledCommand] {
        commands.enumerated()
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
            .map(\.element)
    }

    /// The lines of `text`, split at LF, CRLF or CR as editors count them; a leading byte
    /// order mark is dropped.
    private static func lines(of text: String) -> [Substring] {
        let body = text.first == "\u{FEFF}" ? text.dropFirst() : text[...]
        // CR and LF never join a character other than each other (CRLF), so their bytes
        // show where lines end, and reading bytes keeps a line of megabytes quick.
        let bytes = body.utf8
        var lines: [Substring] = []
        var start = bytes.startIndex
        var index = start
        while index < bytes.endIndex {
            let byte = bytes[index]
            index = bytes.index(after: index)
            guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else { continue }
            lines.append(body[start..<bytes.index(before: index)])
            if byte == UInt8(ascii: "\r"), index < bytes.endIndex, bytes[index] == UInt8(ascii: "\n") {
                index = bytes.index(after: index)
            }
            start = index
        }
        lines.append(body[start...])
        return lines
    }
}
