import Foundation
import ScaleFiles
import ScaleSim
import TestSupport
import Testing
@testable import ScaleTUI

/// The whole loop (input, reducer, driver, engine, frames) on a memory terminal and a
/// virtual clock: keys reach the engine and the screen, on the test's thread, in no wall time.
@Suite struct DashboardAppTests {
    @Test func aKeyGoesThroughTheEngineToTheScreen() throws {
        let session = try VirtualSession("00")
        let pressed = session.run(steps: [("app x1", [.key(.character("a"))]), ("app x2", [.key(.character("q"))])])
        #expect(pressed == 2, "the added server never showed")
        #expect(session.screen.contains("add server app"))
        let app = try #require(session.app.state.snapshot?.nodes.first { $0.id == "app" })
        #expect(app.servers == 2)
    }

    /// A key's command applies and is drawn before the loop waits again: no tick or frame
    /// interval stands between them, running or paused, whatever the time of the press.
    @Test(arguments: [false, true])
    func aKeysAnswerIsDrawnAtOnce(paused: Bool) throws {
        let session = try VirtualSession("00")
        var pressedAt: [Duration] = []
        var shownAt: [Duration] = []
        var pausing = paused
        session.run { screen, elapsed in
            if pausing {
                guard screen.contains("app x1") else { return nil }
                pausing = false
                return .key(.character(" "))
            }
            if paused && !screen.contains("PAUSED") { return nil }
            let servers = pressedAt.count + 1
            if shownAt.count < pressedAt.count {
                guard screen.contains("app x\(servers)") else { return nil }
                shownAt.append(elapsed)
            }
            if pressedAt.count == 5 { return .key(.character("q")) }
            // Presses at odd times between ticks, 7 ms apart once the last answer showed.
            guard screen.contains("app x\(servers)"), elapsed >= (pressedAt.last ?? .zero) + .milliseconds(7) else {
                return nil
            }
            pressedAt.append(elapsed)
            return .key(.character("a"))
        }
        #expect(pressedAt.count == 5 && shownAt == pressedAt, "pressed at \(pressedAt), shown at \(shownAt)")
        #expect(session.app.state.snapshot?.paused == paused)
    }

    @Test func theEngineKeepsToTheClockAtTheSpeedAsked() throws {
        for speed in [1.0, 4] {
            let session = try VirtualSession("00", speed: speed)
            let ran = session.run { _, elapsed in elapsed >= .seconds(5) ? .key(.character("q")) : nil }
            // Quit at the first poll after 5 s; the engine has simulated that, a tick at most behind.
            #expect(ran >= .seconds(5) && ran < .seconds(5) + EngineDriver.tickInterval, "\(ran)")
            let time = try #require(session.app.state.snapshot?.time)
            let expected = Nanos.from(seconds: ran.seconds * speed)
            let tick = Nanos.from(seconds: EngineDriver.tickInterval.seconds * speed)
            #expect(abs(time - expected) <= tick, "speed \(speed): \(Nanos.seconds(time)) s simulated in \(ran)")
            #expect(session.app.state.snapshot?.speed == speed)
        }
    }

    @Test func quittingOrAnInterruptEndsTheLoop() throws {
        let quit = try VirtualSession("00")
        let ran = quit.run { _, elapsed in elapsed >= .seconds(2) ? .key(.character("q")) : nil }
        #expect(ran < .seconds(3))
        #expect(quit.app.state.quitRequested)

        let interrupted = try VirtualSession("00")
        var polls = 0
        interrupted.app.run {
            polls += 1; return interrupted.clock.elapsed >= .seconds(1)
        }
        #expect(interrupted.clock.elapsed >= .seconds(1) && interrupted.clock.elapsed < .seconds(2))
        #expect(polls > 1)
        #expect(!interrupted.app.state.quitRequested)
    }

