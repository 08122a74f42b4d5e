import Foundation

/// Where a request of one class goes when it leaves a node.
///
/// One buffer of routes, each with its probability, target and latency side by side: a
/// request leaving a node reads one cache line, not three arrays.
struct RouteTable: Sendable, Equatable {
    /// One way out, in the order of the spec.
    struct Route: Sendable, Equatable {
        /// The probabilities of this route and those before it; a draw above the last
        /// route's leaves the system.
        var cumulative: Double
        var target: Int32
        var latency: SimTime
    }

    var routes: [Route] = []

    /// The targets, in the order of the spec.
    var targets: [Int32] { routes.map(\.target) }
}

/// One node's runtime: its compiled configuration, its servers and its counters.
struct NodeRuntime: Sendable {
    var kind: NodeKind
    var sampler: ServiceSampler
    var passThrough: Bool
    var workers: Int32
    /// Queue capacity per server.
    var capacity: Int
    /// Zero means no timeout.
    var timeout: SimTime
    /// Load shedding (Components/Shedding): requests per server in service plus queued, 0
    /// for no limit, and the longest wait in a queue before service, 0 for none.
    var concurrencyLimit: Int32 = 0
    var queueDeadline: SimTime = 0
    var policy: BalancePolicy
    var routes: [RouteTable] = []
    /// At a cache, where read hits and misses go.
    var hitRoutes: [RouteTable] = []
    var missRoutes: [RouteTable] = []
    /// The routes of the spec the three tables were compiled from.
    var compiledRoutes: [RouteSpec]?
    /// Flat server indices of the pool, in pool order.
    var activeServers: [Int32] = []
    /// The servers balancers send to: those they believe alive. Their view lags the truth by
    /// `healthCheck`, so a dead server keeps getting traffic until the check notices.
    var rotation: [Int32] = []
    var healthCheck: SimTime
    /// Service takes this many times longer (failure injection).
    var slowFactor = 1.0
    /// Step on the vertical ladder, and its top.
    var size: Int
    var maxSize: Int
    /// Requests go to the shard their key hashes to, not by a balancing policy.
    var sharded: Bool
    /// The node's own random streams (see `RandomPurpose`), keyed by its id: the same node
    /// draws the same numbers whatever else the design holds.
    var serviceRandom: Xoshiro256StarStar
    var routingRandom: Xoshiro256StarStar
    /// The node's place in the dense store of its kind's state (`cacheStates` for a cache or
    /// CDN edge, `primaryStates`, `replicaPoolStates`, `appStates`), or -1 for a kind
    /// without one; see Engine+Kinds.swift.
    var slot: Int32 = -1
    /// The node every request served here calls before going on, or -1.
    var calls: Int32 = -1
    var autoscale: AutoscaleSpec?
    var lastScaleAction: SimTime = .min / 2
    /// The data center the node runs in, or -1.
    var dc: Int32 = -1
    /// The node's slot in `Engine.rateLimiters`, or -1 without a rate limiter.
    var rateLimiter: Int32 = -1
    /// For the entry pool without a balancer: each DNS resolver's cached answer and expiry.
    var dnsAnswers: [Int32] = []
    var dnsExpiry: [SimTime] = []
    var dnsCursor = 0
    /// Servers taken out of rotation, kept so their in-service work finishes and is counted.
    var retiredServers: [Int32] = []
    var ring = ConsistentHashRing()
    var roundRobinCursor = 0

    var counters = NodeCounters()
    var countersAtTick = NodeCounters()
    var countersAtStatsStart = NodeCounters()
    /// Worker-nanoseconds available up to `capacityMark`.
    var capacityArea: Int64 = 0
    var capacityMark: SimTime = 0
    var latency = WindowedHistogram()
    var history = WindowRing<NodeWindow>(capacity: Engine.historyLength)

    var allServers: [Int32] { activeServers + retiredServers }
}

/// One server of a pool: `workers` parallel workers in front of one FIFO queue.
///
/// The fields a request's visit reads and writes come first and fill 64 bytes: one cache
/// line, as a `Column` is line-aligned and the stride is a multiple of 64 bytes. The two
/// counters a visit bumps live in `Engine.serverTraffic`, a dense column. Over a cache of
/// millions of keys the lines of tens of servers are pushed out between two visits, and
/// each line a visit touches is a memory load (docs/architecture.md, "Hot-path storage").
struct ServerRuntime: Sendable {
    var node: Int32
    var busy: Int32 = 0
    var down = false
    var timerPending = false
    var queue = FIFOQueue()
    var lastChange: SimTime
    var busyArea: Int64 = 0
    var queueArea: Int64 = 0
    // The first line ends here; what follows changes by the window, or by command.
    var busyAreaAtStatsStart: Int64 = 0
    /// When the server last went down or came back; balancers notice `healthCheck` later.
    var changedAt: SimTime = .min / 2
    /// For a replica: the primary's log position it has applied, and the writes shipped to
    /// it that it has not applied yet.
    var applied: LogPosition = 0
    var applyLog = ApplyLog()
    /// Position in its pool (stable: pools grow and shrink at the end).
    var poolPosition: Int32 = 0
    /// A new server takes traffic only from this time (autoscaler warm-up).
    var warmUntil: SimTime = .min
    /// A replica out of service while it re-syncs after falling too far behind.
    var resyncing = false
    /// This server's last window (see Engine+MemberMetrics.swift).
    var member = MemberCounters()
    /// Rounds the stride up to three cache lines (a test checks it: a field added above
    /// takes its room from here).
    private var linePadding: (Int64, Int64, Int64) = (0, 0, 0)

