import ScaleFiles
@testable import ScaleTUI

/// A clock for the dashboard's loop that never waits: with no input pending, it jumps to
/// the deadline. The loop, the engine's ticks and a replay's pacing then run on virtual
/// time, on the test's own thread, as fast as the machine computes them; work takes no
/// virtual time, so a run is the same every time.
final class VirtualClock: LoopClock {
    private(set) var now = ContinuousClock().now
    /// Where virtual time started, to read how much of it has passed.
    let start: ContinuousClock.Instant

    init() {
        start = now
    }

    var elapsed: Duration { now - start }

    func nextEvent(from terminal: any TerminalBackend, until deadline: ContinuousClock.Instant) -> InputEvent? {
        if let event = terminal.nextEvent(timeoutMilliseconds: 0) { return event }
        now = max(now, deadline)
        return nil
    }
}

/// A dashboard on a memory terminal and a virtual clock, with a script deciding each input
/// from the screen and the virtual time passed.
struct VirtualSession {
    let terminal: MemoryTerminal
    let clock = VirtualClock()
    let app: DashboardApp

    /// A live dashboard over `preset`.
    init(
        _ preset: String, width: Int = 120, height: Int = 40, speed: Double = 1, recording: ReplayWriter? = nil,
        recordingsDirectory: String? = nil
    ) throws {
        terminal = MemoryTerminal(width: width, height: height)
        app = DashboardApp(
            terminal: terminal, preset: try PresetCatalog(environment: [:]).load(preset), seed: nil, speed: speed,
            catalog: PresetCatalog(environment: [:]), recording: recording, recordingsDirectory: recordingsDirectory, clock: clock
        )
    }

    /// A dashboard playing `replay` at its recorded pace times `factor`.
    init(replay: ReplayFile, factor: Double = 1, width: Int = 120, height: Int = 40) {
        terminal = MemoryTerminal(width: width, height: height)
        app = DashboardApp(
            terminal: terminal, replay: replay, factor: factor, catalog: PresetCatalog(environment: [:]), clock: clock)
    }

    /// Runs the loop until it quits, `script` answering each poll for input with the screen
    /// and the virtual time passed; a session still running after `limit` of virtual time is
    /// quit, so a test that never reaches its last key fails rather than hangs. Returns the
    /// virtual time the loop ran.
    @discardableResult
    func run(limit: Duration = .seconds(600), _ script: @escaping (_ screen: String, _ elapsed: Duration) -> InputEvent?)
        -> Duration
    {
        let clock = clock
        terminal.script = { terminal in
            clock.elapsed > limit ? .key(.character("q")) : script(terminal.screen.text, clock.elapsed)
        }
        app.run()
        return clock.elapsed
    }

    /// Presses each key once the screen shows the text before it; returns how many were pressed.
    func run(steps: [(waitFor: String, events: [InputEvent])]) -> Int {
        var position = (step: 0, event: 0)
        run { screen, _ in
            guard position.step < steps.count, screen.contains(steps[position.step].waitFor) else { return nil }
            let event = steps[position.step].events[position.event]
            position.event += 1
            if position.event == steps[position.step].events.count { position = (position.step + 1, 0) }
            return event
        }
        return position.step
    }

    var screen: String { terminal.screen.text }
}

extension InputEvent {
    /// The keys that type `text`.
    static func typing(_ text: String) -> [InputEvent] { text.map { .key(.character($0)) } }
}
