import CTerminalSafety

/// The one owner of the terminal's life while the dashboard runs (htop's CRT.c).
///
/// Opening it installs the signal handlers (before curses starts, so ncurses keeps its own
/// off SIGINT, SIGTERM and SIGTSTP), starts curses, and holds what is written to stderr
/// while the screen is up. The terminal comes back on every way out:
/// - `close()` (the normal quit), which then prints the held stderr;
/// - SIGINT (Ctrl-C) only sets `interruptRequested`: the loop quits as for `q` (status 0).
///   A second SIGINT a second or more later, with the loop still running, ends the process
///   by SIGINT (130) after restoring the terminal;
/// - every other signal whose default action ends the process (SIGTERM, SIGHUP, SIGQUIT
///   and Ctrl-\, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE, ...) restores the terminal and the held
///   stderr, then ends the process by that default action (143 for SIGTERM, 131 for
///   SIGQUIT), whatever the loop is doing; see docs/dashboard.md;
/// - SIGTSTP (Ctrl-Z) leaves curses and stops at the next `nextEvent`; after SIGCONT the
///   screen is repainted and `nextEvent` returns `.resize`;
/// - crashes (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT, so also `fatalError` and
///   failed preconditions) restore the terminal and the held stderr, then crash as before;
/// - `exit()` with the screen up restores it from an exit hook.
public final class TerminalSession {
    /// The screen; pass it to the dashboard loop as its `TerminalBackend`.
    public let terminal: CursesTerminal
    private var isClosed = false

    private init(terminal: CursesTerminal) {
        self.terminal = terminal
    }

    /// Takes over the terminal for the dashboard.
    ///
    /// Throws, having written nothing to stdout, when stdout or stdin is not a terminal or
    /// TERM is unusable; print the error and exit with status 2. `colorAllowed` is false
    /// for `--no-color` or a non-empty NO_COLOR. One session at a time per process.
    public static func open(colorAllowed: Bool) throws(TerminalUnavailable) -> TerminalSession {
        let began = scaletop_safety_begin()
        precondition(began == 0, "a TerminalSession is already open")
        let terminal: CursesTerminal
        do {
            terminal = try CursesTerminal.open(colorAllowed: colorAllowed)
        } catch {
            scaletop_safety_end()
            throw error
        }
        scaletop_safety_hold_stderr()
        return TerminalSession(terminal: terminal)
    }

    /// Whether Ctrl-C (SIGINT) arrived; the loop checks it every frame and quits with status 0.
    public var interruptRequested: Bool {
        scaletop_safety_interrupt_requested() != 0
    }

    /// Ends curses, puts back the terminal and the signal handlers, and prints what was
    /// written to stderr meanwhile; later calls do nothing.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        terminal.close()
        scaletop_safety_end()
    }

    deinit { close() }
}
