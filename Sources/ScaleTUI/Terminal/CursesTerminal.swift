import CNCurses
import CTerminalSafety
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the dashboard cannot open the terminal; the caller prints it and exits with status 2.
public enum TerminalUnavailable: Error, Equatable, CustomStringConvertible {
    /// stdout or stdin is a file or pipe (`stream` names which).
    case notATerminal(stream: String)
    /// TERM is unset, unknown to terminfo, or names a terminal that cannot move the cursor.
    case unusableTerminal(term: String?)

    public var description: String {
        let headless = "for a headless run use `scaletop run PRESET`"
        switch self {
        case .notATerminal(let stream):
            return "the dashboard needs a terminal (\(stream) is not a terminal); \(headless)"
        case .unusableTerminal(let term?):
            return "the dashboard cannot drive this terminal (TERM=\(term) is unknown or cannot "
                + "move the cursor); \(headless)"
        case .unusableTerminal(nil):
            return "the dashboard needs TERM to name the terminal (it is not set); \(headless)"
        }
    }
}

/// The dashboard on a real terminal, through wide-character ncurses.
///
/// Open it with `TerminalSession.open`, which also restores the terminal on signals and
/// crashes. Every call must come from the thread that opened it.
public final class CursesTerminal: TerminalBackend {
    public private(set) var size: (width: Int, height: Int)
    public let hasUnicode: Bool

    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    /// The frame on screen, to send only what changed; nil forces a full redraw.
    private var previous: ScreenBuffer?
    /// Attributes and colour pair for each packed `Style` byte.
    private let looks: [(attributes: attr_t, pair: Int16)]
    /// Mouse events that count as a click.
    private let clickMask: mmask_t
    /// Scratch cells for one run, kept to avoid allocating every frame.
    private var run: [cchar_t] = []
    private var isClosed = false

    /// Checks that stdout and stdin are terminals and TERM is usable, then starts curses.
    ///
    /// Writes nothing to the terminal when it throws. `colorAllowed` is false for
    /// `--no-color` or a non-empty NO_COLOR.
    static func open(colorAllowed: Bool) throws(TerminalUnavailable) -> CursesTerminal {
        guard isatty(STDOUT_FILENO) == 1 else { throw .notATerminal(stream: "stdout") }
        guard isatty(STDIN_FILENO) == 1 else { throw .notATerminal(stream: "stdin") }
        // ncurses needs the locale's codeset for box drawing and braille; numbers stay in the
        // C locale so nothing formats 0.5 as "0,5".
        setlocale(LC_ALL, "")
        setlocale(LC_NUMERIC, "C")
        let unicode = scaletop_locale_is_utf8() != 0
        // terminfo alone first, as newterm accepts TERM=dumb; newterm itself returns nil for
        // an unknown TERM where initscr would end the process.
        guard scaletop_terminal_can_address_cursor(STDOUT_FILENO) != 0,
            let screen = newterm(nil, scaletop_stdout(), scaletop_stdin())
        else {
            throw .unusableTerminal(term: getenv("TERM").map { String(cString: $0) })
        }
        return CursesTerminal(screen: screen, colorAllowed: colorAllowed, hasUnicode: unicode)
    }

