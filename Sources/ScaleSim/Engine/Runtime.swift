import Foundation

/// Where a request of one class goes when it leaves a node.
struct RouteTable: Sendable {
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
    /// Flat server indices in rotation, in pool order.
    var activeServers: [Int32] = []
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
    var entry: Int32 = 0
    var limit: Int?
    var generated = 0
    /// Only the arrival event with this sequence number is live; a rate change makes the
    /// pending one stale instead of searching the heap for it.
    var pendingSequence: UInt64 = .max

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

    /// The pool position owning `user`.
    func position(for user: UInt32) -> Int {
        guard !points.isEmpty else { return 0 }
        let h = SplitMix64.mix(UInt64(user) ^ 0x5CA1_E70F)
        var low = 0
        var high = points.count
        while low < high {
            let mid = (low + high) / 2
            if points[mid] < h { low = mid + 1 } else { high = mid }
        }
        return Int(owners[low == points.count ? 0 : low])
    }
}

extension Engine {
    /// Appends the runtime for `node`; routes are compiled once every node exists.
    mutating func addNodeRuntime(_ node: NodeSpec) {
        let sampler = ServiceSampler(node.service)
        var runtime = NodeRuntime(
            kind: node.kind,
            sampler: sampler,
            passThrough: sampler.isPassThrough,
            workers: Int32(node.workers),
            capacity: node.queueCapacity ?? Int.max,
            timeout: node.timeout ?? 0,
            policy: node.policy
        )
        let index = Int32(nodes.count)
        for _ in 0..<node.servers {
            runtime.activeServers.append(Int32(servers.count))
            servers.append(ServerRuntime(node: index, now: now))
        }
        runtime.ring = ConsistentHashRing(servers: node.servers)
        runtime.capacityMark = now
        nodes.append(runtime)
    }

    /// Compiles a node's routes into one table per request class.
    func compileRoutes(_ routes: [RouteSpec]) -> [RouteTable] {
        RequestClass.allCases.map { requestClass in
            let named = routes.filter { $0.classes?.contains(requestClass) == true }
            let applicable = named.isEmpty ? routes.filter { $0.classes == nil } : named
            var table = RouteTable()
            var running = 0.0
            for route in applicable {
                guard let target = nodeIndex[route.to] else { continue }
                running += route.probability ?? 1
                table.cumulative.append(min(running, 1))
                table.targets.append(target)
                table.latencies.append(route.latency)
            }
            return table
        }
    }
}
