/// Building the runtime from a spec, and changing it while the simulation runs.
extension Engine {
    /// Appends the runtime for `node`; `linkTopology` then wires routes and roles.
    mutating func addNodeRuntime(_ node: NodeSpec) {
        let sampler = ServiceSampler(node.service)
        var runtime = NodeRuntime(
            kind: node.kind,
            sampler: sampler,
            passThrough: sampler.isPassThrough,
            workers: Int32(node.workers),
            capacity: node.queueCapacity ?? Int.max,
            timeout: node.timeout ?? 0,
            policy: node.policy,
            healthCheck: NodeSpec.defaultHealthCheck,
            size: node.size,
            maxSize: node.maxSize,
            sharded: node.kind == .db && node.shards > 1,
            serviceRandom: Xoshiro256StarStar(seed: seed, purpose: .service, index: Self.streamIndex(of: node.id)),
            routingRandom: Xoshiro256StarStar(seed: seed, purpose: .routing, index: Self.streamIndex(of: node.id))
        )
        runtime.autoscale = node.autoscale
        runtime.capacityMark = now
        nodes.append(runtime)
        let n = nodes.count - 1
        makeKindState(node: n)
        for _ in 0..<node.servers { appendServer(to: n) }
        nodes[n].ring = ConsistentHashRing(servers: node.servers)
        nodes[n].rotation = nodes[n].activeServers
        reconcileRateLimit(node: n)
        reconcileShedding(node: n)
    }

    /// The index of a node's random streams: a hash of its id, stable in every process.
    static func streamIndex(of id: String) -> UInt64 {
        var hash = FNV1a64()
        for byte in id.utf8 { hash.add(byte: byte) }
        return hash.value
    }

    /// Adds one new server to node `n`'s pool (a replica starts as a copy of its primary).
    mutating func appendServer(to n: Int) {
        let s = Int32(servers.count)
        servers.append(ServerRuntime(node: Int32(n), now: now))
        serverTraffic.append(ServerTraffic())
        servers[Int(s)].poolPosition = Int32(nodes[n].activeServers.count)
        nodes[n].activeServers.append(s)
        serverJoined(Int(s), node: n)
    }

    /// Derives what the spec implies between nodes: route tables, replica pools and caches
    /// of each primary, and how long balancers take to notice a dead server.
    mutating func linkTopology() {
        for n in nodes.indices {
            let routes = spec.nodes[n].routes
            // Only the nodes whose routes changed (or name a node not there yet) are compiled
            // again: compiling every node on every `add` made floods of them quadratic.
            if nodes[n].compiledRoutes != routes {
                // At a cache reads follow the `on` routes and nothing else does (docs/presets.md,
                // Caches): each table holds only the classes that can follow it.
                let byLookup = routesByLookup(node: n)
                let isRead = { (c: RequestClass) in c == .read }
                nodes[n].routes = compileRoutes(
                    routes.filter { !byLookup || $0.outcome == nil }, from: n, for: { !byLookup || !isRead($0) })
                nodes[n].hitRoutes =
                    byLookup ? compileRoutes(routes.filter { $0.outcome == .hit }, from: n, for: isRead) : []
                nodes[n].missRoutes =
                    byLookup ? compileRoutes(routes.filter { $0.outcome == .miss }, from: n, for: isRead) : []
                let complete = routes.allSatisfy { nodeIndex[$0.to] != nil }
                nodes[n].compiledRoutes = complete ? routes : nil
            }
        }
        linkDataTier()
        // A pool's balancers notice a dead server after the shortest health check among them
        // (one pass over the routes: a pass per node made floods of `add` quadratic).
        var shortestCheck: [String: SimTime] = [:]
        for sender in spec.nodes {
            for route in sender.routes {
                shortestCheck[route.to] = min(shortestCheck[route.to] ?? .max, sender.healthCheck)
            }
        }
        for n in nodes.indices {
            nodes[n].healthCheck = shortestCheck[spec.nodes[n].id] ?? NodeSpec.defaultHealthCheck
        }
        for n in nodes.indices {
            nodes[n].calls = spec.nodes[n].calls.flatMap { nodeIndex[$0] } ?? -1
        }
        linkRegions()
        linkWriteDelays()
        // Where keys are read, drawing one at birth, from the stream still in registers, is
        // cheaper than loading the stream back from memory at the first read.
        let writes = workload.classes.contains(UInt8(RequestClass.write.rawValue))
        workload.drawsKeysAtBirth = writes || nodes.contains { $0.kind == .cache || $0.kind == .cdn || $0.sharded }
        declareLinks()
        reconcileBreakers()
        // Any node clients reach directly (the entry, a data center's entry) resolves by DNS.
        let resolvers = max(1, spec.workload.dns.resolvers)
        for n in nodes.indices where nodes[n].dnsAnswers.count != resolvers {
            nodes[n].dnsAnswers = [Int32](repeating: -1, count: resolvers)
            nodes[n].dnsExpiry = [SimTime](repeating: .min, count: resolvers)
        }
    }

