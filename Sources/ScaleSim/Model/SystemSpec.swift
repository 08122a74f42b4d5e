/// A whole simulated system: its workload and its nodes, as a preset describes it.
///
/// Specs are plain values: the preset codec builds them, the engine compiles them into its
/// runtime tables, and replay files embed them.
public struct SystemSpec: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    /// Longer teaching text shown by the dashboard.
    public var explanation: String
    public var seed: UInt64
    public var workload: WorkloadSpec
    public var nodes: [NodeSpec]
    /// Commands the preset applies at fixed simulated times, in time order.
    public var script: [ScheduledCommand]
    /// Data centers; empty means one implicit data center reached through `workload.entry`.
    public var datacenters: [DataCenterSpec]
    /// Latency from each user region to each data center; geo-DNS picks the nearest live one.
    public var latencies: [RegionLatency]
    /// One-way latency between data centers (`dc_latency`), for every effect that crosses
    /// from one to another without a latency of its own; a pair not given is 0 each way
    /// unless its reverse is given (see `datacenterLatency(from:to:)`).
    public var datacenterLatencies: [DataCenterLatency]
    /// Prices that differ from the shipped defaults: the user's pricing file, then the
    /// preset's `pricing:` section (docs/cost.md).
    public var pricing: PricingSpec

    public init(
        name: String, description: String = "", explanation: String = "", seed: UInt64 = 1,
        workload: WorkloadSpec, nodes: [NodeSpec], script: [ScheduledCommand] = [],
        datacenters: [DataCenterSpec] = [], latencies: [RegionLatency] = [],
        datacenterLatencies: [DataCenterLatency] = [], pricing: PricingSpec = PricingSpec()
    ) {
        self.pricing = pricing
        self.datacenterLatencies = datacenterLatencies
        self.datacenters = datacenters
        self.latencies = latencies
        self.name = name
        self.description = description
        self.explanation = explanation
        self.seed = seed
        self.workload = workload
        self.nodes = nodes
        self.script = script
    }

    /// The node with this id, if any.
    public func node(_ id: String) -> NodeSpec? { nodes.first { $0.id == id } }

    /// The most nodes a system may hold, from a preset or grown by commands: ten times the
    /// largest shipped preset's, and few enough that rewiring after an `add` stays cheap.
    public static let maxNodes = 1_000
    /// The most routes all nodes together may hold (ten a node on average).
    public static let maxRoutes = 10_000

    /// Routes of every node together.
    public var routeCount: Int { nodes.reduce(0) { $0 + $1.routes.count } }
}

/// A command to apply at a simulated time.
public struct ScheduledCommand: Sendable, Hashable, Codable {
    public var at: SimTime
    public var command: SimCommand

    public init(at: SimTime, command: SimCommand) {
        self.at = at
        self.command = command
    }
}

/// The classes of request a workload mixes.
public enum RequestClass: Int, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case `static` = 0, read, write, job

    /// The name used in presets and reports.
    public var description: String {
        switch self {
        case .static: "static"
        case .read: "read"
        case .write: "write"
        case .job: "job"
        }
    }

    public init?(name: String) {
        guard let found = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = found
    }
}

/// The kinds of node the engine simulates.
public enum NodeKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A load balancer: forwards each request to one server of the next pool by its policy.
    case lb
    /// Application (web) servers.
    case app
    /// A database.
    case db
    /// A plain queueing station: c workers, a service time and a queue.
    case station
    /// A key-level cache in front of a database: reads hit or miss; misses go on and fill it.
    case cache
    /// A pool of read replicas of a `db`, each applying the primary's writes in order.
    case replica
    /// A message queue whose workers consume jobs: the producer is answered on enqueue.
    case queue
    /// A shared session store (NoSQL) that app servers call on every request.
    case sessionStore = "session_store"
    /// A CDN edge in one region: a key-level cache of static assets near the users.
    case cdn
}

/// Where an app pool keeps its users' sessions.
public enum SessionMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Sessions are not modelled.
    case none
    /// In each server's memory: a request that reaches another server than the one holding
    /// its user's live session logs the user out.
    case sticky
}

/// Target-tracking autoscaling of a pool.
public struct AutoscaleSpec: Sendable, Hashable, Codable {
    /// Utilization the autoscaler steers toward.
    public var target: Double
    public var min: Int
    public var max: Int
    /// Time before a new server takes traffic.
    public var warmup: SimTime
    /// Least time between two actions.
    public var cooldown: SimTime

    public init(
        target: Double = 0.6, min: Int = 1, max: Int = 20, warmup: SimTime = 30 * Nanos.perSecond,
        cooldown: SimTime = 60 * Nanos.perSecond
    ) {
        self.target = target
        self.min = min
        self.max = max
        self.warmup = warmup
        self.cooldown = cooldown
    }
}

