/// The discrete-event core: a virtual clock, the future event list, the nodes and the
/// requests in flight.
///
/// Synchronous and deterministic: events run in (time, insertion) order and every random
/// draw comes from a stream derived from the seed for its purpose (`RandomPurpose`), so a
/// spec, a seed and a command log give the same figures bit for bit. Nothing here awaits or performs I/O: its owner (the
/// dashboard's `EngineDriver`, a headless run) advances it (docs/architecture.md).
public struct Engine: Sendable {
    /// Engine-event targets: non-negative event targets are request slots.
    enum EventTarget {
        static let tick: Int32 = -1
        static let statsStart: Int32 = -2
        /// The next arrival of user region `g` is `arrivalBase - g` (at most 256 regions).
        static let arrivalBase: Int32 = -3
        static let arrivalLimit: Int32 = arrivalBase - 255
        /// Queue-timeout checks for server `s` are `timeoutBase - s`.
        static let timeoutBase: Int32 = arrivalLimit - 1
        /// Timer `k` (see `EngineTimer`) is `timerBase + k`, far below any timeout check.
        static let timerBase: Int32 = .min
        /// Timer targets lie below this, timeout checks above: each range has 2^30 ids.
        static let timerLimit: Int32 = timerBase + (1 << 30)
        /// The oldest pending client deadline (Components/Client), between the two ranges.
        static let clientDeadline: Int32 = timerLimit
    }

    /// Something the engine must do at a set time.
    enum EngineTimer: Sendable {
        /// Balancers of node `n` notice the servers that died or came back.
        case healthCheck(node: Int32)
        /// A replica of the dead primary `n` takes over.
        case failover(primary: Int32)
        /// Command `k` of the script runs.
        case script(Int)
        /// Replica server `s` has copied its primary's data and serves again.
        case resyncDone(server: Int32)
        /// The replicas cut off by partition `episode` have applied what they missed.
        case partitionCaughtUp(episode: Int)
        /// The circuit breaker that opened in `epoch` goes half-open.
        case breakerHalfOpen(epoch: UInt32)
        /// A write shipped to cache node `n` in another data center arrives there.
        case cacheWriteArrives(cache: Int32)
        /// In a partitioned run, the answer to a miss at CDN edge `n`, served in another
        /// partition, comes back to fill it (Parallel/EnginePartition.swift).
        case fillArrives(cache: Int32, key: UInt32, version: CachedVersion)
        /// In a partitioned run, the outcome of a call let through in `epoch`, whose attempt
        /// ended in another partition, reaches its breaker (Parallel/Engine+BreakersAcross.swift).
        case breakerOutcome(epoch: UInt32, failed: Bool)
    }

    /// Length of a metrics window.
    public static let windowLength: SimTime = Nanos.perSecond
    /// Windows kept per node for charts and bottleneck detection (ten minutes).
    public static let historyLength = 600

    public internal(set) var spec: SystemSpec
    /// The engine revision whose rules this engine follows where revisions differ: a
    /// replay of an older recording follows its own, so it still verifies
    /// (`splitKeepsUnnamedRoutes`, docs/replay.md).
    public var followsRevision = Engine.revision
    public internal(set) var now: SimTime = 0
    /// Statistics for reports count from here (the end of the warm-up).
    public let statsStart: SimTime
    /// The seed the random stream started from.
    public let seed: UInt64

    var events = EventQueue()
    /// Each user region's arrival stream and retry-jitter stream (see `RandomPurpose`); a
    /// node's service and routing streams are in its `NodeRuntime`.
    var arrivalRandom: Column<Xoshiro256StarStar>
    var retryRandom: Column<Xoshiro256StarStar>
    /// The key of the counter-based generator of requests' class, user and key.
    let attributeSeed: UInt64
    var nodes = Column<NodeRuntime>()
    var servers = Column<ServerRuntime>()
    /// Each server's arrivals and completions, beside `servers` (see `ServerRuntime`).
    var serverTraffic = Column<ServerTraffic>()
    var nodeIndex: [String: Int32] = [:]
    var requests = RequestTable()
    var workload: WorkloadRuntime
    var datacenters: [DataCenterRuntime] = []
    /// One-way latency from each user region to each data center.
    var regionLatency: [[SimTime]] = []
    /// Geo-DNS's answer for each region, kept while it holds: finding it again took a loop
    /// over the data centers a request.
    var geoAnswers: [GeoAnswer] = []
    /// One-way latency from each data center to each other (`dc_latency`), by index.
    var datacenterLatencies: [[SimTime]] = []
    /// The CDN edge serving each region, or -1.
    var cdnEdges: [Int32] = []
    /// The state of each kind that has one, densely stored: node `n` of such a kind owns
    /// element `nodes[n].slot` of its kind's array (see Engine+Kinds.swift). The caches'
    /// is a column (requests write it); each cache's storage, too large to copy at every
    /// entry point, still makes itself unique at each write.
    var cacheStates = Column<CacheState>()
    /// The cache operations to come whose memory is loading, in stages: hints only.
    var lookupPrefetch = LookupPrefetch()
    var primaryStates: [PrimaryState] = []
    /// Whether any primary has committed, or learnt of, a write: until then every key's
    /// version is 0, and a read needs no key to know it.
    var anyWriteCommitted = false
    var replicaPoolStates: [ReplicaPoolState] = []
    var appStates: [AppState] = []
    /// The rate limiters, one per limited node (see Engine+RateLimiter.swift).
    var rateLimiters: [RateLimiterState] = []
    /// Cut links between data centers (see Components/DataCenter/Engine+Partition.swift).
    var partitions = Partitions()
    /// The users' clients: deadlines and the retry budget (see Engine+Client.swift).
    var client = ClientState()
    /// The circuit breakers, one per guarded link, the calls through them still waiting
    /// for an outcome, and the last epoch handed out (see Engine+CircuitBreaker.swift).
    var breakers: [BreakerRuntime] = []
    var breakerCalls: [BreakerCall] = []
    var freeBreakerCalls: [Int32] = []
    var breakerEpoch: UInt32 = 0
    var timers: [EngineTimer?] = []
    var freeTimers: [Int] = []
    /// The timed commands: the preset's own, then any added script's, by time.
    let script: [ScheduledCommand]
    /// Commands the engine refused, with when and why.
    public internal(set) var refusedCommands: [RefusedCommand] = []
    /// What the engine did on its own lately, for the dashboard's event log.
    public internal(set) var notices = NoticeLog()
    /// Requests alive at once beyond which new arrivals are dropped (see `RequestTable.maxLive`).
    var liveRequestLimit = RequestTable.maxLive

