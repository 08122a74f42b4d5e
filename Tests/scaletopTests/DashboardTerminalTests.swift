import Foundation
import Testing

/// The real dashboard in a real terminal (tmux), driven by keys and read off the screen.
@Suite(.serialized) struct DashboardTerminalTests {
    @Test func opensBuildsRunsACommandAndQuits() throws {
        try #require(Tmux.isInstalled, "tmux is needed (.ci/run installs it)")
        let tmux = try Tmux(["00"])
        try tmux.waitFor("app x1")
        #expect(try tmux.screen().contains("00-single-server"))
        try tmux.send("a")
        try tmux.waitFor("app x2")
        try tmux.send("?")
        let help = try tmux.waitFor("keys (? or Esc closes)")
        // The first page of the overlay: the general keys and the first building keys.
        #expect(help.contains("add an app server"))
        try tmux.send("Escape")
        try tmux.send(":")
        try tmux.type("set users 3000")
        try tmux.send("Enter")
        try tmux.waitFor("3.0k users")
        try tmux.send(":")
        try tmux.type("add nonsense")
        try tmux.send("Enter")
        try tmux.waitFor("unknown word")
        try tmux.send("Escape")
        try tmux.send("q")
        let after = try tmux.finished()
        #expect(after.contains("EXIT=0"))
        try tmux.expectRestored(after)
    }

    /// On a machine of several cores a system of several partitions runs partitioned unless
    /// asked for one engine, and the status bar says which.
    @Test func aSystemOfSeveralPartitionsRunsPartitionedByDefault() throws {
        try #require(Tmux.isInstalled, "tmux is needed (.ci/run installs it)")
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let partitioned = try Tmux(["08-multi-dc"], width: 200, height: 50)
        let screen = try partitioned.waitFor("08-multi-dc")
        if cores > 1 {
            _ = try partitioned.waitFor("2 partitions on 2 threads")
        } else {
            #expect(!screen.contains("partitions on"))
        }
        try partitioned.send(":")
        try partitioned.type("set users 300000")
        try partitioned.send("Enter")
        try partitioned.waitFor("300k users")
        try partitioned.send("q")
        #expect(try partitioned.finished().contains("EXIT=0"))

        let whole = try Tmux(["08-multi-dc", "--one-engine"], width: 200, height: 50)
        try whole.waitFor("08-multi-dc")
        try whole.waitFor("speed")
        #expect(!(try whole.screen().contains("partitions on")))
        try whole.send("q")
        #expect(try whole.finished().contains("EXIT=0"))
    }

    @Test func tooSmallThenResized() throws {
        try #require(Tmux.isInstalled, "tmux is needed (.ci/run installs it)")
        let tmux = try Tmux(["00"], width: 60, height: 20)
        try tmux.waitFor("terminal too small: 60x20, need 80x24")
        try tmux.resize(width: 100, height: 30)
        try tmux.waitFor("app x1")
        try tmux.resize(width: 60, height: 20)
        try tmux.waitFor("terminal too small")
        try tmux.send("q")
        #expect(try tmux.finished().contains("EXIT=0"))
    }