    init(node: Int32, now: SimTime) {
        self.node = node
        lastChange = now
    }

    /// Brings the busy and queue areas up to `now`; call before changing `busy` or `queue`.
    @inline(__always)
    mutating func touch(_ now: SimTime) {
        let dt = now - lastChange
        if dt > 0 {
            busyArea &+= Int64(busy) &* dt
            queueArea &+= Int64(queue.count) &* dt
            lastChange = now
        }
    }

    /// The busy and queue areas as of `now`, without changing anything.
    func areas(at now: SimTime) -> (busy: Int64, queue: Int64) {
        let dt = max(0, now - lastChange)
        return (busyArea &+ Int64(busy) &* dt, queueArea &+ Int64(queue.count) &* dt)
    }
}

/// The counters of one server that every visit bumps, in a column of their own beside
/// `Engine.servers`: 16 bytes a server, so a whole pool's stay in the CPU's cache.
struct ServerTraffic: Sendable {
    /// Requests given to the server since time zero (placed, queued or dropped there).
    var arrivals = 0
    /// Services completed there, timed out or not.
    var completions = 0
}

/// A data center as geo-DNS sees it.
struct DataCenterRuntime: Sendable {
    var name: String
    var entry: Int32
    var down = false
    /// When it died or came back; geo-DNS notices a health check later.
    var changedAt: SimTime = .min / 2
    /// What geo-DNS believed at `changedAt`, and believes until it notices the change.
    var believedDown = false
}

/// Geo-DNS's answer for one user region: the nearest data center it believes alive (-1 for
/// none) and the round trip to it, which holds while no belief changes, from `validFrom`
/// until `validUntil` (see `Engine.answerGeoDNS`).
struct GeoAnswer: Sendable {
    var dc: Int32 = -1
    var roundTrip: SimTime = 0
    var validFrom: SimTime = .max
    var validUntil: SimTime = .min
}

/// The arrival process compiled from a `WorkloadSpec`.
struct WorkloadRuntime: Sendable {
    var users: Int
    var ratePerUser: Double
    var shape: TrafficShape
    var maxFactor: Double
    /// Each user region's share of the rate; one region of share 1 when the workload names none.
    var regionShares: [Double]
    /// Mean gap between a region's candidate arrivals at the peak rate, in nanoseconds.
    var meanGaps: [Double]
    var classCumulative: [Double]
    var classes: [UInt8]
    /// The key samplers, by `keySamplerIndex(of:)`: a column, so a draw reads the one it
    /// needs in place, where choosing between two stored samplers copied one a request.
    let keySamplers: Column<ZipfSampler>
    /// Keys from a trace, used in order and over again; empty means Zipf.
    var traceKeys: [UInt32] = []
    var traceCursor = 0
    /// Whether a request's Zipf key is drawn at its birth rather than at its first read
    /// (`Engine.key(of:)`): set by `Engine.linkTopology`, a hint that changes no key.
    var drawsKeysAtBirth = false
    var entry: Int32 = 0
    var limit: Int?
    var generated = 0
    /// Arrivals so far per region: the number of a region's next request. Written per
    /// request without the copy-on-write check (see `makeUnique()`).
    var arrivals: Column<UInt64>
    /// Per region, only the arrival event with this sequence number is live; a rate change
    /// makes the pending one stale instead of searching the heap for it.
    var pendingSequences: Column<UInt32?>

    init(_ spec: WorkloadSpec) {
        users = spec.users
        ratePerUser = spec.ratePerUser
        shape = spec.shape
        maxFactor = spec.shape.maxFactor
        limit = spec.requestLimit
        let weighted = RequestClass.allCases.compactMap { c -> (UInt8, Double)? in
            guard let w = spec.mix[c], w > 0 else { return nil }
            return (UInt8(c.rawValue), w)
        }
        let total = weighted.reduce(0) { $0 + $1.1 }
        var running = 0.0
        classes = weighted.map(\.0)
        classCumulative = weighted.map {
            running += $0.1 / total; return running
        }
        if classes.isEmpty {
            classes = [UInt8(RequestClass.read.rawValue)]
            classCumulative = [1]
        }
        keySamplers = Column([
            ZipfSampler(count: spec.keys.count, exponent: spec.keys.zipf),
            ZipfSampler(count: spec.staticAssets.count, exponent: spec.staticAssets.zipf),
        ])
        let shareTotal = spec.regions.reduce(0) { $0 + $1.share }
        regionShares = spec.regions.count > 1 ? spec.regions.map { $0.share / shareTotal } : [1]
        meanGaps = regionShares.map { _ in .infinity }
        arrivals = Column(repeating: 0, count: regionShares.count)
        pendingSequences = Column(repeating: nil, count: regionShares.count)
        updateRate()
    }

    /// Gives the per-request columns buffers of their own if a copy shares them; the
    /// engine calls it at each entry point (see `Column`).
    mutating func makeUnique() {
        arrivals.makeUnique()
        pendingSequences.makeUnique()
    }

    /// Where the sampler of a request class's keys is in `keySamplers`: static assets' at 1,
    /// data keys' at 0.
    @inline(__always)
    static func keySamplerIndex(of requestClass: UInt8) -> Int {
        requestClass == UInt8(RequestClass.static.rawValue) ? 1 : 0
    }

    mutating func updateRate() {
        let peak = Double(users) * ratePerUser * maxFactor
        // Each region's users are a Poisson stream of their share of the rate.
        meanGaps = regionShares.map { share in peak * share > 0 ? 1e9 / (peak * share) : .infinity }
    }

    var exhausted: Bool {
        if let limit { return generated >= limit }
        return false
    }
}
