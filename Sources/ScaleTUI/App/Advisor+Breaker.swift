import ScaleSim

/// The advisor on circuit breakers (docs/dashboard.md, Circuit breakers).
extension Advisor {
    /// An open (or half-open) breaker: the calls it failed fast and what closes it:
    /// "breaker app -> db OPEN, 3.7k calls failed fast: db is down, k on it restores it",
    /// without the calls when the line is short; nil when every breaker is closed.
    static func openBreakerAdvice(_ snapshot: SimulationSnapshot, keyMap: KeyMap) -> Advice? {
        guard let breaker = snapshot.breakers.first(where: { $0.state != .closed }) else { return nil }
        let target = snapshot.nodes.first { $0.id == breaker.to }
        let cause =
            target?.isDown == true
            ? "\(breaker.to) is down, \(key(.toggleKill, keyMap)) on it restores it"
            : "it closes when \(breaker.to) answers its probes"
        let state = breaker.state == .open ? "OPEN" : "half-open"
        let name = "breaker \(breaker.from) -> \(breaker.to) \(state)"
        return Advice(
            wordings: ["\(name), \(Format.count(breaker.shortCircuited)) calls failed fast: \(cause)", "\(name): \(cause)"],
            tone: .bottleneck)
    }
}