    var outcomesAll = ClassOutcomes()
    var outcomesRun = ClassOutcomes()
    /// Requests born since `statsStart` still alive.
    var liveRun = 0
    var windowLatency = LatencyHistogram()
    var runLatency = Column(RequestClass.allCases.map { _ in LatencyHistogram() })
    var outcomesAtTick = OutcomeCounts()
    /// Writes a failover lost, since time zero and at the end of the warm-up.
    var writesLost = 0
    var writesLostAtStatsStart = 0
    public internal(set) var systemHistory = WindowRing<SystemWindow>(capacity: Engine.historyLength)
    /// End-to-end figures per user region (see Engine+RegionMetrics.swift).
    var regionMetrics = RegionMetrics(regionCount: 0)
    /// Messages per link, for display only (see `LinkCounters`).
    var links = LinkCounters()
    /// This engine's part in a partitioned run; empty (and free) when the engine runs the
    /// whole system (Parallel/EnginePartition.swift).
    var crossing = PartitionCrossing()
    /// Every user request born, when set (tests read it to show the traffic is the design's
    /// own no more); nil, and free, otherwise.
    var arrivalTrace: [ArrivalRecord]?

    /// Builds the runtime from a spec; the spec must have passed the preset validation.
    /// `script` adds timed commands to the preset's own; `keyTrace` holds the keys of the
    /// workload's key trace, when it names one (ids below `workload.keys.count`).
    public init(
        spec: SystemSpec, seed: UInt64? = nil, warmup: SimTime = 0, script extra: [ScheduledCommand] = [],
        keyTrace: [UInt32] = []
    ) {
        self.spec = spec
        self.statsStart = max(0, warmup)
        self.seed = seed ?? spec.seed
        workload = WorkloadRuntime(spec.workload)
        let seed = self.seed
        arrivalRandom = Column(
            workload.regionShares.indices.map {
                Xoshiro256StarStar(seed: seed, purpose: .arrivals, index: UInt64($0))
            })
        retryRandom = Column(
            workload.regionShares.indices.map {
                Xoshiro256StarStar(seed: seed, purpose: .retries, index: UInt64($0))
            })
        attributeSeed = SplitMix64.mix(seed ^ RandomPurpose.requestAttributes.rawValue << 56)
        workload.traceKeys = keyTrace
        // A stable sort keeps same-time commands in the order they were written.
        script = (spec.script + extra).enumerated()
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        for (i, node) in spec.nodes.enumerated() { nodeIndex[node.id] = Int32(i) }
        workload.entry = nodeIndex[spec.workload.entry] ?? 0
        for node in spec.nodes { addNodeRuntime(node) }
        linkTopology()
        configureClients()
        regionMetrics = RegionMetrics(regionCount: spec.workload.regions.count)

        for region in workload.regionShares.indices { scheduleNextArrival(region: region) }
        events.schedule(EventTarget.tick, at: Self.windowLength)
        if statsStart > 0 { events.schedule(EventTarget.statsStart, at: statsStart) }
        for k in script.indices { schedule(.script(k), at: script[k].at) }
    }

    /// True once a request limit was reached and every request has finished.
    public var isDrained: Bool { workload.exhausted && requests.live == 0 }

    /// Runs every event up to and including `end`, then sets the clock to `end`.
    public mutating func run(until end: SimTime) {
        makeStorageUnique()
        while step(notAfter: end) {}
        if end > now { now = end }
    }

