/// The discrete-event core: a virtual clock, the future event list, the nodes and the
/// requests in flight.
///
/// Synchronous and deterministic: events run in (time, insertion) order and every random
/// draw comes from one seeded `Xoshiro256StarStar`, so a spec, a seed and a command log give
/// the same figures bit for bit. Nothing here awaits or performs I/O; `Simulation` is the
/// actor that wraps it.
public struct Engine: Sendable {
    /// Engine-event targets: non-negative event targets are request slots.
    enum EventTarget {
        static let arrival: Int32 = -1
        static let tick: Int32 = -2
        static let statsStart: Int32 = -3
        /// Queue-timeout checks for server `s` are `timeoutBase - s`.
        static let timeoutBase: Int32 = -4
    }

    /// Length of a metrics window.
    public static let windowLength: SimTime = Nanos.perSecond
    /// Windows kept per node for charts and bottleneck detection (ten minutes).
    public static let historyLength = 600

    public internal(set) var spec: SystemSpec
    public internal(set) var now: SimTime = 0
    /// Statistics for reports count from here (the end of the warm-up).
    public let statsStart: SimTime
    /// The seed the random stream started from.
    public let seed: UInt64

    var events = EventQueue()
    var rng: Xoshiro256StarStar
    var nodes: [NodeRuntime] = []
    var servers: [ServerRuntime] = []
    var nodeIndex: [String: Int32] = [:]
    var requests = RequestTable()
    var workload: WorkloadRuntime

    var outcomesAll = ClassOutcomes()
    var outcomesRun = ClassOutcomes()
    /// Requests born since `statsStart` still alive.
    var liveRun = 0
    var windowLatency = LatencyHistogram()
    var runLatency: [LatencyHistogram] = Array(repeating: LatencyHistogram(), count: RequestClass.allCases.count)
    var outcomesAtTick = OutcomeCounts()
    public internal(set) var systemHistory = WindowRing<SystemWindow>(capacity: Engine.historyLength)

    /// Builds the runtime from a spec; the spec must have passed the preset validation.
    public init(spec: SystemSpec, seed: UInt64? = nil, warmup: SimTime = 0) {
        self.spec = spec
        self.statsStart = max(0, warmup)
        self.seed = seed ?? spec.seed
        rng = Xoshiro256StarStar(seed: self.seed)
        workload = WorkloadRuntime(spec.workload)
        for (i, node) in spec.nodes.enumerated() { nodeIndex[node.id] = Int32(i) }
        for node in spec.nodes { addNodeRuntime(node) }
        for i in nodes.indices { nodes[i].routes = compileRoutes(spec.nodes[i].routes) }
        workload.entry = nodeIndex[spec.workload.entry] ?? 0

        scheduleNextArrival()
        events.schedule(EventTarget.tick, at: Self.windowLength)
        if statsStart > 0 { events.schedule(EventTarget.statsStart, at: statsStart) }
    }

    /// True once a request limit was reached and every request has finished.
    public var isDrained: Bool { workload.exhausted && requests.live == 0 }

    /// Runs every event up to and including `end`, then sets the clock to `end`.
    public mutating func run(until end: SimTime) {
        while let t = events.nextTime, t <= end {
            step()
        }
        if end > now { now = end }
    }

    /// Runs until a request limit is reached and the system has drained.
    public mutating func runUntilDrained() {
        while !isDrained, events.nextTime != nil { step() }
    }

    /// Pops and handles one event.
    @inline(__always)
    mutating func step() {
        guard let event = events.pop() else { return }
        now = event.time
        let target = event.target
        if target >= 0 {
            switch requests.phase[Int(target)] {
            case .inService: completeService(target)
            case .travelling:
                let from = requests.server[Int(target)]
                enter(target, node: requests.node[Int(target)], from: from)
            case .queued: break
            }
        } else if target == EventTarget.arrival {
            if event.sequence == workload.pendingSequence { handleArrival() }
        } else if target == EventTarget.tick {
            closeWindow()
            events.schedule(EventTarget.tick, at: now + Self.windowLength)
        } else if target == EventTarget.statsStart {
            markStatsStart()
        } else {
            expireQueue(server: Int(EventTarget.timeoutBase - target))
        }
    }
}

/// Outcome counters for each request class.
struct ClassOutcomes: Sendable {
    var byClass = Array(repeating: OutcomeCounts(), count: RequestClass.allCases.count)

    var total: OutcomeCounts {
        byClass.reduce(into: OutcomeCounts()) { sum, c in
            sum.requests += c.requests
            sum.completed += c.completed
            sum.dropped += c.dropped
            sum.timedOut += c.timedOut
            sum.failed += c.failed
            sum.latencySum += c.latencySum
        }
    }
}