    /// Data centers, region latencies and CDN edges, by index.
    mutating func linkRegions() {
        let kept = Dictionary(uniqueKeysWithValues: datacenters.map { ($0.name, $0) })
        datacenters = spec.datacenters.map { dc in
            var runtime = kept[dc.name] ?? DataCenterRuntime(name: dc.name, entry: -1)
            runtime.entry = nodeIndex[dc.entry] ?? -1
            return runtime
        }
        for n in nodes.indices {
            nodes[n].dc = spec.nodes[n].dc.flatMap { name in datacenters.firstIndex { $0.name == name } }.map(Int32.init) ?? -1
        }
        let regions = spec.workload.regions.isEmpty ? [RegionShare(name: "", share: 1)] : spec.workload.regions
        regionLatency = regions.map { region in
            datacenters.map { dc in
                spec.latencies.first { $0.region == region.name && $0.dc == dc.name }?.latency ?? 0
            }
        }
        geoAnswers = Array(repeating: GeoAnswer(), count: regionLatency.count)
        datacenterLatencies = datacenters.map { from in
            datacenters.map { to in spec.datacenterLatency(from: from.name, to: to.name) }
        }
        cdnEdges = regions.map { region in
            let edge = spec.nodes.firstIndex { $0.kind == .cdn && ($0.region ?? "") == region.name }
            return edge.map(Int32.init) ?? -1
        }
    }

    /// The one-way latency from data center `from` to `to` (indices, -1 for none): 0 within
    /// one, and between two that `dc_latency` does not join.
    func datacenterLatency(from: Int32, to: Int32) -> SimTime {
        guard from >= 0, to >= 0, from != to else { return 0 }
        return datacenterLatencies[Int(from)][Int(to)]
    }

    /// The latency requests travel on `route` from node `n` to node `target`: the route's
    /// own, or for a route into another data center without one, the latency between the
    /// two (`dc_latency`). Read from the spec, so it holds before `linkRegions` runs.
    func latency(of route: RouteSpec, from n: Int, to target: Int) -> SimTime {
        guard route.latency == 0, let from = spec.nodes[n].dc, let to = spec.nodes[target].dc, from != to else {
            return route.latency
        }
        return spec.datacenterLatency(from: from, to: to)
    }

    /// Compiles node `n`'s routes into one table per request class; classes `carried`
    /// rejects get an empty table. A route into another data center with no latency of its
    /// own takes the latency between the two (`dc_latency`).
    func compileRoutes(_ routes: [RouteSpec], from n: Int, for carried: (RequestClass) -> Bool = { _ in true })
        -> [RouteTable]
    {
        RequestClass.allCases.map { requestClass in
            guard carried(requestClass) else { return RouteTable() }
            let named = routes.filter { $0.classes?.contains(requestClass) == true }
            let applicable = named.isEmpty ? routes.filter { $0.classes == nil } : named
            var table = RouteTable()
            var running = 0.0
            for route in applicable {
                guard let target = nodeIndex[route.to] else { continue }
                running += route.probability ?? 1
                let latency = latency(of: route, from: n, to: Int(target))
                table.routes.append(.init(cumulative: min(running, 1), target: target, latency: latency))
            }
            return table
        }
    }

    /// Adds a node to the running system and rewires every route from the updated spec;
    /// `relink: false` leaves the rewiring to the caller, which changes routes next.
    mutating func insertNode(_ node: NodeSpec, relink: Bool = true) {
        spec.nodes.append(node)
        nodeIndex[node.id] = Int32(spec.nodes.count - 1)
        addNodeRuntime(node)
        if relink { linkTopology() }
    }

