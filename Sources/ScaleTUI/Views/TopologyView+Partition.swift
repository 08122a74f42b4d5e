import ScaleSim

extension TopologyView {
    /// Whether `link` runs between two data centers whose network is cut now.
    static func isCut(_ link: LinkSnapshot, in snapshot: SimulationSnapshot) -> Bool {
        guard !snapshot.partitions.isEmpty, let from = link.from,
            let a = snapshot.nodes.first(where: { $0.id == from })?.spec.dc,
            let b = snapshot.nodes.first(where: { $0.id == link.to })?.spec.dc, a != b
        else { return false }
        return snapshot.partitions.contains { $0.healedAt == nil && Set($0.dataCenters) == [a, b] }
    }

    /// The arrow of a cut link: crossed out.
    static func cutArrow(unicode: Bool) -> String { unicode ? "⇏" : "-/>" }
}
