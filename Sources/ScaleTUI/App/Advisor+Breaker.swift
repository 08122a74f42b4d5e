import ScaleSim

/// The advisor on circuit breakers (docs/dashboard.md, Circuit breakers).
extension Advisor {
    /// An open (or half-open) breaker: what it protects, what it costs, and what relieves
    /// it; nil when every breaker is closed.
    static func openBreakerAdvice(_ snapshot: SimulationSnapshot, keyMap: KeyMap) -> Advice? {
        guard let breaker = snapshot.breakers.first(where: { $0.state != .closed }) else { return nil }
        let target = snapshot.nodes.first { $0.id == breaker.to }
        let cause =
            target?.isDown == true
            ? "\(breaker.to) is down (\(key(.toggleKill, keyMap)) on it restores it)"
            : "fix \(breaker.to) and it closes after its probes; \(key(.toggleBreaker, keyMap)) on \(breaker.from) takes it off"
        let state = breaker.state == .open ? "OPEN" : "half-open"
        return Advice(
            text:
                "breaker \(breaker.from) -> \(breaker.to) \(state): it protects \(breaker.to) by failing \(breaker.from)'s "
                + "calls at once (\(Format.count(breaker.shortCircuited)) so far); \(cause)",
            tone: .bottleneck)
    }
}