/// A data center: its name and the node that receives its users' requests.
public struct DataCenterSpec: Sendable, Hashable, Codable {
    public var name: String
    public var entry: String

    public init(name: String, entry: String) {
        self.name = name
        self.entry = entry
    }
}

/// One-way network latency from a user region to a data center.
public struct RegionLatency: Sendable, Hashable, Codable {
    public var region: String
    public var dc: String
    public var latency: SimTime

    public init(region: String, dc: String, latency: SimTime) {
        self.region = region
        self.dc = dc
        self.latency = latency
    }
}

/// One-way network latency from one data center to another.
public struct DataCenterLatency: Sendable, Hashable, Codable {
    public var from: String
    public var to: String
    public var latency: SimTime

    public init(from: String, to: String, latency: SimTime) {
        self.from = from
        self.to = to
        self.latency = latency
    }
}

extension SystemSpec {
    /// The one-way latency from data center `from` to `to`: as given, else as given the
    /// other way (a link is as long both ways unless a preset says otherwise), else 0.
    public func datacenterLatency(from: String, to: String) -> SimTime {
        if let given = datacenterLatencies.first(where: { $0.from == from && $0.to == to }) { return given.latency }
        return datacenterLatencies.first { $0.from == to && $0.to == from }?.latency ?? 0
    }
}

/// Which outcome of a cache lookup a route carries.
public enum RouteOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    case hit, miss
}

/// A cache's configuration.
public struct CacheSpec: Sendable, Hashable, Codable {
    public var entries: Int
    public var eviction: EvictionPolicy
    public var ttl: SimTime?
    public var writePolicy: WritePolicy
    /// Request coalescing (single flight): while a miss for a key is on its way to the
    /// database, further misses for that key wait for its answer instead of going on too.
    public var coalesce: Bool

    public static let maxEntries = 100_000_000

    public init(
        entries: Int, eviction: EvictionPolicy = .lru, ttl: SimTime? = nil, writePolicy: WritePolicy = .invalidate,
        coalesce: Bool = false
    ) {
        self.entries = entries
        self.eviction = eviction
        self.ttl = ttl
        self.writePolicy = writePolicy
        self.coalesce = coalesce
    }
}

/// How a node picks one server of a multi-server pool it forwards to.
public enum BalancePolicy: String, Sendable, Hashable, Codable, CaseIterable {
    case roundRobin = "round_robin"
    case random
    case leastConnections = "least_connections"
    /// Consistent hashing on the user id, so a user keeps reaching the same server.
    case consistentHash = "consistent_hash"
}

/// A service-time distribution, given by its mean and, where it has one, its coefficient of
/// variation (standard deviation over mean).
public enum ServiceTime: Sendable, Hashable, Codable {
    /// No service: the node forwards at once and never queues.
    case none
    case exponential(mean: SimTime)
    case deterministic(mean: SimTime)
    case lognormal(mean: SimTime, cv: Double)
    case gamma(mean: SimTime, cv: Double)

    /// The mean service time; zero for `none`.
    public var mean: SimTime {
        switch self {
        case .none: 0
        case .exponential(let mean), .deterministic(let mean), .lognormal(let mean, _), .gamma(let mean, _): mean
        }
    }
}

/// One outgoing route of a node.
///
/// A request leaving a node follows the routes that name its class; if none names it, the
/// routes that name no class. Among those, `probability` splits the traffic; whatever is
/// left over (one minus the sum) leaves the system as completed.
public struct RouteSpec: Sendable, Hashable, Codable {
    /// The id of the node the route leads to.
    public var to: String
    /// The classes this route carries; `nil` means every class without a route of its own.
    public var classes: [RequestClass]?
    /// The share of matching traffic; `nil` means all of it (the route must then be alone).
    public var probability: Double?
    /// One-way network latency of the link.
    public var latency: SimTime
    /// At a cache, the lookup outcome this route carries; `nil` means any.
    public var outcome: RouteOutcome?
    /// A circuit breaker on the link to `to`; it guards every route of the node to `to`
    /// (Components/CircuitBreaker).
    public var breaker: BreakerSpec?

    public init(
        to: String, classes: [RequestClass]? = nil, probability: Double? = nil, latency: SimTime = 0,
        outcome: RouteOutcome? = nil, breaker: BreakerSpec? = nil
    ) {
        self.breaker = breaker
        self.to = to
        self.classes = classes
        self.probability = probability
        self.latency = latency
        self.outcome = outcome
    }
}