    private init(screen: OpaquePointer, colorAllowed: Bool, hasUnicode: Bool) {
        self.screen = screen
        window = scaletop_stdscr()
        self.hasUnicode = hasUnicode
        cbreak()
        noecho()
        nonl()
        intrflush(window, false)
        keypad(window, true)
        leaveok(window, true)
        curs_set(0)
        set_escdelay(25)

        let color = colorAllowed && has_colors() && start_color() == scaletop_ok()
        if color {
            // The terminal's own colours where it allows; white on black where it does not.
            let defaults = use_default_colors() == scaletop_ok()
            for tone in Tone.allCases {
                let look = CursesTheme.look(for: tone, color: true, colorCount: Int(scaletop_colors()))
                let foreground = look.foreground?.curses ?? (defaults ? -1 : Int16(COLOR_WHITE))
                let background = look.background?.curses ?? (defaults ? -1 : Int16(COLOR_BLACK))
                init_pair(Self.pair(for: tone), foreground, background)
            }
        }
        var table: [(attributes: attr_t, pair: Int16)] = []
        for packed in 0...UInt8.max {
            let style = Style(packed: packed)
            let look = CursesTheme.look(of: style, color: color, colorCount: Int(scaletop_colors()))
            var attributes = scaletop_a_normal()
            if look.bold { attributes |= scaletop_a_bold() }
            if look.dim { attributes |= scaletop_a_dim() }
            if look.reverse { attributes |= scaletop_a_reverse() }
            table.append((attributes, color ? Self.pair(for: style.tone) : 0))
        }
        looks = table

        // Presses, reported at once: no waiting to tell a click from a drag.
        let wanted = scaletop_button1_pressed()
        clickMask = mousemask(wanted, nil) & wanted
        mouseinterval(0)

        size = Self.drawableSize()
        let reset = Self.resetSequence(mouse: clickMask != 0)
        reset.withUnsafeBufferPointer { scaletop_safety_set_reset_sequence($0.baseAddress, $0.count) }
        scaletop_safety_set_screen_active(1)
    }

    deinit { close() }

    /// The largest screen the dashboard draws, the largest cast's: on a bigger terminal it
    /// fills the top-left corner, so a frame's memory stays bounded (docs/dashboard.md).
    static let largestSize = CastExporter.maximumSize

    /// The terminal's size as ncurses has it, at most `largestSize`.
    private static func drawableSize() -> (width: Int, height: Int) {
        (min(max(0, Int(scaletop_cols())), largestSize.width), min(max(0, Int(scaletop_lines())), largestSize.height))
    }

    /// Colour pair 0 is the terminal's default; each tone has its own after it.
    private static func pair(for tone: Tone) -> Int16 { Int16(tone.rawValue) + 1 }

    /// What a crash handler writes to undo curses without calling it: mouse reporting off,
    /// attributes off, cursor shown, keypad back to normal, main screen.
    private static func resetSequence(mouse: Bool) -> [CChar] {
        var bytes: [CChar] = []
        func append(_ text: UnsafePointer<CChar>?) {
            guard let text else { return }
            bytes.append(contentsOf: UnsafeBufferPointer(start: text, count: strlen(text)))
        }
        if mouse {
            // ncurses' own choice when terminfo has no XM: xterm's basic mouse mode.
            if let toggle = scaletop_tigetstr("XM") {
                append(scaletop_tparm1(toggle, 0))
            } else {
                append(scaletop_tparm1("\u{1B}[?1000%?%p1%{1}%=%th%el%;", 0))
            }
        }
        for capability in ["sgr0", "cnorm", "rmkx", "rmcup"] {
            append(scaletop_tigetstr(capability))
        }
        return bytes
    }

    public func present(_ buffer: ScreenBuffer) {
        guard !isClosed else { return }
        let diff = ScreenDiff(from: previous, to: buffer)
        if diff.isFullRedraw { werase(window) }
        // A frame drawn for a size the terminal no longer has shows its top-left corner.
        let width = min(buffer.width, size.width)
        let height = min(buffer.height, size.height)
        for run in diff.runs where run.row < height {
            let end = min(run.columns.upperBound, width)
            guard run.columns.lowerBound < end else { continue }
            let cells = (run.row * buffer.width + run.columns.lowerBound)..<(run.row * buffer.width + end)
            writeRun(buffer.scalars[cells], buffer.styles[cells], x: run.columns.lowerBound, y: run.row)
        }
        previous = buffer
        wnoutrefresh(window)
        doupdate()
    }

