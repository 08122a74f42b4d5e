import ScaleSim

/// The circuit-breaker key (docs/dashboard.md, Circuit breakers).
extension CommandTargets {
    /// `B`: takes the selected node's breaker away if it has one (the first of its links
    /// that has one), else puts the standard breaker on the link of its first route.
    func breakerToggle() -> Result<SimCommand, NoTarget> {
        requireSelection(to: "put a circuit breaker on its calls", "a node with routes", where: { !$0.spec.routes.isEmpty }).map {
            node in
            if let guarded = node.spec.routes.first(where: { $0.breaker != nil }) {
                return .setBreaker(from: node.id, to: guarded.to, breaker: nil)
            }
            return .setBreaker(from: node.id, to: node.spec.routes[0].to, breaker: .standard)
        }
    }
}
