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
    let driver: SimulationDriver
    let catalog: PresetCatalog
    /// Where the running preset came from: saving resolves its relative trace path.
    var source: PresetSource
    /// At most this many frames per second.
    public static let framesPerSecond = 30
    /// Crash on purpose after the first frame (the hidden `--debug-crash` switch), so tests
    /// can check the terminal is restored after a crash.
    public var crashAfterFirstFrame = false

    public init(terminal: any TerminalBackend, preset: LoadedPreset, seed: UInt64?, speed: Double, catalog: PresetCatalog) {
        self.terminal = terminal
        self.catalog = catalog
        source = preset.source
        let size = terminal.size
        state = DashboardState(preset: PresetInfo(preset), width: size.width, height: size.height, unicode: terminal.hasUnicode)
        let simulation = Simulation(spec: preset.spec, seed: seed, keyTrace: preset.keyTrace)
        driver = SimulationDriver(simulation: simulation)
        driver.send(.setSpeed(speed))
    }

    /// Runs until the user quits with `q`, or `interrupted` turns true (Ctrl-C).
    public func run(interrupted: () -> Bool = { false }) {
        let engineTask = Task.detached { [driver] in await driver.run() }
        defer {
            driver.stop()
            engineTask.cancel()
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
        for (command, result) in output.answers {
            perform(state.reduce(.commandAnswered(command, result)))
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
        return changed
    }

    func perform(_ effects: [DashboardEffect]) {
        for effect in effects {
            switch effect {
            case .send(let command): driver.send(.command(command))
            case .pause: driver.send(.pause)
            case .resume: driver.send(.resume)
            case .setSpeed(let factor): driver.send(.setSpeed(factor))
            case .loadStage(let stage): loadStage(stage)
            case .savePreset: driver.send(.fetchSpec)
            case .quit: break
            }
        }
    }

    /// Loads stage `stage` and tells what changed from the stage before; a preset that
    /// fails to load leaves the simulation running as it was.
    func loadStage(_ stage: Int) {
        let name = String(format: "%02d", stage)
        do throws(PresetError) {
            let preset = try catalog.load(name)
            let changes: [String] = []  // what changed: PresetDiff, arriving with the stage presets
            driver.send(.load(preset.spec, keyTrace: preset.keyTrace))
            source = preset.source
            perform(state.reduce(.presetLoaded(PresetInfo(preset), changes: changes)))
        } catch {
            perform(state.reduce(.presetFailed("cannot load stage \(name): \(error.description)")))
        }
    }

    /// Saves the live topology as a user preset named after the current one and the time.
    func save(_ spec: SystemSpec) {
        do throws(PresetError) {
            // The live topology already holds what the timeline did: saving the timeline
            // too would run its commands twice.
            var live = spec
            live.script = []
            let path = try catalog.save(live, stem: PresetCatalog.fileStem(for: state.preset.name + "-live"), loadedFrom: source)
            perform(state.reduce(.presetSaved(path: path)))
        } catch {
            perform(state.reduce(.saveFailed(error.description)))
        }
    }
}

extension PresetInfo {
    init(_ preset: LoadedPreset) {
        self.init(name: preset.name, title: preset.spec.name, description: preset.spec.description,
                  explanation: preset.spec.explanation)
    }
}
