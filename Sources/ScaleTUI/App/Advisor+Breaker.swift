import ScaleSim

/// The advisor on circuit breakers (docs/dashboard.md, Circuit breakers).
extension Advisor {
    /// An open (or half-open) breaker: the calls it failed fast and what closes it, short
    /// enough for an 80-column line: "breaker app -> db OPEN, 3.7k calls failed fast: db is
    /// down, k on it restores it"; nil when every breaker is closed.
    static func openBreakerAdvice(_ snapshot: SimulationSnapshot, keyMap: KeyMap) -> Advice? {
        guard let breaker = snapshot.breakers.first(where: { $0.state != .closed }) else { return nil }
        let target = snapshot.nodes.first { $0.id == breaker.to }
        let cause =
            target?.isDown == true
            ? "\(breaker.to) is down, \(key(.toggleKill, keyMap)) on it restores it"
            : "it closes when \(breaker.to) answers its probes"
        let state = breaker.state == .open ? "OPEN" : "half-open"
        return Advice(
            text:
                "breaker \(breaker.from) -> \(breaker.to) \(state), \(Format.count(breaker.shortCircuited)) calls failed fast: "
                + cause,
            tone: .bottleneck)
    }
}
