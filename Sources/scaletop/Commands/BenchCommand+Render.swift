import Foundation
import ScaleFiles
import ScaleSim
import ScaleTUI

extension BenchCommand {
    /// The `render` scenario: the dashboard's own costs, without a terminal.
    ///
    /// - `frame_ms`: one 200x60 frame of the `ten-million-users` topology after 5 simulated
    ///   seconds, a node selected, the inspector open, state to cell buffer: the median of
    ///   300 frames.
    /// - `key_ms`: the dashboard loop (`DashboardApp`, 200x60, `ten-million-users` running
    ///   at 1x on the threads the dashboard takes by default) from `a` pressed, with `web-us`
    ///   selected by a click, to the first frame showing the added server: the median of 20
    ///   presses. `structural_key_ms`: the same for `r`, which adds a replica, a command a
    ///   partitioned run first tries on a scratch copy of the whole system: the median of 10.
    /// - `cpu_pct`: the process's CPU time over wall time while the simulation is paused
    ///   and a redraw is forced every frame (30 frames per second), over 5 s;
    ///   `idle_cpu_pct` the same with nothing to redraw (the loop must sleep, not spin).
    func renderScenario() throws -> BenchResult {
        let frame = try frameMilliseconds()
        // Unselected, `a` adds to the busiest app pool, and web-eu and web-us take turns.
        let key = try keyToScreenMilliseconds(key: "a", presses: 20, selecting: "web-us") { "web-us x\(40 + $0)" }
        let structuralKey = try keyToScreenMilliseconds(key: "r", presses: 10) { "replicas-us x\(2 + $0)" }
        let cpu = try pausedCPUPercent(forcingFrames: true)
        let idle = try pausedCPUPercent(forcingFrames: false)
        return BenchResult(fields: [
            ("scenario", .string("render")),
            ("size", .string("200x60")),
            ("frame_ms", .double(frame, digits: 3)),
            ("key_ms", .double(key, digits: 1)),
            ("structural_key_ms", .double(structuralKey, digits: 1)),
            ("cpu_pct", .double(cpu, digits: 1)),
            ("idle_cpu_pct", .double(idle, digits: 1)),
            ("rss_mib", .int(ResourceUsage.peakResidentMiB())),
        ])
    }

    func frameMilliseconds() throws -> Double {
        let loaded = try loadPreset("ten-million-users")
        var engine = Engine(spec: loaded.spec, seed: loaded.spec.seed, keyTrace: loaded.keyTrace)
        engine.run(until: 5 * Nanos.perSecond)
        var state = DashboardState(
            preset: PresetInfo(name: loaded.name, title: loaded.spec.name, description: loaded.spec.description, explanation: ""),
            width: 200, height: 60)
        _ = state.reduce(.snapshotArrived(engine.simulationSnapshot(historyLimit: SimulationDriver.historyLimit)))
        _ = state.reduce(.keyPressed(.tab))
        _ = state.reduce(.keyPressed(.enter))
        let clock = ContinuousClock()
        var times: [Double] = []
        var cells = 0
        for _ in 0..<300 {
            let start = clock.now
            let buffer = DashboardView.render(state)
            times.append((clock.now - start).seconds * 1000)
            cells += buffer.width
        }
        precondition(cells == 300 * 200)
        return times.sorted()[times.count / 2]
    }

    /// The median time from `key` pressed in the dashboard loop on `ten-million-users` to
    /// the first frame that shows `showing(k)` after the k-th press (`showing(0)` is on the
    /// screen before the first). With `selecting`, a click on that node's box comes first.
    ///
    /// A press whose text is not on screen within `timeLimit`, or a system not on screen
    /// within a minute, ends the bench with an error, so a key that acts elsewhere cannot
    /// hang it.
    func keyToScreenMilliseconds(
        key: Character, presses: Int, selecting node: String? = nil, timeLimit: Duration = .seconds(10),
        showing: @escaping (Int) -> String
    ) throws -> Double {
        let clock = ContinuousClock()
        let terminal = MemoryTerminal(width: 200, height: 60)
        var pressed = 0
        var clicked = node == nil
        var lastPress: ContinuousClock.Instant?
        /// The text the last press should bring on screen, until a frame shows it.
        var awaiting: String?
        /// Why the run stopped before its last press showed, if it did.
        var failure: String?
        let started = clock.now
        var latencies: [Duration] = []
        terminal.onPresent = { frame in
            if let expected = awaiting, let lastPress, frame.text.contains(expected) {
                latencies.append(clock.now - lastPress)
                awaiting = nil
            }
        }
        // One press every 250 ms once the system shows, each after the last showed.
        terminal.script = { terminal in
            if let expected = awaiting, let lastPress, clock.now - lastPress > timeLimit {
                failure = "press \(pressed) of \(key) did not show \(expected) within \(timeLimit)"
                return .key(.character("q"))
            }
            if pressed == 0, clock.now - started > .seconds(60) {
                failure = "the system did not show \(showing(0)) within a minute"
                return .key(.character("q"))
            }
            guard awaiting == nil, pressed > 0 || terminal.screen.text.contains(showing(0)) else { return nil }
            if !clicked, let node {
                clicked = true
                guard let cell = terminal.screen.firstCell(showing: "\(node) ") else {
                    failure = "\(node) is not on the screen to select"
                    return .key(.character("q"))
                }
                return .click(x: cell.x, y: cell.y)
            }
            if pressed == presses { return .key(.character("q")) }
            if let lastPress, clock.now - lastPress < .milliseconds(250) { return nil }
            pressed += 1
            lastPress = clock.now
            awaiting = showing(pressed)
            return .key(.character(key))
        }
        let cores = SystemRun.defaultThreads
        let app = DashboardApp(
            terminal: terminal, preset: try loadPreset("ten-million-users"), seed: nil, speed: 1,
            catalog: PresetCatalog(), threads: cores > 1 ? cores : nil)
        app.run()
        if let failure { throw badInput("bench render: \(failure)") }
        guard latencies.count == presses else {
            throw badInput("bench render: only \(latencies.count) of \(presses) presses of \(key) reached the screen")
        }
        return latencies.map { $0.seconds * 1000 }.sorted()[presses / 2]
    }

    func pausedCPUPercent(forcingFrames: Bool) throws -> Double {
        let terminal = MemoryTerminal(width: 200, height: 60)
        let clock = ContinuousClock()
        var paused = false
        var start: ContinuousClock.Instant?
        var lastResize = clock.now
        var frames = 0
        var cpuAtStart = 0.0
        terminal.script = { _ in
            let now = clock.now
            if !paused {
                paused = true
                return .key(.character(" "))
            }
            if start == nil {
                start = now
                cpuAtStart = Self.processCPUSeconds()
            }
            if let start, now - start >= .seconds(5) { return .key(.character("q")) }
            // A resize redraws the whole screen: one per frame interval.
            guard forcingFrames, now - lastResize >= .seconds(1) / DashboardApp.framesPerSecond else { return nil }
            lastResize = now
            frames += 1
            return .resize
        }
        let app = DashboardApp(
            terminal: terminal, preset: try loadPreset("ten-million-users"), seed: nil, speed: 1, catalog: PresetCatalog())
        app.run()
        guard let start else { return .nan }
        let wall = (clock.now - start).seconds
        guard !forcingFrames || Double(frames) >= 0.8 * wall * Double(DashboardApp.framesPerSecond) else {
            throw badInput("bench render: only \(frames) frames in \(wall) s; the loop fell behind")
        }
        return 100 * (Self.processCPUSeconds() - cpuAtStart) / wall
    }

    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
            / 1e6
    }
}
