import ScaleFiles
import ScaleSim

/// A line typed at the `:` prompt: an engine command in the script grammar, or
/// `load PRESET`, which starts the run over from a preset and so exists only here (a script
/// is part of one run; see docs/scripts.md).
enum PromptCommand: Equatable {
    case simulation(SimCommand)
    /// A stage number (`03`, `05v`), a preset name or a path.
    case load(String)

    /// The command `line` spells; errors give the column of the offending word.
    static func parse(_ line: String) throws(CommandSyntaxError) -> PromptCommand {
        let words = line.split(whereSeparator: \.isWhitespace)
        guard words.first == Substring(ScriptFile.loadKeyword) else {
            return .simulation(try CommandGrammar.parse(line, otherCommands: [ScriptFile.loadKeyword]))
        }
        let usage = "\(ScriptFile.loadKeyword) PRESET: "
        guard words.count == 2 else {
            let column = words.count > 2 ? line.distance(from: line.startIndex, to: words[2].startIndex) + 1 : line.count + 1
            let found = words.count > 2 ? "more after \(TerminalSafe.quoted(String(words[1])))" : "nothing"
            throw CommandSyntaxError(
                message: usage + "expected one stage number (03, 05v), preset name or path, got \(found)", column: column)
        }
        return .load(String(words[1]))
    }
}
