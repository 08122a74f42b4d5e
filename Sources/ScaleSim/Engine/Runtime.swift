import Foundation

/// Where a request of one class goes when it leaves a node.
struct RouteTable: Sendable, Equatable {
    /// Cumulative probabilities; a draw above the last one leaves the system.
    var cumulative: [Double] = []
    var targets: [Int32] = []
    var latencies: [SimTime] = []
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
    /// Key-level store of a cache node.
    var cache: KeyCache?
    var writePolicy: WritePolicy = .invalidate
    /// For a cache: the primary whose data it holds; for a replica pool: its primary; -1 if none.
    var primary: Int32 = -1
    /// For a primary: the versions of its keys, its replica pool and the caches of its data.
    var store: VersionStore?
    var replicaPools: [Int32] = []
    var caches: [Int32] = []
    /// For a replica pool: time to apply one write, and the failover delay.
    var applySampler: ServiceSampler
    var failoverDelay: SimTime
    var replicationDelay: SimTime
    var failoverPending = false
    /// The node every request served here calls before going on, or -1.
    var calls: Int32 = -1
    /// Sticky sessions: per user, the pool position (plus one) holding the session in the
    /// high 12 bits and the second it was last used (mod 2^20) in the low 20; 0 for none.
    var sessions: SessionMode = .none
    var sessionTTL: SimTime = 0
    var sessionTable: [UInt32] = []
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
    var sessionFigures = PoolSessionFigures()
    var cacheAtTick = CacheCounters()
    var cacheAtStatsStart = CacheCounters()
    /// Worker-nanoseconds available up to `capacityMark`.
    var capacityArea: Int64 = 0
    var capacityMark: SimTime = 0
    var latency = WindowedHistogram()
    var history = WindowRing<NodeWindow>(capacity: Engine.historyLength)

    var allServers: [Int32] { activeServers + retiredServers }
}

/// One server of a pool: `workers` parallel workers in front of one FIFO queue.
struct ServerRuntime: Sendable {
    var node: Int32
    var busy: Int32 = 0
    /// Services completed here, timed out or not.
    var completions = 0
    var queue = FIFOQueue()
    var lastChange: SimTime
    var busyArea: Int64 = 0
    var queueArea: Int64 = 0
    var busyAreaAtStatsStart: Int64 = 0
    var timerPending = false
    var down = false
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
    /// This server's own arrivals and last window (see Engine+MemberMetrics.swift).
    var member = MemberCounters()

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

/// The arrival process compiled from a `WorkloadSpec`.
struct WorkloadRuntime: Sendable {
    var users: Int
    var ratePerUser: Double
    var shape: TrafficShape
    var maxFactor: Double
    /// Mean gap between candidate arrivals at the peak rate, in nanoseconds.
    var meanGap: Double
    var classCumulative: [Double]
    var classes: [UInt8]
    var zipf: ZipfSampler
    /// Keys from a trace, used in order and over again; empty means Zipf.
    var traceKeys: [UInt32] = []
    var traceCursor = 0
    var staticZipf: ZipfSampler
    /// Cumulative shares of the user regions (empty for one region).
    var regionCumulative: [Double]
    var entry: Int32 = 0
    var limit: Int?
    var generated = 0
    /// Only the arrival event with this sequence number is live; a rate change makes the
    /// pending one stale instead of searching the heap for it.
    var pendingSequence: UInt32?

    init(_ spec: WorkloadSpec) {
        users = spec.users
        ratePerUser = spec.ratePerUser
        shape = spec.shape
        maxFactor = spec.shape.maxFactor
        meanGap = 0
        limit = spec.requestLimit
        let weighted = RequestClass.allCases.compactMap { c -> (UInt8, Double)? in
            guard let w = spec.mix[c], w > 0 else { return nil }
            return (UInt8(c.rawValue), w)
        }
        let total = weighted.reduce(0) { $0 + $1.1 }
        var running = 0.0
        classes = weighted.map(\.0)
        classCumulative = weighted.map { running += $0.1 / total; return running }
        if classes.isEmpty {
            classes = [UInt8(RequestClass.read.rawValue)]
            classCumulative = [1]
        }
        zipf = ZipfSampler(count: spec.keys.count, exponent: spec.keys.zipf)
        staticZipf = ZipfSampler(count: spec.staticAssets.count, exponent: spec.staticAssets.zipf)
        let shareTotal = spec.regions.reduce(0) { $0 + $1.share }
        var runningShare = 0.0
        regionCumulative = spec.regions.count > 1
            ? spec.regions.map { runningShare += $0.share / shareTotal; return runningShare } : []
        updateRate()
    }

    mutating func updateRate() {
        let peak = Double(users) * ratePerUser * maxFactor
        meanGap = peak > 0 ? 1e9 / peak : .infinity
    }

    var exhausted: Bool {
        if let limit { return generated >= limit }
        return false
    }
}

/// A replica's single-threaded apply stream, computed without events.
///
/// A replica applies its primary's writes in commit order, one at a time: a FIFO queue with
/// one worker. For such a queue the finish time of each job follows from the previous one
/// (Lindley's recursion: done = max(arrival, previous done) + service), so the engine works
/// out when each write will be applied as it is shipped, and the replica catches up lazily.
struct ApplyLog: Sendable {
    struct Entry: Sendable {
        /// When the write reaches the replica (commit plus replication delay).
        var arrives: SimTime
        var applied: SimTime
        var position: LogPosition
        var committed: SimTime
    }