    /// Runs until a request limit is reached and the system has drained.
    public mutating func runUntilDrained() {
        makeStorageUnique()
        while !isDrained, step(notAfter: .max) {}
    }

    /// Applies a command now, recording it if refused.
    @discardableResult
    public mutating func execute(_ command: SimCommand) -> CommandResult {
        makeStorageUnique()
        let result = apply(command)
        if case .refused(let reason) = result {
            refusedCommands.append(RefusedCommand(at: now, command: command, reason: reason))
        }
        return result
    }

    /// Gives the engine's columns buffers of their own if a copy of the engine shares them:
    /// every public entry point that writes calls it first (see `Column`).
    mutating func makeStorageUnique() {
        events.makeUnique()
        requests.makeUnique()
        nodes.makeUnique()
        servers.makeUnique()
        serverTraffic.makeUnique()
        for s in servers.indices { servers[s].queue.makeUnique() }
        arrivalRandom.makeUnique()
        retryRandom.makeUnique()
        workload.makeUnique()
        cacheStates.makeUnique()
        makeMetricsUnique()
    }

    /// Pops and handles the earliest event if it is due by `end`; returns whether there was one.
    @inline(__always)
    mutating func step(notAfter end: SimTime) -> Bool {
        guard let event = events.pop(notAfter: end) else { return false }
        now = event.time
        let target = event.target
        // In a table past the CPU's caches the next event's request is a DRAM miss more
        // often than not: start loading it now. A small table stays cached.
        if requests.slots.count > RequestTable.cachedSlots, let next = events.nextTarget, next >= 0 {
            requests.prefetch(next)
        }
        if target >= 0 {
            switch requests.slots[Int(target)].phase {
            case .inService: completeService(target)
            case .travelling where requests.slots[Int(target)].node < 0:
                startRetry(target)
            case .travelling:
                let from = requests.slots[Int(target)].server
                enter(target, node: requests.slots[Int(target)].node, from: from)
            case .lost: requests.reclaim(target)
            case .connecting: connectionTimedOut(target)
            case .queued, .coalesced, .free: break
            }
        } else if target >= EventTarget.arrivalLimit && target <= EventTarget.arrivalBase {
            let region = Int(EventTarget.arrivalBase - target)
            if event.sequence == workload.pendingSequences[region] { handleArrival(region: region) }
        } else if target == EventTarget.tick {
            closeWindow()
            events.schedule(EventTarget.tick, at: now + Self.windowLength)
        } else if target == EventTarget.statsStart {
            markStatsStart()
        } else if target > EventTarget.timerLimit {
            expireQueue(server: Int(EventTarget.timeoutBase - target))
        } else if target == EventTarget.clientDeadline {
            clientDeadlinePassed()
        } else {
            fireTimer(Int(target - EventTarget.timerBase))
        }
        return true
    }

    /// Schedules `timer` at `time`.
    mutating func schedule(_ timer: EngineTimer, at time: SimTime) {
        events.schedule(EventTarget.timerBase + Int32(timerNumber(for: timer)), at: time)
    }

    /// Schedules `timer` `delay` from now, in the delay line of timers as far off (see
    /// `EventQueue.schedule(_:after:from:)`): the same order as `at: now + delay`.
    mutating func schedule(_ timer: EngineTimer, after delay: SimTime) {
        events.schedule(EventTarget.timerBase + Int32(timerNumber(for: timer)), after: delay, from: now)
    }

    /// Keeps `timer` under a free number and returns it.
    private mutating func timerNumber(for timer: EngineTimer) -> Int {
        if let reused = freeTimers.popLast() {
            timers[reused] = timer
            return reused
        }
        timers.append(timer)
        return timers.count - 1
    }

    mutating func fireTimer(_ k: Int) {
        // A timer cancelled while pending (its node was removed) only frees its number.
        guard let timer = timers[k] else {
            freeTimers.append(k)
            return
        }
        timers[k] = nil
        freeTimers.append(k)
        switch timer {
        case .healthCheck(let n): refreshRotation(Int(n))
        case .failover(let primary): promoteReplica(of: Int(primary))
        case .resyncDone(let s): finishResync(replica: Int(s))
        case .partitionCaughtUp(let episode): finishCatchUp(episode: episode)
        case .breakerHalfOpen(let epoch): endBreakerOpenSpell(epoch: epoch)
        case .breakerOutcome(let epoch, let failed): recordBreakerOutcome(epoch: epoch, failed: failed)
        case .cacheWriteArrives(let c): deliverArrivedWrites(cache: Int(c))
        case .fillArrives(let c, let key, let version): fillArrived(cache: Int(c), key: key, version: version)
        case .script(let index):
            let command = script[index].command
            notices.post(.scheduledCommand(command, execute(command)), at: now)
        }
    }
}

/// A user request as it was born: what the traffic streams decided about it.
struct ArrivalRecord: Equatable {
    var region: Int
    var born: SimTime
    var requestClass: UInt8
    var user: UInt32
    var key: UInt32
}
