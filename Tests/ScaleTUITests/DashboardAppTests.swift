import Foundation
import ScaleFiles
@testable import ScaleSim
import Synchronization
import Testing
@testable import ScaleTUI

/// The whole loop (input, reducer, engine task, frames) on an in-memory terminal.
@Suite struct DashboardAppTests {
    /// Runs a dashboard over `preset` on its own thread, as the real one owns the main
    /// thread, with `script` deciding each key from the screen; returns the last screen.
    static func session(
        _ preset: String, width: Int = 120, height: Int = 40, recording: ReplayWriter? = nil,
        script: @escaping @Sendable (String) -> InputEvent?
    ) async throws -> String {
        let loaded = try PresetCatalog(environment: [:]).load(preset)
        let lastScreen = Mutex("")
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                let terminal = MemoryTerminal(width: width, height: height)
                // The engine's task runs on the shared pool, which other tests' long
                // synchronous work can hold for minutes on two cores: a generous bound.
                let deadline = Date().addingTimeInterval(600)
                terminal.script = { terminal in
                    // A session that never reaches its last key fails rather than hangs.
                    Date() > deadline ? .key(.character("q")) : script(terminal.screen.text)
                }
                let app = DashboardApp(
                    terminal: terminal, preset: loaded, seed: nil, speed: 1, catalog: PresetCatalog(environment: [:]), recording: recording)
                app.run()
                lastScreen.withLock { $0 = terminal.screen.text }
                done.resume()
            }.start()
        }
        return lastScreen.withLock { $0 }
    }

    /// A session that presses each key once its screen shows the text before it; returns
    /// how many keys were pressed and the last screen.
    static func session(_ preset: String, width: Int = 120, height: Int = 40, steps: [(waitFor: String, key: Character)]) async throws -> (pressed: Int, screen: String) {
        let pressed = Mutex(0)
        let screen = try await session(preset, width: width, height: height) { screen in
            pressed.withLock { pressed in
                guard pressed < steps.count, screen.contains(steps[pressed].waitFor) else { return nil }
                pressed += 1
                return .key(.character(steps[pressed - 1].key))
            }
        }
        return (pressed.withLock { $0 }, screen)
    }

    @Test func aKeyGoesThroughTheEngineToTheScreen() async throws {
        let (pressed, screen) = try await Self.session("00", steps: [("app x1", "a"), ("app x2", "q")])
        #expect(pressed == 2, "the added server never showed")
        #expect(screen.contains("add server app"))
    }

    /// A dashboard over `preset` that is not running: the test feeds it the driver's output.
    static func idleApp(_ preset: String) throws -> DashboardApp {
        DashboardApp(
            terminal: MemoryTerminal(width: 120, height: 40), preset: try PresetCatalog(environment: [:]).load(preset),
            seed: nil, speed: 1, catalog: PresetCatalog(environment: [:]))
    }

    @Test func aStageLeftBehindNeverLogsItsNoticesAgain() async throws {
        let app = try Self.idleApp("09")
        var old = try await Fixtures.snapshot("09", seconds: 2)
        old.notices = [EngineNotice(time: old.time, event: .failover(primary: "db", writesLost: 74), sequence: 1)]
        var output = DriverOutput()
        output.snapshot = old
        _ = app.absorb(output)
        #expect(app.state.log.filter { $0.text.contains("74 writes lost") }.count == 1)
        app.perform([.loadPreset("03")])
        // Snapshots of the old engine, posted before the driver loaded the stage, still arrive.
        old.time += Nanos.perSecond
        output.snapshot = old
        _ = app.absorb(output)
        #expect(!app.state.log.contains { $0.text.hasPrefix("loaded") }, "loaded before the engine did")
        // The driver loads it: the new engine's snapshot comes with the load.
        let stage = try PresetCatalog(environment: [:]).load("03")
        output.loads = [(stage.name, stage.spec)]
        output.snapshot = try await Fixtures.snapshot("03", seconds: 1)
        _ = app.absorb(output)
        let texts = app.state.log.map(\.text)
        #expect(texts.filter { $0.contains("74 writes lost") }.count == 1, "\(texts)")
        let loaded = try #require(texts.firstIndex { $0.hasPrefix("loaded 03-load-balancer") })
        #expect(texts[(loaded + 1)...].contains { $0.contains("added lb") })
        #expect(app.state.preset.name == "03-load-balancer")
    }

    @Test func theLiveDriverPostsALoadWithoutTheOldEnginesSnapshot() async throws {
        let first = try PresetCatalog(environment: [:]).load("02")
        let second = try PresetCatalog(environment: [:]).load("03")
        let driver = SimulationDriver(simulation: Simulation(spec: first.spec))
        let task = Task.detached { await driver.run(presetName: first.name) }
        defer { driver.stop() }
        // As generous as the sessions': other tests' synchronous work can hold the shared pool.
        let deadline = Date().addingTimeInterval(600)
        func next(_ found: (DriverOutput) -> Bool) async throws -> DriverOutput {
            while Date() < deadline {
                let output = driver.take()
                if found(output) { return output }
                try await Task.sleep(for: .milliseconds(10))
            }
            throw CancellationError()
        }
        _ = try await next { $0.snapshot != nil }
        driver.send(.load(second.spec, keyTrace: [], name: second.name))
        let loaded = try await next { !$0.loads.isEmpty }
        #expect(loaded.loads.map { $0.name } == [second.name])
        let newNodes = Set(second.spec.nodes.map(\.id))
        // Whatever snapshot comes with the load or after it is of the new engine.
        if let snapshot = loaded.snapshot { #expect(Set(snapshot.nodes.map(\.id)) == newNodes) }
        let after = try await next { $0.snapshot != nil }
        #expect(Set(after.snapshot?.nodes.map(\.id) ?? []) == newNodes)
        driver.stop()
        await task.value
    }

    @Test func aPromptLoadIsRecordedAndReplayedAsAStageKeyIs() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scaletop-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("r.jsonl").path
        let typed: [InputEvent] = ":load 05v".map { .key(.character($0)) } + [.key(.enter)]
        let steps: [(waitFor: String, events: [InputEvent])] = [
            ("app", typed), ("loaded 05v-vertical", [.key(.character("3"))]), ("loaded 03-load-balancer", [.key(.character("q"))]),
        ]
        let position = Mutex((step: 0, event: 0))
        let screen = try await Self.session("00", width: 160, height: 48, recording: try ReplayWriter(creating: path, force: false)) { screen in
            position.withLock { at in
                guard at.step < steps.count, screen.contains(steps[at.step].waitFor) else { return nil }
                let event = steps[at.step].events[at.event]
                at.event += 1
                if at.event == steps[at.step].events.count { at = (at.step + 1, 0) }
                return event
            }
        }
        #expect(position.withLock { $0.step } == steps.count, "\(screen)")
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

    @Test func aStageKeyLoadsTheStageAndSaysWhatChanged() async throws {
        let (pressed, screen) = try await Self.session(
            "02", width: 160, height: 48, steps: [("02-dns-round-robin", "3"), ("loaded 03-load-balancer", "q")])
        #expect(pressed == 2)
        #expect(screen.contains("added lb"))
    }
}
