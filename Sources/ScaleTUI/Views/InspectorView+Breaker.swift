import ScaleSim

/// Circuit breakers in the topology and the inspector (docs/dashboard.md, Circuit breakers).
extension TopologyView {
    /// The word marking a link that has a breaker: `[breaker]` closed, `[OPEN]`, or
    /// `[half-open]`; nil without one.
    static func breakerMark(_ link: LinkSnapshot, in snapshot: SimulationSnapshot) -> (text: String, style: Style)? {
        guard link.kind == .requests, let breaker = snapshot.breakers.first(where: { $0.from == link.from && $0.to == link.to })
        else { return nil }
        switch breaker.state {
        case .closed: return ("[breaker]", Style(.dim))
        case .open: return ("[OPEN]", Style(.bottleneck, bold: true))
        case .halfOpen: return ("[half-open]", Style(.warm, bold: true))
        }
    }
}

extension InspectorView {
    /// One line per breaker on `node`'s calls: the link, its state, the failure rate of its
    /// window, and the requests it short-circuited since the start.
    static func breakerLines(of node: NodeSnapshot, in snapshot: SimulationSnapshot?) -> [(
        label: String, value: String, style: Style
    )] {
        guard let snapshot else { return [] }
        return snapshot.breakers.filter { $0.from == node.id }.map { b in
            let rate = b.failureRate.map { "\(Format.percent($0)) of \(b.windowCount) failed" } ?? "no calls yet"
            let until = b.openUntil.map { max(0, $0 - snapshot.time) }.map { "OPEN, \(Format.duration($0)) to half-open" }
            let text =
                switch b.state {
                case .closed: "closed, \(rate)"
                case .open: until ?? "OPEN"
                case .halfOpen: "half-open, probing"
                }
            return (
                "breaker", "-> \(b.to) \(text), \(Format.count(b.shortCircuited)) short-circuited",
                b.state == .closed ? Style.normal : Style(.bottleneck, bold: true)
            )
        }
    }
}
