/// One node's figures over one second of simulated time.
public struct NodeWindow: Sendable, Hashable {
    /// The end of the second, in simulated time.
    public var end: SimTime
    public var arrivals: Int
    public var completions: Int
    public var dropped: Int
    public var timedOut: Int
    /// Requests that found their server down.
    public var failed: Int
    /// Requests the node's rate limiter turned away.
    public var rejected = 0
    /// Reads answered with an outdated version.
    public var staleReads: Int
    /// For a cache: hits over lookups in the second.
    public var hitRatio: Double?
    /// For a replica pool: mean commit-to-apply lag of the writes applied in the second.
    public var replicationLag: Double?
    /// For a message queue: age of the oldest waiting job at the end of the second.
    public var consumerLag: SimTime?
    /// Busy worker time over available worker time.
    public var utilization: Double
    /// Time-averaged number of requests waiting.
    public var meanQueueLength: Double
    /// Requests waiting at the end of the second.
    public var queueLength: Int
    public var meanLatency: Double?
    public var p50: SimTime?
    public var p95: SimTime?
    public var p99: SimTime?
    /// For a cache: misses that waited for a read of their key already in flight.
    public var coalesced = 0
}

/// End-to-end figures over one second of simulated time.
public struct SystemWindow: Sendable, Hashable {
    public var end: SimTime
    public var arrivals: Int
    public var completed: Int
    public var dropped: Int
    public var timedOut: Int
    public var failed: Int
    /// Requests a rate limiter turned away for good (after the client's retries).
    public var rejected = 0
    /// Requests alive at the end of the second.
    public var inFlight: Int
    public var p50: SimTime?
    public var p95: SimTime?
    public var p99: SimTime?

    /// Failed, dropped, timed-out and rejected requests over those that finished, nil when
    /// none did.
    public var errorRate: Double? {
        let finished = completed + dropped + timedOut + failed + rejected
        return finished > 0 ? Double(dropped + timedOut + failed + rejected) / Double(finished) : nil
    }
}

extension SystemWindow {
    /// The second ending at `end`, from the outcomes since time zero at its end and at the
    /// last tick, the latencies of the requests that ended in it and the requests alive.
    init(end: SimTime, outcomes all: OutcomeCounts, atTick p: OutcomeCounts, inFlight: Int, latency: LatencyHistogram) {
        let percentiles = latency.quantiles([0.50, 0.95, 0.99])
        self.init(
            end: end,
            arrivals: all.requests - p.requests,
            completed: all.completed - p.completed,
            dropped: all.dropped - p.dropped,
            timedOut: all.timedOut - p.timedOut,
            failed: all.failed - p.failed,
            rejected: all.rejected - p.rejected,
            inFlight: inFlight,
            p50: percentiles[0],
            p95: percentiles[1],
            p99: percentiles[2]
        )
    }
}

/// Running totals of request outcomes.
public struct OutcomeCounts: Sendable, Hashable {
    public var requests = 0
    public var completed = 0
    public var dropped = 0
    public var timedOut = 0
    public var failed = 0
    /// Refused at once by a rate limiter (docs/presets.md, Rate limits).
    public var rejected = 0
    /// Sum of completed requests' response times, in nanoseconds.
    public var latencySum = 0.0

    public init() {}

}

/// Outcome counters for each request class, written per request without the copy-on-write
/// check: the owner calls `makeUnique()` at its entry points (see `Column`).
struct ClassOutcomes: Sendable {
    var byClass = Column(repeating: OutcomeCounts(), count: RequestClass.allCases.count)

    var total: OutcomeCounts {
        byClass.reduce(into: OutcomeCounts()) { sum, c in sum.merge(c) }
    }

    /// Gives the counters a buffer of their own if a copy shares it.
    mutating func makeUnique() { byClass.makeUnique() }
}

/// Monotonic per-node counters since the start of the run.
struct NodeCounters: Sendable {
    var arrivals = 0
    var completions = 0
    var dropped = 0
    var timedOut = 0
    /// Requests that found their server down.
    var failed = 0
    /// Requests a rate limiter turned away.
    var rejected = 0
    /// Reads answered with an older version than the latest committed write.
    var staleReads = 0
    /// Users logged out because their request reached a server without their session.
    var sessionsLost = 0
    var autoscalerActions = 0
    /// Dollars of server time billed so far, and bytes sent to nodes in other data centers
    /// (see Cost/Engine+Cost.swift; not in the digest: they change no simulated figure).
    var rent = 0.0
    var crossDCBytes = 0.0
    /// Times a replica fell too far behind and re-synced (not in the digest: it never
    /// happens in the runs recordings were made from before it existed).
    var resyncs = 0
    /// Writes a replica pool applied, and the sum of their commit-to-apply lags.
    var applied = 0
    var applyLagSum = 0.0
    var latencySum = 0.0
    /// Worker-nanoseconds spent busy, and available.
    var busyArea: Int64 = 0
    var capacityArea: Int64 = 0
    /// Request-nanoseconds spent waiting.
    var queueArea: Int64 = 0
}