    /// Puts one run of cells at (x, y) without moving the cursor or wrapping.
    private func writeRun(_ scalars: ArraySlice<Unicode.Scalar>, _ styles: ArraySlice<UInt8>, x: Int, y: Int) {
        run.removeAll(keepingCapacity: true)
        for (scalar, packed) in zip(scalars, styles) {
            // Without a UTF-8 locale anything past ASCII would print as escape sequences.
            let shown = hasUnicode || scalar.isASCII ? scalar : "?"
            var text: (wchar_t, wchar_t) = (wchar_t(shown.value), 0)
            var cell = cchar_t()
            let look = looks[Int(packed)]
            withUnsafePointer(to: &text) { pointer in
                pointer.withMemoryRebound(to: wchar_t.self, capacity: 2) { characters in
                    _ = setcchar(&cell, characters, look.attributes, look.pair, nil)
                }
            }
            run.append(cell)
        }
        run.withUnsafeBufferPointer { cells in
            _ = mvwadd_wchnstr(window, Int32(y), Int32(x), cells.baseAddress, Int32(cells.count))
        }
    }

    public func nextEvent(timeoutMilliseconds: Int) -> InputEvent? {
        guard !isClosed else { return nil }
        if let event = resumeIfStopped() { return event }
        wtimeout(window, Int32(clamping: max(0, timeoutMilliseconds)))
        var code: wint_t = 0
        let decoded: CursesKeyDecoder.Decoded
        switch wget_wch(window, &code) {
        case KEY_CODE_YES:
            decoded = CursesKeyDecoder.decode(keyCode: Int32(bitPattern: code))
        case scaletop_ok():
            decoded = CursesKeyDecoder.decode(character: code)
        default:
            // A timeout, or a signal that cut the wait short.
            return resumeIfStopped()
        }
        switch decoded {
        case .key(let key):
            return .key(key)
        case .resize:
            size = Self.drawableSize()
            redrawAll()
            return .resize
        case .mouse:
            var x: Int32 = 0, y: Int32 = 0, state: mmask_t = 0
            guard scaletop_getmouse(&x, &y, &state) == scaletop_ok(), state & clickMask != 0 else { return nil }
            return .click(x: Int(x), y: Int(y))
        case .ignored:
            return nil
        }
    }

    /// Carries out a Ctrl-Z asked for by SIGTSTP, and repaints after any stop; `.resize`
    /// tells the caller to draw a fresh frame.
    private func resumeIfStopped() -> InputEvent? {
        var stopped = false
        if scaletop_safety_take_suspend_request() != 0 {
            endwin()
            scaletop_safety_set_screen_active(0)
            scaletop_safety_suspend_self()
            scaletop_safety_set_screen_active(1)
            stopped = true
        }
        if scaletop_safety_take_continued() != 0 { stopped = true }
        guard stopped else { return nil }
        // The shell may have changed the modes, and the window its size, while we were stopped.
        if isendwin() == false { reset_prog_mode() }
        var rows: Int32 = 0, columns: Int32 = 0
        if scaletop_safety_window_size(STDOUT_FILENO, &rows, &columns) == 0,
            rows != scaletop_lines() || columns != scaletop_cols()
        {
            resizeterm(rows, columns)
        }
        size = Self.drawableSize()
        redrawAll()
        // Back in curses modes (keys unechoed, one at a time) now, not at the next frame.
        doupdate()
        return .resize
    }

    /// Makes the next frame repaint every cell, clearing the terminal first.
    private func redrawAll() {
        previous = nil
        clearok(scaletop_curscr(), true)
    }

    /// Ends curses and puts the terminal back as it was; later calls do nothing.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        endwin()
        scaletop_safety_set_screen_active(0)
        delscreen(screen)
    }
}

/// Turns what `wget_wch` reads into dashboard input, without a terminal.
enum CursesKeyDecoder {
    /// What one read means.
    enum Decoded: Equatable {
        case key(Key)
        /// KEY_RESIZE: ncurses has already resized its windows.
        case resize
        /// KEY_MOUSE: the event waits in `getmouse`.
        case mouse
        /// Something the dashboard has no use for.
        case ignored
    }

