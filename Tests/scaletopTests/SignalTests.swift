import Foundation
import Testing

/// Signals sent to the dashboard in a real terminal (tmux): each that ends the process by
/// default gives the terminal back and ends it by that signal, without a crash report
/// (docs/dashboard.md, "Terminal behaviour").
@Suite(.serialized) struct SignalTests {
    /// A signal, and the status the shell sees after it.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var number: Int32
        /// 128 + the signal when it ends the process; SIGINT quits as `q` does (0).
        var status: Int32
        var testDescription: String { name }

        static func ending(_ name: String, _ number: Int32) -> Case {
            Case(name: name, number: number, status: 128 + number)
        }
    }

    /// The terminating signals a user can meet, and two more of the class that dump core.
    static let cases: [Case] = [
        .ending("SIGQUIT", SIGQUIT), .ending("SIGUSR1", SIGUSR1), .ending("SIGUSR2", SIGUSR2),
        .ending("SIGALRM", SIGALRM), .ending("SIGPIPE", SIGPIPE), .ending("SIGTERM", SIGTERM),
        .ending("SIGHUP", SIGHUP), .ending("SIGXCPU", SIGXCPU), .ending("SIGVTALRM", SIGVTALRM),
        Case(name: "SIGINT", number: SIGINT, status: 0),
    ]

    /// What the Swift runtime prints when it takes a signal for a crash.
    func expectNoCrashReport(_ screen: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for banner in ["Program crashed", "Backtrace took", "\u{1F4A3}"] {
            #expect(!screen.contains(banner), "a crash report was printed:\n\(screen)", sourceLocation: sourceLocation)
        }
    }

    @Test(.serialized, arguments: cases) func aSignalRestoresTheTerminalAndEndsByIt(_ signal: Case) throws {
        try #require(Tmux.isInstalled, "tmux is needed (.ci/run installs it)")
        let tmux = try Tmux(["00"])
        try tmux.waitFor("app x1")
        #expect(try tmux.modes().alternateScreen, "the dashboard was not on the alternate screen")
        kill(try tmux.scaletopPID(), signal.number)
        let after = try tmux.finished()
        #expect(after.contains("EXIT=\(signal.status)\n"), "\(after)")
        try tmux.expectRestored(after)
        expectNoCrashReport(after)
    }

    @Test func ctrlBackslashEndsByQuit() throws {
        try #require(Tmux.isInstalled, "tmux is needed (.ci/run installs it)")
        let tmux = try Tmux(["00"])
        try tmux.waitFor("app x1")
        try tmux.send("C-\\")
        let after = try tmux.finished()
        #expect(after.contains("EXIT=\(128 + SIGQUIT)\n"), "\(after)")
        try tmux.expectRestored(after)
        expectNoCrashReport(after)
    }
}
