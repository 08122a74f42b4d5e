/// A problem with a preset, a `--set` override or a preset name, located as exactly as known.
///
/// `description` reads `FILE:LINE:COLUMN: PATH: MESSAGE`, leaving out the parts that are
/// unknown, so editors and terminals can jump to the spot. Every part is made safe for a
/// terminal when the error is created: a hostile file cannot smuggle escape sequences into
/// the message through a quoted value or a key.
public struct PresetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file name or path, `--set` for an override, or the preset name that failed to resolve.
    public let file: String
    /// Line in the file, from 1.
    public let line: Int?
    /// Column in the line, from 1, counted in characters.
    public let column: Int?
    /// The field the problem is in, such as `nodes[1].workers` or `workload.users`.
    public let path: String?
    /// What was expected and what was found.
    public let message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, path: String? = nil, message: String) {
        self.file = TerminalSafe.text(file)
        self.line = line
        self.column = line == nil ? nil : column
        self.path = path.map(TerminalSafe.text)
        self.message = TerminalSafe.text(message)
    }

    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        if let path, !path.isEmpty { text += ": " + path }
        return text + ": " + message
    }
}

/// Makes text from files and command lines safe to print on a terminal.
public enum TerminalSafe {
    /// How many characters of a value a message quotes before cutting it short.
    public static let quoteLimit = 60

    /// `text` with every control or direction-changing character written as a `\u{..}` escape.
    ///
    /// Covers C0 (with ESC, CR and LF), DEL and C1, which terminals act on, and the Unicode
    /// line separators and bidirectional overrides, which can make a message read differently
    /// from what it says.
    public static func text(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `text` made safe line by line: its line feeds kept, every other unsafe character escaped.
    public static func lines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { Self.text(String($0)) }.joined(separator: "\n")
    }

    /// `text` made safe and cut to `quoteLimit` characters, for messages.
    public static func excerpt(_ text: String) -> String {
        Self.text(text.count > quoteLimit ? String(text.prefix(quoteLimit)) + "…" : text)
    }

    /// `excerpt(text)` in double quotes.
    public static func quoted(_ text: String) -> String { "\"" + excerpt(text) + "\"" }

    /// True for the characters `text` escapes.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
