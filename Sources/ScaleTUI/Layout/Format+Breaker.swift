import ScaleSim

/// The wording of circuit breakers (docs/dashboard.md, Circuit breakers).
extension Format {
    /// A link as the dashboard names it: `app -> db`.
    static func link(from: String, to: String) -> String { "\(from) -> \(to)" }

    /// The event-log line for a breaker that changed state.
    static func breakerChange(from: String, to: String, state: BreakerState, failureRate: Double?) -> String {
        let name = "breaker " + link(from: from, to: to)
        switch state {
        case .open:
            guard let failureRate else { return "\(name) opened again: a probe failed" }
            return "\(name) opened: \(percent(failureRate)) of its calls failed; calls fail at once"
        case .halfOpen:
            return "\(name) half-open: letting probes through"
        case .closed:
            return "\(name) closed: the probes succeeded"
        }
    }
}
