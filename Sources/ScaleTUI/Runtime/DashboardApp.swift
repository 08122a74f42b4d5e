import Foundation
import ScaleFiles
import ScaleSim

/// The dashboard's loop, on the thread that calls `run` (ncurses is not thread-safe):
/// input to the reducer, its effects to the engine's driver, the driver's actions back to
/// the reducer, and the state to the terminal as frames.
///
/// It waits only in `clock.nextEvent`, for a key or the next tick or frame due; the engine
/// is advanced in budgeted slices once per tick, so input and frames never wait long, and
/// a key's effects apply and are drawn at once, without waiting for either.
public final class DashboardApp {
    public private(set) var state: DashboardState
    let terminal: any TerminalBackend
    let clock: any LoopClock
    /// The live simulation, or a replay until the viewer takes it over.
    let driver: EngineDriver
    /// At most this many frames per second.
    public static let framesPerSecond = 30
    /// Crash on purpose after the first frame (the hidden `--debug-crash` switch), so tests
    /// can check the terminal is restored after a crash.
    public var crashAfterFirstFrame = false

    /// A dashboard over `preset`; with `recording`, the session is recorded from its start.
    /// `recordingsDirectory` is where `R` starts recordings, if any is known. With `threads`,
    /// a system of several partitions runs in partitions on that many threads.
    public init(
        terminal: any TerminalBackend, preset: LoadedPreset, seed: UInt64?, speed: Double, catalog: PresetCatalog,
        recording: ReplayWriter? = nil, recordingsDirectory: String? = nil, threads: Int? = nil,
        clock: any LoopClock = WallClock()
    ) {
        self.terminal = terminal
        self.clock = clock
        let size = terminal.size
        state = DashboardState(preset: PresetInfo(preset), width: size.width, height: size.height, unicode: terminal.hasUnicode)
        driver = EngineDriver(
            preset: preset, seed: seed, recording: recording, terminal: "\(size.width)x\(size.height)", catalog: catalog,
            recordingsDirectory: recordingsDirectory, threads: threads, clock: clock)
        if speed != 1 { driver.perform(.setSpeed(speed)) }
    }

    /// A dashboard playing `replay` at its recorded pace times `factor`; a file of the
    /// partitioned revision on `threads` threads (nil: one per core).
    public init(
        terminal: any TerminalBackend, replay: ReplayFile, factor: Double, catalog: PresetCatalog,
        recordingsDirectory: String? = nil, threads: Int? = nil, clock: any LoopClock = WallClock()
    ) {
        self.terminal = terminal
        self.clock = clock
        let size = terminal.size
        let info = PresetInfo(name: replay.header.presetName, spec: replay.spec)
        state = DashboardState(preset: info, width: size.width, height: size.height, unicode: terminal.hasUnicode)
        state.replay = ReplayStatus(factor: factor)
        driver = EngineDriver(
            replay: replay, factor: factor, threads: threads, catalog: catalog, recordingsDirectory: recordingsDirectory,
            clock: clock)
    }

    /// Runs until the user quits with `q`, or `interrupted` turns true (Ctrl-C).
    public func run(interrupted: () -> Bool = { false }) {
        // The driver ends a recording's file before the process goes on to exit.
        defer { driver.finish() }
        let frameInterval = Duration.seconds(1) / Self.framesPerSecond
        var lastFrame = clock.now - frameInterval
        var nextTick = clock.now
        var dirty = true
        while !interrupted() {
            // Wait for input until the next tick, or the frame owed if it is due first.
            let deadline = dirty ? min(nextTick, lastFrame + frameInterval) : nextTick
            var answered = false
            if let event = clock.nextEvent(from: terminal, until: deadline) {
                dirty = true
                if handle(event) { return }
                // Drain what else is waiting before drawing, so pasted text is one frame.
                while let more = terminal.nextEvent(timeoutMilliseconds: 0) {
                    if handle(more) { return }
                }
                // The keys' answers, drawn at once rather than at the next tick and frame.
                for action in driver.respond() { perform(state.reduce(action)) }
                answered = true
            }
            let now = clock.now
            if now >= nextTick {
                nextTick = now + EngineDriver.tickInterval
                let actions = driver.tick(at: now)
                for action in actions { perform(state.reduce(action)) }
                if !actions.isEmpty { dirty = true }
            }
            if dirty, answered || clock.now - lastFrame >= frameInterval {
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

    /// Hands the reducer's effects to the driver, as they are.
    func perform(_ effects: [DashboardEffect]) {
        for effect in effects { driver.perform(effect) }
    }
}