    private(set) var entries: [Entry] = []
    private var head = 0
    /// When the apply worker finishes the last write it was given.
    private(set) var busyUntil: SimTime = .min

    var isEmpty: Bool { head == entries.count }

    /// Writes a replica may hold without having applied them; one more and it has fallen
    /// too far behind: its primary no longer keeps the log it needs, and it must re-sync
    /// (docs/presets.md, Limits).
    static let limit = 10_000

    /// The most bytes one replica's log takes: handed-out entries wait for compaction (at
    /// most `limit` of them, or 4,096), and an array's capacity can double its count.
    static let memoryBound = 2 * (2 * limit + 4096) * MemoryLayout<Entry>.stride

    /// Writes shipped and not yet applied as of the last `catchUp`.
    var backlog: Int { entries.count - head }

    /// Queues a write committed at `committed` that arrives at `arrives` and takes `service`
    /// (`now` is the current time); returns false, queueing nothing, when the replica has
    /// fallen too far behind: `limit` writes wait, or this one would be applied more than
    /// `Nanos.longest` from now. The second bound keeps every time far from overflowing.
    mutating func ship(position: LogPosition, committed: SimTime, arrives: SimTime, service: SimTime, now: SimTime) -> Bool {
        let start = max(arrives, busyUntil)
        guard backlog < Self.limit, service <= Nanos.longest, start - now <= Nanos.longest - service else { return false }
        let done = start + service
        busyUntil = done
        entries.append(Entry(arrives: arrives, applied: done, position: position, committed: committed))
        return true
    }

    /// Removes and returns the writes applied by `now`, oldest first.
    mutating func catchUp(to now: SimTime) -> ArraySlice<Entry> {
        // Forget what earlier calls handed out, once that is most of the buffer.
        if head > 4096 && head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
        let start = head
        while head < entries.count && entries[head].applied <= now { head += 1 }
        return entries[start..<head]
    }

    /// Drops the writes that have not reached the replica by `now` (their sender died).
    mutating func dropUnarrived(at now: SimTime) {
        while entries.count > head && entries[entries.count - 1].arrives > now { entries.removeLast() }
    }

    /// The last position the replica has received, applied or not.
    var lastReceived: LogPosition? { isEmpty ? nil : entries[entries.count - 1].position }

    /// Forgets everything: the replica re-syncs from its primary.
    mutating func reset(at now: SimTime) {
        entries = []
        head = 0
        busyUntil = now
    }
}

/// A place in a primary's write log: the count of writes committed before and at it.
///
/// 64 bits never wrap: at the engine's limit of 50,000,000 requests/s, all writes, that
/// takes 11,000 years. (32 bits wrapped after 86 seconds of such a run.)
typealias LogPosition = UInt64

/// A primary database's data as versions: each write takes the next log position, and a
/// key's version is the position of its last write.
struct VersionStore: Sendable {
    private(set) var position: LogPosition = 0
    private var dense: [LogPosition]
    private var sparse: [UInt32: LogPosition] = [:]

    /// Key spaces up to this size get a flat array (8 bytes a key); larger ones a dictionary
    /// of the keys written so far. Lookups only: iteration order never matters.
    static let denseLimit = 1 << 24

    init(keys: Int) {
        dense = keys <= Self.denseLimit ? [LogPosition](repeating: 0, count: keys) : []
    }

    /// The most bytes a store of `keys` keys takes: the flat array, or about 32 bytes of
    /// dictionary per key once every key has been written.
    static func memoryBound(keys: Int) -> Int {
        keys <= denseLimit ? 8 * keys : 32 * keys
    }

    @inline(__always)
    func version(of key: UInt32) -> LogPosition {
        dense.isEmpty ? sparse[key] ?? 0 : dense[Int(key)]
    }

    /// Commits a write of `key`; returns its log position.
    mutating func commit(_ key: UInt32) -> LogPosition {
        position += 1
        if dense.isEmpty { sparse[key] = position } else { dense[Int(key)] = position }
        return position
    }
}

/// Consistent hashing of user ids onto a pool's servers, with virtual nodes for balance.
///
/// Positions come from SplitMix64, never Swift's per-process `Hasher`, so a user lands on
/// the same server in every run; removing the last server moves only its users.
struct ConsistentHashRing: Sendable {
    static let virtualNodes = 64
    private var points: [UInt64] = []
    private var owners: [Int32] = []

    init() {}

    /// A ring over pool positions 0..<servers.
    init(servers: Int) {
        var entries: [(UInt64, Int32)] = []
        entries.reserveCapacity(servers * Self.virtualNodes)
        for server in 0..<servers {
            for v in 0..<Self.virtualNodes {
                entries.append((SplitMix64.mix(UInt64(server) << 20 | UInt64(v)), Int32(server)))
            }
        }
        entries.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        points = entries.map(\.0)
        owners = entries.map(\.1)
    }

    /// The pool position owning `user` among those `eligible` says are up: the next point
    /// clockwise whose owner is eligible, so a dead server's users move and no one else's do.
    func position(for user: UInt32, eligible: (Int) -> Bool) -> Int? {
        guard !points.isEmpty else { return nil }
        let h = SplitMix64.mix(UInt64(user) ^ 0x5CA1_E70F)
        var low = 0
        var high = points.count
        while low < high {
            let mid = (low + high) / 2
            if points[mid] < h { low = mid + 1 } else { high = mid }
        }
        for step in 0..<points.count {
            let owner = Int(owners[(low + step) % points.count])
            if eligible(owner) { return owner }
        }
        return nil
    }
}
