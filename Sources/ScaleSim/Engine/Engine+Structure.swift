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
        var sessions: SessionMode?
        var sessionTTL: SimTime?
        var autoscale: AutoscaleSpec?
        var cache: CacheSpec?
        var cacheKeySpace: Int?
        var rateLimit: RateLimitSpec?
        var dnsResolvers: Int
        var writeDelay: SimTime?
    }

    var nodes: [Node]
    var entry: Int32
    var users: Int
    var ratePerUser: Double
    var meanGaps: [Double]
    var datacenterEntries: [Int32]
    var regionLatency: [[SimTime]]
    var datacenterLatencies: [[SimTime]]
    var cdnEdges: [Int32]
}

extension Engine {
    /// The structure of the running system (see `SystemStructure`).
    func structure() -> SystemStructure {
        SystemStructure(
            nodes: nodes.indices.map { n in
                let node = nodes[n]
                let slot = Int(node.rateLimiter)
                let cache = cacheSlot(n).map { cacheStates[$0] }
                let primary = primarySlot(n).map { primaryStates[$0] }
                let app = appSlot(n).map { appStates[$0] }
                let source = cache?.source ?? replicaSlot(n).map { replicaPoolStates[$0].primary } ?? -1
                return SystemStructure.Node(
                    id: nodeIndex.first { $0.value == Int32(n) }?.key ?? "",
                    kind: node.kind, servers: node.activeServers.count, workers: node.workers, size: node.size,
                    maxSize: node.maxSize, sharded: node.sharded, passThrough: node.passThrough, capacity: node.capacity,
                    timeout: node.timeout, policy: node.policy, healthCheck: node.healthCheck, routes: node.routes,
                    hitRoutes: node.hitRoutes, missRoutes: node.missRoutes, calls: node.calls, primary: source,
                    replicaPools: primary?.replicaPools ?? [], caches: primary?.caches ?? [], dc: node.dc,
                    sessions: app?.sessions, sessionTTL: app?.sessionTTL, autoscale: node.autoscale,
                    cache: cache.map {
                        CacheSpec(
                            entries: $0.cache.capacity, eviction: $0.cache.policy, ttl: $0.cache.ttl,
                            writePolicy: $0.writePolicy, coalesce: $0.coalesce)
                    },
                    cacheKeySpace: cache?.cache.keySpace,
                    rateLimit: slot < 0 ? nil : rateLimiters[slot].spec,
                    dnsResolvers: node.dnsAnswers.count, writeDelay: cache?.writeDelay)
            },
            entry: workload.entry, users: workload.users, ratePerUser: workload.ratePerUser, meanGaps: workload.meanGaps,
            datacenterEntries: datacenters.map(\.entry), regionLatency: regionLatency,
            datacenterLatencies: datacenterLatencies, cdnEdges: cdnEdges)
    }
}
