import Foundation
import Testing

/// A tmux server of the test's own (its own socket), running the real `scaletop` in a pane
/// so tests see the screen a person would.
final class Tmux {
    let socket = "scaletop-test-\(UUID().uuidString.prefix(8))"
    let session = "main"

    /// Starts `arguments` in a `width`x`height` pane; when it exits the pane prints its
    /// exit status and the terminal modes (`stty -a`), then waits to be read.
    init(_ arguments: [String], width: Int = 120, height: Int = 40, environment: [String: String] = [:]) throws {
        let command = ([CLI.executable.path] + arguments).map(Self.quote).joined(separator: " ")
        // Never the real user's pricing file (see `CLI.noConfigHome`).
        let environment = ["XDG_CONFIG_HOME": CLI.noConfigHome].merging(environment) { $1 }
        let exports = environment.map { "export \($0.key)=\(Self.quote($0.value));" }.joined(separator: " ")
        // The shell traps Ctrl-C and Ctrl-\ (children get the default) so it lives on to
        // report; no core files from the signals tests send.
        let script =
            "trap true INT QUIT; ulimit -c 0; \(exports) \(command); echo EXIT=$?; stty -a; echo \(Self.endMarker); sleep 120"
        try tmux(["new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)", "sh", "-c", script])
    }

    /// Printed by the pane once the exit status and terminal modes are on screen.
    static let endMarker = "END-OF-RUN"

    /// Waits for the program to exit; returns the screen with its status and `stty -a`.
    func finished(timeout: Double = 15) throws -> String {
        try waitFor(Self.endMarker, timeout: timeout)
    }

    deinit { _ = try? tmux(["kill-server"]) }

    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")
            || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/tmux")
    }

    /// Types keys as `tmux send-keys` names them (`a`, `Enter`, `Escape`, `F1`, `C-c`).
    func send(_ keys: String...) throws {
        try tmux(["send-keys", "-t", session] + keys)
    }

    /// Types `text` literally.
    func type(_ text: String) throws {
        try tmux(["send-keys", "-t", session, "-l", text])
    }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"])
    }

    /// The visible screen as text.
    func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-t", session])
    }

    /// Waits until the screen contains `text`; returns the screen, or throws after `timeout`.
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 15) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            usleep(100_000)
        }
        throw Failure(message: "timed out waiting for \"\(text)\"; the screen was:\n\(last)")
    }

    /// The modes a full-screen program turns on in the pane's terminal, and must turn off.
    struct Modes: Equatable, CustomStringConvertible {
        var alternateScreen: Bool
        var cursorVisible: Bool
        /// Application keypad (DECKPAM, smkx's `ESC =`).
        var keypad: Bool
        /// Application cursor keys (DECCKM, smkx's `ESC [?1h`).
        var cursorKeys: Bool
        /// Any mouse reporting.
        var mouse: Bool

        /// A shell's terminal: main screen, cursor shown, keypad and mouse off.
        static let sane = Modes(alternateScreen: false, cursorVisible: true, keypad: false, cursorKeys: false, mouse: false)

        var description: String {
            "alternate screen \(alternateScreen), cursor visible \(cursorVisible), keypad \(keypad), "
                + "cursor keys \(cursorKeys), mouse \(mouse)"
        }
    }

    /// The pane's terminal modes now, as tmux tracks them.
    func modes() throws -> Modes {
        let flags = try tmux([
            "display-message", "-p", "-t", session,
            "#{alternate_on} #{cursor_flag} #{keypad_flag} #{keypad_cursor_flag} #{mouse_any_flag}",
        ]).split(whereSeparator: \.isWhitespace).map { $0 == "1" }
        guard flags.count == 5 else { throw Failure(message: "tmux did not report the pane's modes") }
        return Modes(alternateScreen: flags[0], cursorVisible: flags[1], keypad: flags[2], cursorKeys: flags[3], mouse: flags[4])
    }

    /// Checks the terminal is back as the shell had it once scaletop ended: `screen` (from
    /// `finished`) shows the `stty -a` the pane printed, with echo and canonical input on,
    /// and the pane is on the main screen with the cursor shown, keypad and mouse off.
    func expectRestored(_ screen: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(screen.contains(" icanon"), "canonical mode not restored", sourceLocation: sourceLocation)
        #expect(screen.contains(" echo ") || screen.contains(" echo\n"), "echo not restored", sourceLocation: sourceLocation)
        #expect(!screen.contains("-icanon") && !screen.contains(" -echo "), sourceLocation: sourceLocation)
        #expect(try modes() == .sane, sourceLocation: sourceLocation)
    }

    /// The process id of scaletop inside the pane.
    func scaletopPID() throws -> Int32 {
        let shell = try tmux(["display-message", "-p", "-t", session, "#{pane_pid}"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let children = try Self.run("/usr/bin/pgrep", ["-P", shell])
            if let pid = children.split(separator: "\n").first.flatMap({ Int32($0) }) { return pid }
            usleep(100_000)
        }
        throw Failure(message: "scaletop did not start under pane process \(shell)")
    }

    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        try Self.shell((["tmux", "-L", socket] + arguments).map(Self.quote).joined(separator: " "))
    }

    /// Runs `command` with /bin/sh and returns its stdout. Spawned and reaped by hand:
    /// Foundation's Process never saw the tmux client exit once it had started a server.
    private static func shell(_ command: String) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString)").path
        defer { unlink(output) }
        let arguments = ["/bin/sh", "-c", "\(command) >\(quote(output)) 2>/dev/null </dev/null"]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/sh", nil, nil, &argv, environ) == 0 else {
            throw Failure(message: "could not start /bin/sh for: \(command)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> String {
        try shell(([executable] + arguments).map(quote).joined(separator: " "))
    }

    private static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