/// One node of the system: a pool of identical servers, each with `workers` parallel workers.
public struct NodeSpec: Sendable, Hashable, Codable {
    public var id: String
    public var kind: NodeKind
    public var servers: Int
    public var workers: Int
    public var service: ServiceTime
    /// Queue capacity per server; `nil` means unbounded. A full queue drops the request.
    public var queueCapacity: Int?
    /// Longest time a request may spend at this node (queue plus service); `nil` means none.
    public var timeout: SimTime?
    /// How this node picks a server of a multi-server pool it forwards to.
    public var policy: BalancePolicy
    public var routes: [RouteSpec]
    /// Step on the vertical-scaling ladder: each step up doubles the workers.
    public var size: Int
    /// The ladder's hard top.
    public var maxSize: Int
    /// How long a dead server of a pool this node balances over stays in its rotation.
    public var healthCheck: SimTime
    /// Cache configuration, for `kind: cache`.
    public var cache: CacheSpec?
    /// The primary a replica pool copies, for `kind: replica`.
    public var replicaOf: String?
    /// Time for a replica to apply one write; `nil` means its own service time.
    public var apply: ServiceTime?
    /// For a replica pool: delay before a replica is promoted when the primary dies.
    public var failover: SimTime
    /// For a replica pool: time for a committed write to reach a replica (asynchronous
    /// replication); writes still on the way when the primary dies are lost.
    public var replicationDelay: SimTime
    /// For a `db`: the number of shards, each holding the keys that hash to it.
    public var shards: Int
    /// A node every request served here calls before going on (the app's session store).
    public var calls: String?
    /// For an app pool: where sessions live, and how long an idle one lasts.
    public var sessions: SessionMode
    public var sessionTTL: SimTime
    public var autoscale: AutoscaleSpec?
    /// The data center the node runs in.
    public var dc: String?
    /// For a CDN edge: the user region it serves.
    public var region: String?
    /// Admission control: a token bucket every arriving request must take a token from.
    public var rateLimit: RateLimitSpec?
    /// Load shedding: the most requests a server holds (in service plus queued); one more is
    /// rejected at once. Nil means no limit (docs/presets.md, Load shedding).
    public var concurrencyLimit: Int?
    /// Load shedding: a request that waited longer than this in a server's queue is dropped
    /// when a worker comes free instead of being served; nil means none.
    public var queueDeadline: SimTime?

    /// The longest node id: 64 characters (letters, digits, `-` and `_`), as in presets.
    public static let maxIDLength = 64
    /// The queue capacity per server used when a preset names none.
    public static let defaultQueueCapacity = 10_000
    public static let defaultHealthCheck = 5 * Nanos.perSecond
    public static let defaultFailover = 30 * Nanos.perSecond
    public static let defaultMaxSize = 5
    public static let defaultReplicationDelay = 50 * Nanos.perMillisecond

    public init(
        id: String, kind: NodeKind, servers: Int = 1, workers: Int = 1, service: ServiceTime,
        queueCapacity: Int? = NodeSpec.defaultQueueCapacity, timeout: SimTime? = nil,
        policy: BalancePolicy = .random, routes: [RouteSpec] = [], size: Int = 0,
        maxSize: Int = NodeSpec.defaultMaxSize, healthCheck: SimTime = NodeSpec.defaultHealthCheck,
        cache: CacheSpec? = nil, replicaOf: String? = nil, apply: ServiceTime? = nil,
        failover: SimTime = NodeSpec.defaultFailover, replicationDelay: SimTime = NodeSpec.defaultReplicationDelay,
        shards: Int = 1, calls: String? = nil, sessions: SessionMode = .none,
        sessionTTL: SimTime = 30 * Nanos.perMinute, autoscale: AutoscaleSpec? = nil, dc: String? = nil,
        region: String? = nil, rateLimit: RateLimitSpec? = nil, concurrencyLimit: Int? = nil, queueDeadline: SimTime? = nil
    ) {
        self.rateLimit = rateLimit
        self.concurrencyLimit = concurrencyLimit
        self.queueDeadline = queueDeadline
        self.calls = calls
        self.sessions = sessions
        self.sessionTTL = sessionTTL
        self.autoscale = autoscale
        self.dc = dc
        self.region = region
        self.replicationDelay = replicationDelay
        self.size = size
        self.maxSize = maxSize
        self.healthCheck = healthCheck
        self.cache = cache
        self.replicaOf = replicaOf
        self.apply = apply
        self.failover = failover
        self.shards = shards
        self.id = id
        self.kind = kind
        self.servers = servers
        self.workers = workers
        self.service = service
        self.queueCapacity = queueCapacity
        self.timeout = timeout
        self.policy = policy
        self.routes = routes
    }
}

extension NodeSpec {
    /// The edge cache a CDN edge runs when its spec names none.
    public static let defaultEdgeCache = CacheSpec(entries: 10_000)

    /// The key cache the node runs: its own, or the default edge cache for a CDN edge that
    /// names none.
    public var effectiveCache: CacheSpec? { kind == .cdn ? cache ?? Self.defaultEdgeCache : cache }
}
