/// A node's latency histogram for the current one-second window and for the measured run.
///
/// Each sample is recorded once, into the window; closing a window merges it into the run
/// total, so the hot path pays for one histogram, not two. The window that holds the end of
/// the warm-up is merged less what it held at that instant.
struct WindowedHistogram: Sendable {
    private(set) var window = LatencyHistogram()
    private var run = LatencyHistogram()
    /// What the window held when the warm-up ended, taken away when it closes.
    private var warmupPart: LatencyHistogram?

    @inline(__always)
    mutating func record(_ value: SimTime) { window.record(value) }

    /// Gives the window buckets of its own if a copy shares them (see `LatencyHistogram`);
    /// the run total and the warm-up part are only merged, which checks for itself.
    mutating func makeUnique() { window.makeUnique() }

    /// The warm-up ends now: what the window holds so far is not measured.
    mutating func markStatsStart() {
        warmupPart = window
        // The copy shares the window's buckets, and `record` writes them unchecked.
        window.makeUnique()
    }

    /// Closes the window at `end`; windows that end by the end of the warm-up are not measured.
    mutating func closeWindow(end: SimTime, statsStart: SimTime) {
        if end > statsStart || warmupPart != nil {
            run.merge(window)
            if let warmupPart { run.subtract(warmupPart) }
            warmupPart = nil
        }
        window.clear()
    }

    /// The measured samples so far, the open window included.
    func measured(now: SimTime, statsStart: SimTime) -> LatencyHistogram {
        guard now > statsStart || warmupPart != nil else { return run }
        var total = run
        total.merge(window)
        if let warmupPart { total.subtract(warmupPart) }
        return total
    }
}
