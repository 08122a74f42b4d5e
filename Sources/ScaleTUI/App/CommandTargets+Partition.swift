import ScaleSim

extension CommandTargets {
    /// `P`: the link between the selected node's data center and its peer is cut, or healed
    /// when it is cut already (docs/dashboard.md). The peer is the other end of a cut the
    /// data center has; else the data center of the primary database, when that is another
    /// one; else the first other data center. With two data centers, simply the other one;
    /// with more, `:partition DC1 DC2` names any link.
    var partitionToggle: Result<SimCommand, NoTarget> {
        selectedDataCenter(to: "partition it or heal it").flatMap { dc in
            let open = snapshot.partitions.filter { $0.healedAt == nil && $0.dataCenters.contains(dc.name) }
            if let cut = open.first { return .success(.heal(cut.dataCenters[0], cut.dataCenters[1])) }
            let primaryDC = snapshot.nodes.first { $0.kind == .db }?.spec.dc
            let others = snapshot.datacenters.map(\.name).filter { $0 != dc.name }
            guard let peer = others.first(where: { $0 == primaryDC }) ?? others.first else {
                return .failure(NoTarget(message: "\(dc.name) is the only data center: there is no link to cut"))
            }
            return .success(.partition(dc.name, peer))
        }
    }
}
