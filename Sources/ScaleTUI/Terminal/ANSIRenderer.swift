/// Turns screen buffers into ANSI escape output, for terminal recordings (asciicast).
///
/// A frame is either the whole screen (`fullFrame`) or what changed since the frame
/// before (`diff`), as `ScreenDiff` finds it for the curses terminal too. Colours and attributes mirror `CursesTerminal`'s theme. Each frame
/// starts and ends with the terminal's default attributes, so frames can be played from
/// any one that follows a full frame.
///
/// The only escape sequences in the output are the renderer's own CSI sequences: cursor
/// positions (`CSI row;col H`), erase (`CSI 2J`), cursor visibility (`CSI ?25l`/`h`) and
/// SGR (`CSI ... m`). Cell content is text; a control character that reached a cell
/// (`ScreenBuffer.put` stores what it is given) is written as `?`.
public struct ANSIRenderer: Sendable {
    /// Hides the cursor, as the dashboard does on a real terminal.
    public static let hideCursor = "\u{1B}[?25l"
    /// Shows the cursor again.
    public static let showCursor = "\u{1B}[?25h"
    /// Back to the terminal's default colours and attributes.
    public static let resetAttributes = "\u{1B}[0m"

    /// Unchanged cells between two changed runs of a row that are rewritten rather than
    /// skipped: a cursor move costs about as many bytes as this many cells.
    static let mergeGap = 4

    /// The SGR sequence for each packed `Style` byte.
    private let sgr: [String]

    /// A renderer in colour, or with bold, dim and reverse alone when `color` is false.
    public init(color: Bool = true) {
        sgr = (0...UInt8.max).map { Self.selectGraphicRendition(Style(packed: $0), color: color) }
    }

    /// The whole screen: attributes reset, screen cleared, then every row that holds
    /// anything but default blanks.
    public func fullFrame(_ buffer: ScreenBuffer) -> String {
        frame(ScreenDiff(from: nil, to: buffer), of: buffer)
    }

    /// What turns `old` on screen into `new`: a cursor move and the cells of each changed
    /// run; empty when nothing changed. A full frame when there is no `old` or its size differs.
    public func diff(from old: ScreenBuffer?, to new: ScreenBuffer) -> String {
        frame(ScreenDiff(from: old, to: new, mergingGapsUpTo: Self.mergeGap), of: new)
    }

    /// The output that draws `diff`'s runs of `buffer`, after clearing the screen when it is
    /// a full redraw.
    private func frame(_ diff: ScreenDiff, of buffer: ScreenBuffer) -> String {
        var out = diff.isFullRedraw ? Self.resetAttributes + "\u{1B}[H\u{1B}[2J" : ""
        var current = Style.normal.packed
        for run in diff.runs {
            var end = run.columns.upperBound
            if diff.isFullRedraw {
                // The cleared screen already shows default blanks; leave them out at the end of a row.
                let row = run.row * buffer.width
                while end > run.columns.lowerBound, buffer.scalars[row + end - 1] == " ",
                    buffer.styles[row + end - 1] == Style.normal.packed
                {
                    end -= 1
                }
                guard end > run.columns.lowerBound else { continue }
            }
            appendRun(of: buffer, row: run.row, from: run.columns.lowerBound, to: end, current: &current, into: &out)
        }
        if current != Style.normal.packed { out += Self.resetAttributes }
        return out
    }

    /// Moves the cursor to (`start`, `row`) and writes the cells up to `end`, switching
    /// attributes only where the style changes.
    private func appendRun(
        of buffer: ScreenBuffer, row y: Int, from start: Int, to end: Int, current: inout UInt8, into out: inout String
    ) {
        out += "\u{1B}[\(y + 1);\(start + 1)H"
        let row = y * buffer.width
        for x in start..<end {
            let packed = buffer.styles[row + x]
            if packed != current {
                out += sgr[Int(packed)]
                current = packed
            }
            out.unicodeScalars.append(ScreenBuffer.displayable(buffer.scalars[row + x]))
        }
    }

    /// The SGR sequence that draws `style`: a reset, then its attributes and colours, from
    /// the same theme the curses terminal uses.
    static func selectGraphicRendition(_ style: Style, color: Bool) -> String {
        // Players of recordings have at least 16 colours, so grey is available for `.dim`.
        let look = CursesTheme.look(of: style, color: color, colorCount: 16)
        var codes = ["0"]
        if look.bold { codes.append("1") }
        if look.dim { codes.append("2") }
        if look.reverse { codes.append("7") }
        if let foreground = look.foreground { codes.append(String(foreground.ansiForeground)) }
        if let background = look.background { codes.append(String(background.ansiForeground + 10)) }
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }
}

extension CursesColor {
    /// The SGR parameter that sets this colour as the foreground; add 10 for the background.
    var ansiForeground: Int {
        switch self {
        case .black: 30
        case .red: 31
        case .green: 32
        case .yellow: 33
        case .blue: 34
        case .magenta: 35
        case .cyan: 36
        case .white: 37
        case .brightBlack: 90
        }
    }
}
