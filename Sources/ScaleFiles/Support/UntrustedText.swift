/// Text that came from outside scaletop (a file, a file name, a command line), which output
/// code can only print made safe.
///
/// Its `description`, and so every string interpolation and `print` of it, writes control
/// and direction-changing characters as `\u{..}` escapes (`TerminalSafe.text`): a name from a
/// hostile replay file or preset folder cannot retitle the window or clear the screen. The
/// text as it came is `verbatim`, for comparisons, for opening files and for encoders that
/// escape it themselves (JSON); never for a terminal. See docs/security.md.
public struct UntrustedText: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    ExpressibleByStringLiteral
{
    /// The text exactly as it came.
    public let verbatim: String

    public init(_ verbatim: String) {
        self.verbatim = verbatim
    }

    public init(stringLiteral value: String) {
        verbatim = value
    }

    /// The text safe for a terminal: what interpolation and `print` show.
    public var description: String { TerminalSafe.text(verbatim) }

    public var debugDescription: String { verbatim.debugDescription }

    /// The safe text cut to `TerminalSafe.quoteLimit` characters, in double quotes, for messages.
    public var quoted: String { TerminalSafe.quoted(verbatim) }

    /// The safe text's first `count` characters, for a field of fixed width.
    public func prefix(_ count: Int) -> String { String(description.prefix(count)) }

    public var isEmpty: Bool { verbatim.isEmpty }

    /// This text followed by `suffix` (trusted text the program adds, such as `-live`).
    public static func + (text: UntrustedText, suffix: String) -> UntrustedText {
        UntrustedText(text.verbatim + suffix)
    }
}
