import ScaleSim

/// How far a replay has played, in simulated time: a recording begun late still replays
/// from the session's start, so lines would say little about time.
public struct ReplayProgress: Sendable, Hashable {
    /// Simulated time played, the stages before the current one counted whole.
    public var elapsed: SimTime
    /// Every stage's simulated time, from the start to the last line.
    public var length: SimTime
    public var finished: Bool

    /// Played so far, 0 to 100; 100 once finished.
    public var percent: Int {
        guard !finished else { return 100 }
        guard length > 0 else { return 0 }
        // Past about three years of simulated time 100 × elapsed overflows: then in doubles.
        let (scaled, overflow) = elapsed.multipliedReportingOverflow(by: 100)
        let share = overflow ? 100 * (Double(elapsed) / Double(length)) : Double(scaled / length)
        return Int(min(100, max(0, share)))
    }
}
