/// What a terminal reports between two frames.
public enum InputEvent: Sendable, Hashable {
    case key(Key)
    /// A mouse button pressed at a cell (0-based column and row).
    case click(x: Int, y: Int)
    /// The terminal changed size; read `size` again.
    case resize
}

/// Where frames go and input comes from: ncurses on a real terminal, memory in tests.
///
/// Every call comes from the one thread that owns the terminal (ncurses is not thread-safe).
public protocol TerminalBackend: AnyObject {
    /// Columns and rows right now.
    var size: (width: Int, height: Int) { get }
    /// Whether box-drawing, block and braille characters display; if not, views use ASCII.
    var hasUnicode: Bool { get }
    /// Shows `buffer`, sending only what changed since the last frame.
    func present(_ buffer: ScreenBuffer)
    /// The next input event, waiting at most `timeoutMilliseconds` (0 polls); nil if none.
    func nextEvent(timeoutMilliseconds: Int) -> InputEvent?
}