    @Test func framesFollowChangesAtMostThirtyASecond() throws {
        let session = try VirtualSession("00")
        var frames = 0
        session.terminal.onPresent = { _ in frames += 1 }
        // Running: a snapshot each tick, so a frame each tick, never more.
        session.run { _, elapsed in elapsed >= .seconds(2) ? .key(.character("q")) : nil }
        #expect((50...61).contains(frames), "\(frames) frames in 2 s")
        // Paused: nothing changes, nothing is drawn after the pause shows.
        let paused = try VirtualSession("00")
        var pausedFrames = 0
        paused.terminal.onPresent = { _ in pausedFrames += 1 }
        var pressedPause = false
        paused.run { _, elapsed in
            if !pressedPause {
                pressedPause = true
                return .key(.character(" "))
            }
            return elapsed >= .seconds(2) ? .key(.character("q")) : nil
        }
        #expect(paused.app.state.snapshot?.paused == true)
        #expect(pausedFrames <= 3, "\(pausedFrames) frames while paused")
    }

    @Test func aStageKeyLoadsTheStageAndSaysWhatChanged() throws {
        let session = try VirtualSession("02", width: 160, height: 48)
        let pressed = session.run(steps: [
            ("02-dns-round-robin", [.key(.character("3"))]), ("loaded 03-load-balancer", [.key(.character("q"))]),
        ])
        #expect(pressed == 2)
        #expect(session.screen.contains("added lb"))
        #expect(session.app.state.preset.name == "03-load-balancer")
    }

    @Test func aPresetThatFailsToLoadLeavesTheSimulationRunning() throws {
        let session = try VirtualSession("00", width: 160, height: 48)
        let steps = [
            ("app x1", InputEvent.typing(":load no-such-preset") + [.key(.enter)]),
            ("cannot load no-such-preset", [.key(.character("q"))]),
        ]
        #expect(session.run(steps: steps) == 2)
        #expect(session.app.state.preset.name == "00-single-server")
        #expect(session.app.state.log.last { $0.text.hasPrefix("cannot load") }?.tone == .error)
    }

    @Test func aPromptLoadIsRecordedAndReplayedAsAStageKeyIs() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/r.jsonl"
        let session = try VirtualSession("00", width: 160, height: 48, recording: try ReplayWriter(creating: path, force: false))
        let steps: [(waitFor: String, events: [InputEvent])] = [
            ("app", InputEvent.typing(":load 05v") + [.key(.enter)]), ("loaded 05v-vertical", [.key(.character("3"))]),
            ("loaded 03-load-balancer", [.key(.character("q"))]),
        ]
        #expect(session.run(steps: steps) == steps.count, "\(session.screen)")
        let file = try ReplayReader.read(file: path)
        let loads = file.entries.compactMap { entry -> String? in
            guard case .command(_, .load(let name, _, _), _) = entry.record else { return nil }
            #expect(entry.loadedSpec != nil)
            return name.verbatim
        }
        #expect(loads == ["05v-vertical", "03-load-balancer"])
        var replayer = Replayer(file: file)
        try replayer.runToEnd(verify: true)
        #expect(replayer.stage == 2)
        #expect(replayer.presetName == "03-load-balancer")
    }

    @Test func recordingWithRKeepsTheWholeSessionAndVerifies() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = try VirtualSession("00", width: 160, height: 48, recordingsDirectory: directory)
        // A command before recording starts, the recording, a pause of two virtual seconds in it.
        let steps: [(waitFor: String, events: [InputEvent])] = [
            ("app x1", [.key(.character("a"))]), ("app x2", [.key(.character("R"))]), ("recording into", [.key(.character(" "))]),
            ("PAUSED", []),
        ]
        var step = 0
        var pausedAt: Duration?
        session.run { screen, elapsed in
            if step < 3, screen.contains(steps[step].waitFor) {
                step += 1
                return steps[step - 1].events[0]
            }
            guard step == 3, screen.contains("PAUSED") else { return nil }
            if pausedAt == nil { pausedAt = elapsed }
            if let pausedAt, elapsed - pausedAt >= .seconds(2) {
                step += 1
                return .key(.character(" "))
            }
            return nil
        }
        #expect(step == 4)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(files.count == 1 && files[0].hasPrefix("00-single-server-") && files[0].hasSuffix(".jsonl"), "\(files)")
        let file = try ReplayReader.read(file: directory + "/" + files[0])
        #expect(file.header.terminal == "160x48")
        var replayer = Replayer(file: file)
        try replayer.runToEnd(verify: true)
        // The server added before `R` is in the file, and the pause lasted two virtual seconds.
        let actions = file.entries.compactMap { entry -> (ReplayAction, Int64)? in
            guard case .command(_, let action, let wall) = entry.record else { return nil }
            return (action, wall)
        }
        #expect(actions.map { "\($0.0)" }.first?.contains("addServers") == true, "\(actions)")
        let pause = try #require(actions.first { $0.0 == .pause }?.1)
        let resume = try #require(actions.first { $0.0 == .resume }?.1)
        #expect((2_000...2_100).contains(resume - pause), "\(resume - pause) ms")
    }

    /// A fresh directory for a test's files, removed when the tests end.
    static func temporaryDirectory() throws -> String { try TemporaryFolder.make().path }
}

