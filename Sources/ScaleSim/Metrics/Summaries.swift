/// One node's figures over the measured part of a run (after the warm-up).
public struct NodeSummary: Sendable, Hashable {
    public var id: String
    public var kind: NodeKind
    public var servers: Int
    public var workers: Int
    public var arrivals: Int
    public var completions: Int
    public var dropped: Int
    public var timedOut: Int
    public var failed: Int
    /// Turned away by the node's rate limiter.
    public var rejected: Int = 0
    public var staleReads: Int
    /// Step on the vertical ladder.
    public var size: Int
    public var shards: Int
    /// For a cache: its counters over the measured part and its entries now.
    public var cache: CacheCounters?
    public var cacheEntries: Int?
    /// For a replica pool: mean commit-to-apply lag, in nanoseconds.
    public var replicationLag: Double?
    /// For a message queue: age of the oldest waiting job at the end.
    public var consumerLag: SimTime?
    /// Users logged out because their session lived on another server.
    public var sessionsLost: Int
    public var autoscalerActions: Int
    /// For a replica pool: times a replica fell too far behind and re-synced.
    public var resyncs: Int = 0
    /// The data center the node runs in.
    public var dc: String?
    /// Busy worker time over available worker time; nil when no time was measured.
    public var utilization: Double?
    public var throughputRps: Double?
    /// Mean time at the node (queue plus service), in nanoseconds.
    public var meanLatency: Double?
    public var p50: SimTime?
    public var p95: SimTime?
    public var p99: SimTime?
    /// Requests waiting at the end.
    public var queueLength: Int
    public var bottleneck: Bool
    /// Each server's utilization, in pool order.
    public var serverUtilization: [Double]
    /// What the node cost over the measured part (docs/cost.md).
    public var cost = NodeCost()
}

/// End-to-end figures for one request class.
public struct ClassSummary: Sendable, Hashable {
    public var requestClass: RequestClass
    public var counts: OutcomeCounts
    public var meanLatency: Double?
    public var p50: SimTime?
    public var p95: SimTime?
    public var p99: SimTime?
}

/// End-to-end figures over the measured part of a run.
public struct EndToEndSummary: Sendable, Hashable {
    public var counts: OutcomeCounts
    /// Requests born in the measured part and still alive at the end.
    public var inFlight: Int
    public var throughputRps: Double?
    public var meanLatency: Double?
    public var p50: SimTime?
    public var p95: SimTime?
    public var p99: SimTime?
    /// Every class the workload generated, in class order.
    public var classes: [ClassSummary]

    /// (dropped + timed out + failed + rejected) / requests; nil with no requests.
    public var errorRate: Double? {
        counts.requests > 0
            ? Double(counts.dropped + counts.timedOut + counts.failed + counts.rejected) / Double(counts.requests) : nil
    }
}

/// What a run measured: the input to every report.
public struct RunSummary: Sendable, Hashable {
    public var spec: SystemSpec
    public var seed: UInt64
    /// Simulated time at the end.
    public var end: SimTime
    public var statsStart: SimTime
    public var endToEnd: EndToEndSummary
    public var nodes: [NodeSummary]
    /// Writes lost when a primary failed over, over the measured part.
    public var writesLost: Int
    /// Commands refused, as (time, command, reason).
    public var refused: [RefusedCommand]
    /// End-to-end figures per user region, in workload order; empty when it names none.
    public var regions: [RegionSummary] = []
    /// What the system cost over the measured part (docs/cost.md).
    public var cost = CostSummary(total: 0, perMonth: nil, perMillionRequests: nil)
    /// Every network partition of the run, warm-up included (see `PartitionEpisode`).
    public var partitions: [PartitionEpisode] = []
    /// What clients did over the measured part: attempts, retries, deadlines (Components/Client).
    public var clients = ClientCounters()
    /// Each circuit breaker over the measured part, in spec order; empty without any.
    public var breakers: [BreakerSummary] = []
}

/// A command the simulation refused, and why.
public struct RefusedCommand: Sendable, Hashable {
    public var at: SimTime
    public var command: SimCommand
    public var reason: String
}
