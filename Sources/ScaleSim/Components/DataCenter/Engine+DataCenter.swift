/// The data center's room, for the commands that add one as a copy of another and take one
/// away (docs/scripts.md, Components). Killing and restoring one is failure injection, with
/// geo-DNS in Engine+Regions.swift.
extension Engine {
    /// Adds data center `copy.name` with a copy of data center `copy.model`'s nodes.
    ///
    /// Each copy's id takes the suffix `-REGION`. A primary database is not copied: the
    /// copies send its writes across, at the latency between the data centers, and read a
    /// replica pool of it in the new data center (a copy of the model's, or a new one).
    mutating func addDataCenter(_ copy: DataCenterCopy) -> CommandResult {
        guard !spec.datacenters.contains(where: { $0.name == copy.name }) else {
            return .refused("there is a data center named \(copy.name) already")
        }
        guard spec.datacenters.contains(where: { $0.name == copy.model }) else {
            let known = spec.datacenters.map(\.name).joined(separator: ", ")
            return .refused(
                "no data center named \(copy.model)" + (known.isEmpty ? "; this system declares none" : "; there are \(known)"))
        }
        let regions = spec.workload.regions.map(\.name)
        guard !regions.isEmpty else {
            return .refused("the workload names no user regions, so geo-DNS could not send anyone to \(copy.name)")
        }
        for region in [copy.region] + copy.otherLatencies.map(\.region) where !regions.contains(region) {
            return .refused("no user region named \(region); there are \(regions.joined(separator: ", "))")
        }
        guard (0...DataCenterCopy.maxLatency).contains(copy.latency),
            copy.otherLatencies.allSatisfy({ (0...DataCenterCopy.maxLatency).contains($0.latency) })
        else { return .refused("a latency must be 0 to \(DataCenterCopy.maxLatency / Nanos.perSecond) seconds") }

        let latencies = regionLatencies(of: copy)
        // The new data center is as far from the model as the region's users are.
        let between = spec.latencies.first { $0.region == copy.region && $0.dc == copy.model }?.latency ?? copy.latency
        let (copied, ids) = dataCenterCopy(of: copy, between: between)
        let modelEntry = spec.datacenters.first { $0.name == copy.model }?.entry ?? ""
        guard let entry = ids[modelEntry] else {
            return .refused("\(copy.model)'s users enter at \(modelEntry), a database, which is not copied")
        }
        var changed = spec
        changed.nodes += copied
        changed.datacenters.append(DataCenterSpec(name: copy.name, entry: entry))
        changed.latencies += latencies
        changed.datacenterLatencies += datacenterLatencies(of: copy.name, model: copy.model, between: between)
        guard changed.nodes.count <= SystemSpec.maxNodes else {
            return .refused("the copy would take the system to \(changed.nodes.count) nodes; at most \(SystemSpec.maxNodes)")
        }
        guard changed.routeCount <= SystemSpec.maxRoutes else {
            return .refused("the copy would take the system past \(SystemSpec.maxRoutes) routes")
        }
        if let problem = changed.dataMemoryProblem { return .refused(problem) }
        for node in copied { insertNode(node, relink: false) }
        spec.datacenters = changed.datacenters
        spec.latencies = changed.latencies
        spec.datacenterLatencies = changed.datacenterLatencies
        linkTopology()
        return .applied
    }

    /// The latency from every user region to the new data center: given, or, for a region
    /// not given, as far as the new data center's region is from the data center nearest
    /// that region, and never nearer than the new data center is to its own region.
    private func regionLatencies(of copy: DataCenterCopy) -> [RegionLatency] {
        func latency(_ region: String, _ dc: String) -> SimTime? {
            spec.latencies.first { $0.region == region && $0.dc == dc }?.latency
        }
        return spec.workload.regions.map { region in
            if region.name == copy.region {
                return RegionLatency(region: region.name, dc: copy.name, latency: copy.latency)
            }
            if let given = copy.otherLatencies.first(where: { $0.region == region.name }) {
                return RegionLatency(region: region.name, dc: copy.name, latency: given.latency)
            }
            let nearest = spec.datacenters.min {
                (latency(region.name, $0.name) ?? .max) < (latency(region.name, $1.name) ?? .max)
            }
            let across = nearest.flatMap { latency(copy.region, $0.name) } ?? copy.latency
            return RegionLatency(region: region.name, dc: copy.name, latency: max(copy.latency, across))
        }
    }

    /// The latency between the new data center `name` and every other, when the system
    /// gives latencies between data centers at all: `between` to its model, and to any other
    /// as far as the model is from it, but never nearer than `between`.
    private func datacenterLatencies(of name: String, model: String, between: SimTime) -> [DataCenterLatency] {
        guard !spec.datacenterLatencies.isEmpty else { return [] }
        return spec.datacenters.map { other in
            let latency = other.name == model ? between : max(between, spec.datacenterLatency(from: model, to: other.name))
            return DataCenterLatency(from: name, to: other.name, latency: latency)
        }
    }