/// The engine's driver on its own, ticked by hand.
@Suite struct EngineDriverTests {
    static func liveDriver(_ preset: String, clock: VirtualClock = VirtualClock()) throws -> EngineDriver {
        let catalog = PresetCatalog(environment: [:])
        return EngineDriver(
            preset: try catalog.load(preset), seed: nil, recording: nil, terminal: "120x40", catalog: catalog,
            recordingsDirectory: nil, clock: clock)
    }

    @Test func aLoadIsPostedAfterTheOldEnginesLastSnapshotAndBeforeTheNewOnes() throws {
        let clock = VirtualClock()
        let driver = try Self.liveDriver("02", clock: clock)
        let start = clock.now
        let first = driver.tick(at: start)
        #expect(first.contains { if case .snapshotArrived = $0 { true } else { false } })
        driver.perform(.loadPreset("03"))
        let actions = driver.tick(at: start + .seconds(1))
        let loaded = try #require(actions.firstIndex { if case .presetLoaded = $0 { true } else { false } })
        guard case .presetLoaded(let info, let changes) = actions[loaded] else { return }
        #expect(info.name == "03-load-balancer")
        #expect(changes.contains { $0.contains("added lb") }, "\(changes)")
        // Every snapshot after the load is of the new engine, and one comes in the same tick.
        let newNodes = Set(try PresetCatalog(environment: [:]).load("03").spec.nodes.map(\.id))
        let after = actions[(loaded + 1)...].compactMap { if case .snapshotArrived(let s) = $0 { s } else { nil } }
        #expect(!after.isEmpty)
        #expect(after.allSatisfy { Set($0.nodes.map(\.id)) == newNodes })
    }

    @Test func commandsApplyInTheirOrderAHundredATick() throws {
        let clock = VirtualClock()
        let driver = try Self.liveDriver("00", clock: clock)
        for users in 1...250 { driver.perform(.send(.setUsers(users))) }
        var answered: [Int] = []
        for tick in 0..<3 {
            let actions = driver.tick(at: clock.now + EngineDriver.tickInterval * tick)
            let users = actions.compactMap { action -> Int? in
                guard case .commandAnswered(.setUsers(let users), .applied, _) = action else { return nil }
                return users
            }
            #expect(users.count == [100, 100, 50][tick])
            answered += users
        }
        #expect(answered == Array(1...250))
    }

    @Test func anUnchangedSnapshotIsNotPostedAgain() throws {
        let clock = VirtualClock()
        let driver = try Self.liveDriver("00", clock: clock)
        driver.perform(.pause)
        let start = clock.now
        #expect(driver.tick(at: start).contains { if case .snapshotArrived = $0 { true } else { false } })
        #expect(driver.tick(at: start + .seconds(1)).isEmpty)
        driver.perform(.resume)
        #expect(driver.tick(at: start + .seconds(2)).contains { if case .snapshotArrived = $0 { true } else { false } })
    }
}
