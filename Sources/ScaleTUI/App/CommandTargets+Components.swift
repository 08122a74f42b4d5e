import ScaleFiles
import ScaleSim

/// The keys that add or take away a whole component: `b` sends `add db`; `m` and `D` open
/// the prompt on a guess to edit, `X` and `Z` on a removal to confirm (docs/dashboard.md,
/// Keys). A removal names only the selected node or its data center, never a guess.
extension CommandTargets {
    /// The name `add cdn` and `remove cdn` give the only region of a workload that names none.
    static let onlyRegion = "all"

    /// The user regions, in workload order; the only region when the workload names none.
    var userRegions: [String] {
        let names = snapshot.workload.regions.map(\.name)
        return names.isEmpty ? [Self.onlyRegion] : names
    }

    /// A CDN edge's region as commands spell it: an edge of a workload without regions
    /// serves the only one.
    static func regionName(_ region: String?) -> String {
        guard let region, !region.isEmpty else { return onlyRegion }
        return region
    }

    /// Whether `node` sends reads or writes on to another node: its database runs elsewhere.
    static func sendsData(_ node: NodeSnapshot) -> Bool {
        node.spec.routes.contains { route in route.classes.map { $0.contains(.read) || $0.contains(.write) } ?? true }
    }

    /// `b`: the selected app pool, else the busiest, whose database still runs on its own servers.
    var databaseSplit: Result<SimCommand, NoTarget> {
        guard snapshot.nodes.contains(where: { $0.kind == .app }) else {
            return .failure(NoTarget(message: "there is no app pool whose database could move"))
        }
        guard let app = node([.app], where: { !Self.sendsData($0) }) else {
            return .failure(NoTarget(message: "every app pool already sends its reads and writes on; r adds a read replica"))
        }
        return .success(.addDatabase(node: app.id))
    }

    /// `m`: the `add queue` line for the selected app pool or station, else the busiest one
    /// with no queue behind it yet, for the user to change the class or add workers.
    var queueLine: Result<String, NoTarget> {
        let queues = Set(snapshot.nodes.filter { $0.kind == .queue }.map(\.id))
        let pools: Set<NodeKind> = [.app, .station]
        let producer =
            selected.flatMap { pools.contains($0.kind) ? $0 : nil }
            ?? node(pools, where: { !$0.spec.routes.contains { queues.contains($0.to) } }) ?? node(pools)
        guard let producer else {
            return .failure(NoTarget(message: "there is no app pool or station to put a queue behind"))
        }
        let command = SimCommand.addQueue(
            node: producer.id, requestClass: .job, workers: CommandGrammar.defaultQueueWorkers)
        // The space invites the workers; Enter alone takes the default.
        return .success(CommandGrammar.encode(command) + " ")
    }

    /// One-way latency `D` offers when the design gives none to compare with.
    static let defaultDataCenterLatency: SimTime = 10 * Nanos.perMillisecond

    /// `D`: a copy of the selected node's data center (else the first) near the region whose
    /// nearest live data center is farthest, as near to it as the closest data center is to
    /// any region, under a name not taken.
    var dataCenterCopy: Result<SimCommand, NoTarget> {
        guard let first = snapshot.datacenters.first else {
            return .failure(NoTarget(message: "there are no data centers in this preset to copy"))
        }
        let names = Set(snapshot.datacenters.map(\.name))
        let model = selected?.spec.dc.flatMap { names.contains($0) ? $0 : nil } ?? first.name
        let live = Set(snapshot.datacenters.filter { !$0.down }.map(\.name))
        func nearest(_ region: String) -> SimTime? {
            snapshot.latencies.filter { $0.region == region && live.contains($0.dc) }.map(\.latency).min()
        }
        // Ties go to the first region listed: a region with no latency known counts as near.
        guard let region = snapshot.workload.regions.map(\.name).max(by: { (nearest($0) ?? 0) < (nearest($1) ?? 0) }) else {
            return .failure(NoTarget(message: "the workload names no user regions: no users would go to another data center"))
        }
        let latency = snapshot.latencies.map(\.latency).min() ?? Self.defaultDataCenterLatency
        var name = "\(region)-dc", number = 1
        while names.contains(name) {
            number += 1
            name = "\(region)-dc\(number)"
        }
        return .success(.addDataCenter(DataCenterCopy(name: name, model: model, region: region, latency: latency)))
    }

    /// `X`: the command taking the selected component away, by its kind. An app pool or a
    /// station loses one server; a replica pool one replica.
    var removal: Result<SimCommand, NoTarget> {
        requireSelection(to: "remove it").map { node in
            switch node.kind {
            case .lb: .removeLoadBalancer(node.id)
            case .cache: .removeCache(node.id)
            case .cdn: .removeCDN(region: Self.regionName(node.spec.region))
            case .sessionStore: .removeSessionStore(node.id)
            case .queue: .removeQueue(node.id)
            case .db: .removeDatabase(node.id)
            case .replica:
                // `remove replica` takes from the primary's first pool: name the pool itself
                // when the primary has more than one.
                if let primary = node.spec.replicaOf, snapshot.nodes.count(where: { $0.spec.replicaOf == primary }) == 1 {
                    .removeReplicas(primary: primary, count: 1)
                } else {
                    .removeServers(node: node.id, count: 1)
                }
            case .app, .station: .removeServers(node: node.id, count: 1)
            }
        }
    }

    /// `Z`: the removal of the selected node's data center, unless it is the only one.
    var dataCenterRemoval: Result<SimCommand, NoTarget> {
        selectedDataCenter(to: "remove it").flatMap { dc in
            guard snapshot.datacenters.count > 1 else {
                return .failure(NoTarget(message: "\(dc.name) is the only data center: without it users have nowhere to go"))
            }
            return .success(.removeDataCenter(dc.name))
        }
    }
}