    /// Re-points every route (and the entry) that leads to `old` so it leads to `new`,
    /// for the classes in `classes` (all when nil); the new node's own routes are kept.
    mutating func redirect(from old: String, to new: String, classes: [RequestClass]? = nil) {
        if spec.workload.entry == old && classes == nil {
            spec.workload.entry = new
            workload.entry = nodeIndex[new] ?? workload.entry
        }
        // A data center's users arrive at its entry: they now arrive at the new node.
        if classes == nil {
            for k in spec.datacenters.indices where spec.datacenters[k].entry == old { spec.datacenters[k].entry = new }
        }
        for n in spec.nodes.indices where spec.nodes[n].id != new && spec.nodes[n].routes.contains(where: { $0.to == old }) {
            // A route naming no class carries the classes no other route names.
            let named = Set(spec.nodes[n].routes.flatMap { $0.classes ?? [] })
            let unnamed = RequestClass.allCases.filter { !named.contains($0) }
            var rewritten: [RouteSpec] = []
            for route in spec.nodes[n].routes {
                guard route.to == old else {
                    // A route naming no class keeps, by name, the classes the split below
                    // is about to name: a probabilistic sibling still takes its share.
                    var kept = route
                    if classes != nil && route.classes == nil && !unnamed.isEmpty && splitKeepsUnnamedRoutes {
                        kept.classes = unnamed
                    }
                    rewritten.append(kept)
                    continue
                }
                guard let classes else {
                    var moved = route
                    moved.to = new
                    rewritten.append(moved)
                    continue
                }
                // Split the route: the named classes go to the new node, the rest stay.
                let carried = route.classes ?? unnamed
                let moving = carried.filter { classes.contains($0) }
                let staying = carried.filter { !classes.contains($0) }
                if !moving.isEmpty {
                    var moved = route
                    moved.to = new
                    moved.classes = moving
                    rewritten.append(moved)
                }
                if !staying.isEmpty {
                    var kept = route
                    kept.classes = staying
                    rewritten.append(kept)
                }
            }
            spec.nodes[n].routes = rewritten
        }
        linkTopology()
    }

    /// One-way latency of a new route between two nodes of one data center.
    static let localLatency: SimTime = 500 * Nanos.perMicrosecond

    /// The classes each of node `n`'s routes carries: those it names, or, for a route that
    /// names none, every class no other route names (docs/presets.md, Routes).
    func carriedClasses(node n: Int) -> [[RequestClass]] {
        let routes = spec.nodes[n].routes
        let named = Set(routes.flatMap { $0.classes ?? [] })
        let unnamed = RequestClass.allCases.filter { !named.contains($0) }
        return routes.map { $0.classes ?? unnamed }
    }

    /// Removes node `n`'s routes to `target`; the classes they carried end at `n` again. A
    /// route naming no class first names those it carried, so it does not take them over.
    mutating func dropRoutes(of n: Int, to target: String) {
        guard spec.nodes[n].routes.contains(where: { $0.to == target }) else { return }
        let carried = carriedClasses(node: n)
        var kept: [RouteSpec] = []
        for (route, classes) in zip(spec.nodes[n].routes, carried) where route.to != target {
            var pinned = route
            if route.classes == nil && route.outcome == nil { pinned.classes = classes }
            if pinned.classes?.isEmpty != true { kept.append(pinned) }
        }
        spec.nodes[n].routes = kept
    }

    /// The data-center copy suffix of node `n`'s id: `-eu` for `app-eu`, a copy (made by
    /// `add dc`) of a node `app` of the same kind in another data center; else empty. New
    /// nodes for a copy take its suffix (`add queue app-eu job` makes `jobs-eu`).
    func copySuffix(of n: Int) -> String {
        let id = spec.nodes[n].id
        var dash = id.lastIndex(of: "-")
        while let d = dash {
            if let original = nodeIndex[String(id[..<d])].map(Int.init), spec.nodes[original].kind == spec.nodes[n].kind,
                spec.nodes[original].dc != spec.nodes[n].dc
            {
                return String(id[d...])
            }
            dash = id[..<d].lastIndex(of: "-")
        }
        return ""
    }

    /// The refusal of adding one node with `routes` routes that takes over the routes to
    /// `splitting` (each may split in two), past `SystemSpec.maxNodes` or
    /// `SystemSpec.maxRoutes`; `nil` if the system stays within them.
    func refusalOverTopology(routes: Int, splitting: String? = nil) -> CommandResult? {
        guard spec.nodes.count < SystemSpec.maxNodes else {
            return .refused("the system already has \(spec.nodes.count) nodes, the most it may hold")
        }
        let split = splitting.map { old in spec.nodes.reduce(0) { $0 + $1.routes.count { $0.to == old } } } ?? 0
        guard spec.routeCount + routes + split <= SystemSpec.maxRoutes else {
            return .refused("the system would have more than \(SystemSpec.maxRoutes) routes, the most it may hold")
        }
        return nil
    }

    /// A node id not yet taken (nor in `reserved`), from `base`: `base`, else `base-2`,
    /// `base-3`, ...; cut short to `NodeSpec.maxIDLength` characters, so a name made from a
    /// long one still saves as a preset that loads.
    func freshID(_ base: String, reserved: Set<String> = []) -> String {
        func fitted(_ suffix: String) -> String { String(base.prefix(NodeSpec.maxIDLength - suffix.count)) + suffix }
        var id = fitted("")
        var k = 2
        while nodeIndex[id] != nil || reserved.contains(id) {
            id = fitted("-\(k)")
            k += 1
        }
        return id
    }
}
