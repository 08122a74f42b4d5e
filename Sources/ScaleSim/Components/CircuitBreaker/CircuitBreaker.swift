/// Where a circuit breaker is: letting calls through, failing them at once, or trying a few.
public enum BreakerState: String, Sendable, Hashable, Codable, CaseIterable {
    case closed
    case open
    case halfOpen = "half-open"
}

/// A circuit breaker's state machine, knowing nothing of the engine: the calls it lets
/// through, the outcomes that come back and the time (docs/architecture.md, Circuit
/// breakers).
///
/// Every call let through carries the breaker's epoch, a number the engine hands out anew
/// at each change of state and never twice: an outcome is counted only if the breaker is
/// still in the epoch its call left in, so a call let through before the breaker opened
/// (or a probe of an earlier half-open spell) cannot move it.
struct CircuitBreaker: Sendable {
    private(set) var spec: BreakerSpec
    private(set) var state = BreakerState.closed
    private(set) var epoch: UInt32
    /// The latest outcomes while closed, true for a failure: a ring of `spec.window` flags.
    private var outcomes: [Bool]
    private var next = 0
    /// Outcomes in the window, and failures among them.
    private(set) var recorded = 0
    private(set) var failures = 0
    /// While open: when it opened, and when it goes half-open.
    private(set) var openedAt: SimTime = 0
    private(set) var openUntil: SimTime = 0
    /// While half-open: probes let through, and those that came back good.
    private var probesSent = 0
    private var probesPassed = 0
    /// Calls failed at once without being sent.
    private(set) var shortCircuited = 0
    /// Times it opened (from closed or from half-open).
    private(set) var timesOpened = 0
    /// Time spent open before the current spell.
    private var closedOpenTime: SimTime = 0
    /// The window's failure rate that opened the breaker last; nil when a failed probe did.
    private(set) var openingRate: Double?

    init(spec: BreakerSpec, epoch: UInt32) {
        self.spec = spec
        self.epoch = epoch
        outcomes = [Bool](repeating: false, count: spec.window)
    }

    /// The share of the window's calls that failed, or nil for an empty window.
    var failureRate: Double? { recorded > 0 ? Double(failures) / Double(recorded) : nil }

    /// Time spent open (not half-open) up to `now`.
    func timeOpen(at now: SimTime) -> SimTime { closedOpenTime + (state == .open ? max(0, now - openedAt) : 0) }

    /// A call wants through: the epoch it travels in, or nil when the breaker fails it at
    /// once (open, or half-open with every probe already sent).
    mutating func admit() -> UInt32? {
        switch state {
        case .closed:
            return epoch
        case .halfOpen where probesSent < spec.probes:
            probesSent += 1
            return epoch
        case .open, .halfOpen:
            shortCircuited += 1
            return nil
        }
    }

    /// The outcome of a call let through in `callEpoch` came back; returns the new state
    /// when it changed, in which case the breaker took `newEpoch`.
    mutating func record(failed: Bool, callEpoch: UInt32, now: SimTime, newEpoch: UInt32) -> BreakerState? {
        guard callEpoch == epoch else { return nil }
        switch state {
        case .closed:
            if recorded == spec.window {
                if outcomes[next] { failures -= 1 }
            } else {
                recorded += 1
            }
            outcomes[next] = failed
            if failed { failures += 1 }
            next = (next + 1) % spec.window
            let rate = Double(failures) / Double(recorded)
            guard recorded >= spec.minRequests, rate >= spec.threshold else { return nil }
            openingRate = rate
            open(now: now, newEpoch: newEpoch)
        case .halfOpen:
            if failed {
                openingRate = nil
                open(now: now, newEpoch: newEpoch)
            } else {
                probesPassed += 1
                guard probesPassed >= spec.probes else { return nil }
                state = .closed
                epoch = newEpoch
                clearWindow()
            }
        case .open:
            return nil
        }
        return state
    }

    /// The open spell is over at `now`: the breaker goes half-open (taking `newEpoch`); false
    /// if it is not open or not yet due.
    mutating func endOpenSpell(now: SimTime, newEpoch: UInt32) -> Bool {
        guard state == .open, now >= openUntil else { return false }
        closedOpenTime += now - openedAt
        state = .halfOpen
        epoch = newEpoch
        probesSent = 0
        probesPassed = 0
        return true
    }

    /// Takes new settings; a new window size starts the window afresh. The state stays.
    mutating func reconfigure(_ newSpec: BreakerSpec) {
        let resized = newSpec.window != spec.window
        spec = newSpec
        if resized {
            outcomes = [Bool](repeating: false, count: newSpec.window)
            clearWindow()
        }
    }

    private mutating func open(now: SimTime, newEpoch: UInt32) {
        state = .open
        epoch = newEpoch
        openedAt = now
        openUntil = now + spec.openFor
        timesOpened += 1
        clearWindow()
    }

    private mutating func clearWindow() {
        next = 0
        recorded = 0
        failures = 0
    }
}