    /// The new data center's nodes: a copy of each of the model's, in order, but its
    /// primaries, each of which gets a replica pool there when the model has none of it; and
    /// the id of each node's copy.
    private func dataCenterCopy(of copy: DataCenterCopy, between: SimTime) -> ([NodeSpec], [String: String]) {
        let model = spec.nodes.filter { $0.dc == copy.model }
        var ids: [String: String] = [:]
        var taken = Set<String>()
        func newID(_ base: String) -> String {
            let id = freshID(base, reserved: taken)
            taken.insert(id)
            return id
        }
        // A primary that is sharded has no replicas; its copies reach it across.
        let primaries = model.filter { $0.kind == .db }
        let replicated = Set(model.compactMap { $0.kind == .replica ? $0.replicaOf : nil })
        var nodes: [NodeSpec] = []
        var localReplica: [String: String] = [:]
        for node in model {
            if node.kind == .db {
                guard node.shards == 1, !replicated.contains(node.id) else { continue }
                let replica = Self.replicaPool(of: node, id: newID("\(node.id)-replica-\(copy.region)"), servers: 1)
                localReplica[node.id] = replica.id
                nodes.append(replica)
                continue
            }
            let id = newID("\(node.id)-\(copy.region)")
            ids[node.id] = id
            if node.kind == .replica, let primary = node.replicaOf, localReplica[primary] == nil { localReplica[primary] = id }
            var copied = node
            copied.id = id
            nodes.append(copied)
        }
        let primaryIDs = Set(primaries.map(\.id))
        for k in nodes.indices {
            nodes[k].dc = copy.name
            if nodes[k].kind == .replica, nodes[k].replicaOf.map(primaryIDs.contains) == true {
                nodes[k].replicationDelay = between
            }
            nodes[k].calls = nodes[k].calls.map { ids[$0] ?? $0 }
            nodes[k].routes = nodes[k].routes.flatMap { route -> [RouteSpec] in
                if let id = ids[route.to] {
                    var local = route
                    local.to = id
                    return [local]
                }
                guard primaryIDs.contains(route.to) else { return [route] }
                return Self.crossRoutes(route, to: route.to, readingFrom: localReplica[route.to], between: between)
            }
        }
        return (nodes, ids)
    }

    /// A copied route to a primary in another data center: reads go to the new data
    /// center's replica pool of it (at the route's latency), the rest cross to the primary.
    private static func crossRoutes(_ route: RouteSpec, to primary: String, readingFrom replica: String?, between: SimTime)
        -> [RouteSpec]
    {
        var across = route
        across.latency = between
        guard let replica else { return [across] }
        let carried = route.outcome != nil ? [RequestClass.read] : route.classes ?? RequestClass.allCases
        guard carried.contains(.read) else { return [across] }
        var local = route
        local.to = replica
        if route.outcome == nil { local.classes = [.read] }
        let rest = carried.filter { $0 != .read }
        guard !rest.isEmpty else { return [local] }
        across.classes = rest
        return [local, across]
    }

    /// Takes data center `name` away with its nodes; geo-DNS sends its users to the others.
    /// Refused for the last data center, while a network partition is in place (its table of
    /// cut links is by data center), and while a node elsewhere sends to one of its nodes or
    /// copies one's data.
    mutating func removeDataCenter(_ name: String) -> CommandResult {
        guard let dc = spec.datacenters.firstIndex(where: { $0.name == name }) else {
            let known = spec.datacenters.map(\.name).joined(separator: ", ")
            return .refused("no data center named \(name)" + (known.isEmpty ? "" : "; there are \(known)"))
        }
        guard spec.datacenters.count > 1 else {
            return .refused("\(name) is the only data center: users would have nowhere to go")
        }
        guard !partitions.active else {
            return .refused("a network partition is in place: heal it before taking a data center away")
        }
        let members = Set(spec.nodes.indices.filter { spec.nodes[$0].dc == name })
        let memberIDs = Set(members.map { spec.nodes[$0].id })
        for (n, node) in spec.nodes.enumerated() where !members.contains(n) {
            let needs =
                node.routes.map(\.to) + [node.calls, node.replicaOf].compactMap { $0 }
            if let needed = needs.first(where: memberIDs.contains) {
                return .refused("\(node.id) (outside \(name)) depends on \(needed) in \(name): take that away first")
            }
        }
        spec.datacenters.remove(at: dc)
        spec.latencies.removeAll { $0.dc == name }
        spec.datacenterLatencies.removeAll { $0.from == name || $0.to == name }
        if memberIDs.contains(spec.workload.entry) { spec.workload.entry = spec.datacenters[0].entry }
        removeNodes(members)
        regionMetrics.removeDataCenter(dc)
        for i in requests.slots.indices where requests.slots[i].phase != .free {
            let place = Int(requests.slots[i].dataCenter)
            if place == dc + 1 {
                requests.slots[i].dataCenter = 0
            } else if place > dc + 1 {
                requests.slots[i].dataCenter -= 1
            }
        }
        return .applied
    }
}