    /// Beyond 1000x500 cells the dashboard draws only that much, in the top-left corner, so
    /// a frame's memory does not grow with the terminal.
    @Test func aHugeTerminalGetsTheLargestScreenInItsCorner() throws {
        try #require(Tmux.isInstalled, "tmux is needed (.ci/run installs it)")
        let tmux = try Tmux(["00"], width: 1100, height: 510)
        let screen = try tmux.waitFor("app x1")
        let rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rows.count >= 510)
        #expect(rows.map { $0.unicodeScalars.count }.max() == 1000, "the status bar and frame span 1000 columns")
        #expect(rows.prefix(500).last?.contains("quit") == true, "the key bar is on row 500")
        #expect(rows.dropFirst(500).allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty })
        try tmux.send("q")
        let after = try tmux.finished()
        #expect(after.contains("EXIT=0"))
        try tmux.expectRestored(after)
    }

    @Test func anUnknownTerminalIsNamedOnceByTheProgram() throws {
        try #require(Tmux.isInstalled, "tmux is needed (.ci/run installs it)")
        let tmux = try Tmux(["00"], environment: ["TERM": "no-such-terminal"])
        let after = try tmux.finished()
        #expect(after.contains("EXIT=2"))
        #expect(after.contains("scaletop: the dashboard cannot drive this terminal (TERM=no-such-terminal"), "\(after)")
        #expect(!after.contains("scaletop: scaletop"))
    }

    @Test func ctrlCQuitsWithStatusZero() throws {
        try #require(Tmux.isInstalled, "tmux is needed (.ci/run installs it)")
        let tmux = try Tmux(["00"])
        try tmux.waitFor("app x1")
        try tmux.send("C-c")
        let after = try tmux.finished()
        #expect(after.contains("EXIT=0"))
        try tmux.expectRestored(after)
    }

    @Test func stopAndContinueRedrawsAndStillQuitsCleanly() throws {
        try #require(Tmux.isInstalled, "tmux is needed (.ci/run installs it)")
        let tmux = try Tmux(["00"])
        try tmux.waitFor("app x1")
        let pid = try tmux.scaletopPID()
        kill(pid, SIGTSTP)
        usleep(300_000)
        kill(pid, SIGCONT)
        try tmux.send("a")
        try tmux.waitFor("app x2")
        try tmux.send("q")
        let after = try tmux.finished()
        #expect(after.contains("EXIT=0"))
        try tmux.expectRestored(after)
    }

    @Test func crashRestoresTheTerminal() throws {
        try #require(Tmux.isInstalled, "tmux is needed (.ci/run installs it)")
        let tmux = try Tmux(["00", "--debug-crash"], environment: ["SWIFT_BACKTRACE": "enable=no"])
        let after = try tmux.finished(timeout: 30)
        #expect(!after.contains("EXIT=0"))
        #expect(after.contains("crash on purpose"))
        try tmux.expectRestored(after)
    }

    @Test func aRecordingMadeInTheDashboardVerifiesAndPlaysBack() throws {
        try #require(Tmux.isInstalled, "tmux is needed (.ci/run installs it)")
        let directory = try CLI.temporaryDirectory()
        let file = directory.appendingPathComponent("session.jsonl").path
        do {
            let tmux = try Tmux(["00", "--record", file])
            try tmux.waitFor("REC session.jsonl")
            try tmux.waitFor("00:00:01")
            try tmux.send("a")
            try tmux.waitFor("app x2")
            try tmux.send("+")
            try tmux.waitFor("set users")
            try tmux.waitFor("00:00:03")
            try tmux.send("q")
            #expect(try tmux.finished().contains("EXIT=0"))
        }
        let verified = try CLI.run(["replay", file, "--headless", "--verify"])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stderr.contains("verified"))

        let replay = try Tmux(["replay", file])
        try replay.waitFor("REPLAY")
        try replay.waitFor("add server app")
        try replay.waitFor("app x2")
        try replay.send("a")
        try replay.waitFor("takes over before the system can change")
        try replay.send("L")
        try replay.waitFor("took over")
        try replay.send("q")
        #expect(try replay.finished().contains("EXIT=0"))
        // An existing file is never recorded over.
        let again = try Tmux(["00", "--record", file])
        let refused = try again.finished()
        #expect(refused.contains("cannot write the recording"))
        #expect(refused.contains("EXIT=2"))
    }

    @Test func aRecordingKilledWithSIGKILLReplaysToItsLastLine() throws {
        try #require(Tmux.isInstalled, "tmux is needed (.ci/run installs it)")
        let file = try CLI.temporaryDirectory().appendingPathComponent("killed.jsonl").path
        let tmux = try Tmux(["00", "--record", file, "--speed", "4"])
        try tmux.waitFor("app x1")
        try tmux.send("a")
        try tmux.waitFor("00:00:06")
        kill(try tmux.scaletopPID(), SIGKILL)
        _ = try tmux.finished()
        let replay = try CLI.run(["replay", file, "--headless", "--verify"])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stderr.contains("no end line"))
        #expect(replay.stderr.contains("verified"))
    }

    @Test func notATerminalIsAClearError() throws {
        let result = try CLI.run(["00"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("scaletop run"))
        #expect(!result.stderr.contains("\u{1B}"))
    }
}
