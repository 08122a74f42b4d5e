/// The time the dashboard's loop runs on, and its one way of waiting.
///
/// A session runs on `WallClock`, which waits in the terminal so a key wakes the loop at
/// once. A test runs on a virtual clock that jumps to the deadline instead of waiting, so
/// the loop, the engine's ticks and a replay's pacing all run on virtual time, in no wall
/// time and on one thread.
public protocol LoopClock {
    var now: ContinuousClock.Instant { get }
    /// The next input event from `terminal`, waiting for one until `deadline` at most; nil
    /// when none came by then.
    func nextEvent(from terminal: any TerminalBackend, until deadline: ContinuousClock.Instant) -> InputEvent?
}

/// The wall clock: the terminal waits for input until the deadline.
public struct WallClock: LoopClock {
    private let clock = ContinuousClock()

    public init() {}

    public var now: ContinuousClock.Instant { clock.now }

    public func nextEvent(from terminal: any TerminalBackend, until deadline: ContinuousClock.Instant) -> InputEvent? {
        let wait = max(.zero, deadline - now)
        // Rounded up: a wait rounded down to 0 ms would poll in a busy loop until the deadline.
        return terminal.nextEvent(timeoutMilliseconds: Int((wait / .milliseconds(1)).rounded(.up)))
    }
}
