import Foundation
import ScaleFiles
import ScaleSim

/// The dashboard's loop: input and frames on the calling thread, the simulation on its
/// own task.
///
/// Every terminal call happens on the thread that calls `run` (ncurses is not
/// thread-safe); the loop never waits for the engine.
public final class DashboardApp {
    public private(set) var state: DashboardState
    let terminal: any TerminalBackend
    /// The live simulation, or a replay until the viewer takes it over.
    var driver: any EngineDriver
    /// Signalled as each driver's task ends; all are awaited before `run` returns.
    var driverTasks: [DispatchSemaphore] = []
    let catalog: PresetCatalog
    /// Where the running preset came from: saving resolves its relative trace path.
    var source: PresetSource
    /// Presets sent to the driver that it has not loaded yet, oldest first, with what each
    /// changed from the stage before: the log says so once the engine started over.
    var pendingLoads: [(info: PresetInfo, changes: [String], source: PresetSource)] = []
    /// At most this many frames per second.
    public static let framesPerSecond = 30
    /// Crash on purpose after the first frame (the hidden `--debug-crash` switch), so tests
    /// can check the terminal is restored after a crash.
    public var crashAfterFirstFrame = false

    /// Where `R` starts recordings, or nil when no directory is known.
    let recordingsDirectory: String?

    /// A dashboard over `preset`; with `recording`, the session is recorded from its start.
    public init(
        terminal: any TerminalBackend, preset: LoadedPreset, seed: UInt64?, speed: Double, catalog: PresetCatalog,
        recording: ReplayWriter? = nil, recordingsDirectory: String? = nil
    ) {
        self.recordingsDirectory = recordingsDirectory
        self.terminal = terminal
        self.catalog = catalog
        source = preset.source
        let size = terminal.size
        state = DashboardState(preset: PresetInfo(preset), width: size.width, height: size.height, unicode: terminal.hasUnicode)
        let simulation = Simulation(spec: preset.spec, seed: seed, keyTrace: preset.keyTrace)
        driver = SimulationDriver(simulation: simulation)
        if let recording { driver.send(.startRecording(recording, terminal: "\(size.width)x\(size.height)")) }
        if speed != 1 { driver.send(.setSpeed(speed)) }
    }

    /// A dashboard playing `replay` at its recorded pace times `factor`.
    public init(terminal: any TerminalBackend, replay: ReplayFile, factor: Double, catalog: PresetCatalog, recordingsDirectory: String? = nil) {
        self.recordingsDirectory = recordingsDirectory
        self.terminal = terminal
        self.catalog = catalog
        source = PresetSource(name: replay.header.presetName, path: replay.path, text: replay.header.preset)
        let size = terminal.size
        let info = PresetInfo(name: replay.header.presetName, spec: replay.spec)
        state = DashboardState(preset: info, width: size.width, height: size.height, unicode: terminal.hasUnicode)
        state.replay = ReplayStatus(factor: factor)
        driver = ReplayDriver(file: replay, factor: factor)
    }

    /// Starts `driver` on its own task.
    func start(_ driver: any EngineDriver) {
        let finished = DispatchSemaphore(value: 0)
        driverTasks.append(finished)
        let presetName = state.preset.name
        Task.detached {
            await driver.run(presetName: presetName)
            finished.signal()
        }
    }

    /// Runs until the user quits with `q`, or `interrupted` turns true (Ctrl-C).
    public func run(interrupted: () -> Bool = { false }) {
        start(driver)
        // The driver ends a recording's file before the process goes on to exit.
        defer {
            driver.stop()
            for task in driverTasks { task.wait() }
        }
        let clock = ContinuousClock()
        let frameInterval = Duration.seconds(1) / Self.framesPerSecond
        var lastFrame = clock.now - frameInterval
        var dirty = true
        while true {
            if interrupted() { return }
            // Idle, wait a whole frame for input; with a frame owed, only until it is due.
            let wait = dirty ? max(.zero, lastFrame + frameInterval - clock.now) : frameInterval
            if let event = terminal.nextEvent(timeoutMilliseconds: Int(wait / .milliseconds(1))) {
                dirty = true
                if handle(event) { return }
                // Drain what else is waiting before drawing, so pasted text is one frame.
                while let more = terminal.nextEvent(timeoutMilliseconds: 0) {
                    if handle(more) { return }
                }
            }
            let output = driver.take()
            if absorb(output) { dirty = true }
            if dirty, clock.now - lastFrame >= frameInterval {
                terminal.present(DashboardView.render(state))
                lastFrame = clock.now
                dirty = false
                if crashAfterFirstFrame { fatalError("crash on purpose (--debug-crash)") }
            }
        }
    }

    /// Applies an input event; true when it asks to quit.
    func handle(_ event: InputEvent) -> Bool {
        switch event {
        case .key(let key): perform(state.reduce(.keyPressed(key)))
        case .click(let x, let y): perform(state.reduce(.clicked(x: x, y: y)))
        case .resize:
            let size = terminal.size
            perform(state.reduce(.resized(width: size.width, height: size.height)))
        }
        return state.quitRequested
    }

