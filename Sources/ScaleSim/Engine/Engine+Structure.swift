/// What a running system is built of, read from the runtime rather than the spec: the
/// structure two engines share when one was built from the other's spec.
///
/// Live state (queues, counters, servers down or warming, cache contents) is left out; so
/// is failure injection (kill, slow), which is not part of the design.
struct SystemStructure: Equatable {
    struct Node: Equatable {
        var id: String
        var kind: NodeKind
        var servers: Int
        var workers: Int32
        var size: Int
        var maxSize: Int
        var sharded: Bool
        var passThrough: Bool
        var capacity: Int
        var timeout: SimTime
        var policy: BalancePolicy
        var healthCheck: SimTime
        var routes: [RouteTable]
        var hitRoutes: [RouteTable]
        var missRoutes: [RouteTable]
        var calls: Int32
        var primary: Int32
        var replicaPools: [Int32]
        var caches: [Int32]
        var dc: Int32
        var sessions: SessionMode
        var sessionTTL: SimTime
        var autoscale: AutoscaleSpec?
        var cache: CacheSpec?
        var cacheKeySpace: Int?
        var rateLimit: RateLimitSpec?
        var dnsResolvers: Int
    }

    var nodes: [Node]
    var entry: Int32
    var users: Int
    var ratePerUser: Double
    var meanGap: Double
    var datacenterEntries: [Int32]
    var regionLatency: [[SimTime]]
    var cdnEdges: [Int32]
}

extension Engine {
    /// The structure of the running system (see `SystemStructure`).
    func structure() -> SystemStructure {
        SystemStructure(
            nodes: nodes.indices.map { n in
                let node = nodes[n]
                let slot = Int(node.rateLimiter)
                return SystemStructure.Node(
                    id: nodeIndex.first { $0.value == Int32(n) }?.key ?? "",
                    kind: node.kind, servers: node.activeServers.count, workers: node.workers, size: node.size,
                    maxSize: node.maxSize, sharded: node.sharded, passThrough: node.passThrough, capacity: node.capacity,
                    timeout: node.timeout, policy: node.policy, healthCheck: node.healthCheck, routes: node.routes,
                    hitRoutes: node.hitRoutes, missRoutes: node.missRoutes, calls: node.calls, primary: node.primary,
                    replicaPools: node.replicaPools, caches: node.caches, dc: node.dc, sessions: node.sessions,
                    sessionTTL: node.sessionTTL, autoscale: node.autoscale,
                    cache: node.cache.map { CacheSpec(entries: $0.capacity, eviction: $0.policy, ttl: $0.ttl,
                                                      writePolicy: node.writePolicy) },
                    cacheKeySpace: node.cache?.keySpace,
                    rateLimit: slot < 0 ? nil : rateLimiters[slot].spec,
                    dnsResolvers: node.dnsAnswers.count)
            },
            entry: workload.entry, users: workload.users, ratePerUser: workload.ratePerUser, meanGap: workload.meanGap,
            datacenterEntries: datacenters.map(\.entry), regionLatency: regionLatency, cdnEdges: cdnEdges)
    }
}