    /// A key code (`wget_wch` returned KEY_CODE_YES).
    static func decode(keyCode: Int32) -> Decoded {
        switch keyCode {
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_DC: return .key(.delete)
        case KEY_ENTER: return .key(.enter)
        case KEY_BTAB: return .key(.backTab)
        case KEY_RESIZE: return .resize
        case KEY_MOUSE: return .mouse
        case scaletop_key_f(1)...scaletop_key_f(12): return .key(.function(Int(keyCode - scaletop_key_f(0))))
        default: return .ignored
        }
    }

    /// A character (`wget_wch` returned OK).
    static func decode(character: UInt32) -> Decoded {
        switch character {
        case 27: return .key(.escape)
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 8, 127: return .key(.backspace)
        case 1...26: return .key(.control(Character(Unicode.Scalar(UInt8(96 + character)))))
        case 0..<32, 0x80..<0xA0: return .ignored
        default:
            guard let scalar = Unicode.Scalar(character) else { return .ignored }
            return .key(.character(Character(scalar)))
        }
    }
}

/// A terminal colour the theme uses.
enum CursesColor: Equatable {
    case black, red, green, yellow, blue, magenta, cyan, white
    /// Grey on most terminals; needs 16 colours.
    case brightBlack

    /// The ncurses colour number.
    var curses: Int16 {
        switch self {
        case .black: Int16(COLOR_BLACK)
        case .red: Int16(COLOR_RED)
        case .green: Int16(COLOR_GREEN)
        case .yellow: Int16(COLOR_YELLOW)
        case .blue: Int16(COLOR_BLUE)
        case .magenta: Int16(COLOR_MAGENTA)
        case .cyan: Int16(COLOR_CYAN)
        case .white: Int16(COLOR_WHITE)
        // Colours 8 to 15 are the bright versions of 0 to 7.
        case .brightBlack: Int16(COLOR_BLACK) + 8
        }
    }
}

/// How a tone looks on a curses terminal: colours (nil keeps the terminal's own) and attributes.
struct CursesLook: Equatable {
    var foreground: CursesColor?
    var background: CursesColor?
    var bold = false
    var dim = false
    var reverse = false
}

/// The dashboard's colour theme for curses, as data.
enum CursesTheme {
    /// The look of `tone`, in colour or, when `color` is false, with bold, dim and reverse
    /// alone, so healthy, warm, bottleneck and down still differ: plain, bold, reverse,
    /// reverse bold.
    static func look(for tone: Tone, color: Bool, colorCount: Int) -> CursesLook {
        guard color else {
            switch tone {
            case .normal, .healthy: return CursesLook()
            case .dim: return CursesLook(dim: true)
            case .title, .warm, .accent, .error: return CursesLook(bold: true)
            case .bottleneck, .bar: return CursesLook(reverse: true)
            case .down: return CursesLook(bold: true, reverse: true)
            }
        }
        switch tone {
        case .normal: return CursesLook()
        case .dim: return colorCount >= 16 ? CursesLook(foreground: .brightBlack) : CursesLook(dim: true)
        case .title: return CursesLook(bold: true)
        case .healthy: return CursesLook(foreground: .green)
        case .warm: return CursesLook(foreground: .yellow)
        case .bottleneck: return CursesLook(foreground: .red, bold: true)
        case .down: return CursesLook(foreground: .magenta, bold: true)
        case .accent: return CursesLook(foreground: .cyan)
        case .error: return CursesLook(foreground: .red)
        case .bar: return CursesLook(foreground: .white, background: .blue)
        }
    }

    /// The look of `style`: its tone's look, with the style's own bold and reverse added.
    static func look(of style: Style, color: Bool, colorCount: Int) -> CursesLook {
        var look = look(for: style.tone, color: color, colorCount: colorCount)
        look.bold = look.bold || style.bold
        look.reverse = look.reverse || style.reverse
        return look
    }
}