    /// Feeds what the simulation sent into the state; true if anything changed.
    func absorb(_ output: DriverOutput) -> Bool {
        var changed = false
        for (command, result, time) in output.answers {
            perform(state.reduce(.commandAnswered(command, result, at: time)))
            changed = true
        }
        for (name, spec) in output.loads {
            if let pending = pendingLoads.first, pending.info.name == name {
                pendingLoads.removeFirst()
                source = pending.source
                perform(state.reduce(.presetLoaded(pending.info, changes: pending.changes)))
            } else {
                // A replay's load: the file carries the preset.
                perform(state.reduce(.presetLoaded(PresetInfo(name: name, spec: spec), changes: [])))
            }
            changed = true
        }
        if let handover = output.handover {
            goLive(from: handover)
            changed = true
        }
        for event in output.recording {
            perform(state.reduce(.recording(event)))
            changed = true
        }
        for spec in output.specs {
            save(spec)
            changed = true
        }
        if let snapshot = output.snapshot, snapshot != state.snapshot {
            perform(state.reduce(.snapshotArrived(snapshot)))
            changed = true
        }
        // After the snapshot it goes with, so "replay finished" has the time it finished at.
        if let progress = output.replay, progress != state.replay?.progress {
            perform(state.reduce(.replayProgressed(progress)))
            changed = true
        }
        return changed
    }

    func perform(_ effects: [DashboardEffect]) {
        for effect in effects {
            switch effect {
            case .send(let command): driver.send(.command(command))
            case .pause: driver.send(.pause)
            case .resume: driver.send(.resume)
            case .setSpeed(let factor): driver.send(.setSpeed(factor))
            case .loadPreset(let name): loadPreset(name)
            case .savePreset: driver.send(.fetchSpec)
            case .toggleRecording: toggleRecording()
            case .seek(let offset): driver.send(.seek(offset))
            case .takeOver: driver.send(.takeOver)
            case .quit: break
            }
        }
    }

    /// Asks the driver to start over from the preset `name` (a stage number, a name or a
    /// path); the log says what changed from the stage before once the engine did. A preset
    /// that fails to load leaves the simulation running as it was.
    func loadPreset(_ name: String) {
        do throws(PresetError) {
            let preset = try catalog.load(name)
            // What a stage adds to the one before (a variant, to the one before its number):
            // the step it teaches.
            let number = preset.source.isShipped ? preset.name.prefix(2) : ""
            let previous = Int(number).flatMap { $0 > 0 ? try? catalog.load(String(format: "%02d", $0 - 1)) : nil }
            let changes = previous.map { PresetDiff.changes(from: $0.spec, to: preset.spec) } ?? []
            driver.send(.load(preset.spec, keyTrace: preset.keyTrace, name: preset.name))
            pendingLoads.append((PresetInfo(preset), changes, preset.source))
        } catch {
            perform(state.reduce(.presetFailed("cannot load \(name): \(error.description)")))
        }
    }

    /// Continues the replay live: a simulation from the replay's engine, with the replay's
    /// history so a recording from here replays from the start.
    func goLive(from handover: ReplayHandover) {
        let live = SimulationDriver(
            simulation: Simulation(engine: handover.engine), history: (handover.header, handover.commands))
        driver = live
        start(live)
        perform(state.reduce(.tookOver))
    }

    /// Stops the recording, or starts one in a new file named by the time.
    func toggleRecording() {
        if state.recordingPath != nil {
            driver.send(.stopRecording)
            return
        }
        guard let directory = recordingsDirectory else {
            perform(state.reduce(.recording(.failed("no place for recordings: set XDG_STATE_HOME or HOME"))))
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let stamp = Date().ISO8601Format(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.omitted))
            let writer = try ReplayWriter(creating: "\(directory)/\(PresetCatalog.fileStem(for: state.preset.name.verbatim))-\(stamp).jsonl", force: false)
            driver.send(.startRecording(writer, terminal: "\(state.screenWidth)x\(state.screenHeight)"))
        } catch {
            perform(state.reduce(.recording(.failed("\(error)"))))
        }
    }

    /// Saves the live topology as a user preset named after the current one and the time.
    func save(_ spec: SystemSpec) {
        do throws(PresetError) {
            // The live topology already holds what the timeline did: saving the timeline
            // too would run its commands twice.
            var live = spec
            live.script = []
            let path = try catalog.save(live, stem: PresetCatalog.fileStem(for: state.preset.name.verbatim + "-live"), loadedFrom: source)
            perform(state.reduce(.presetSaved(path: path)))
        } catch {
            perform(state.reduce(.saveFailed(error.description)))
        }
    }
}

extension PresetInfo {
    init(_ preset: LoadedPreset) {
        self.init(name: preset.name, spec: preset.spec)
    }
}
