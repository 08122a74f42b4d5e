/// What one node cost over the measured part of a run (docs/cost.md).
public struct NodeCost: Sendable, Hashable {
    /// Its servers, second by second, at their size on the ladder; dead ones included.
    public var servers: Double
    /// Per-request prices: a load balancer's, a message queue's, a CDN edge's.
    public var requests: Double
    /// Per-gigabyte prices: what a CDN edge served, what the node sent to other data centers.
    public var transfer: Double
    /// The total at the same rate over a month of `Pricing.hoursPerMonth` hours; nil when
    /// no time was measured.
    public var perMonth: Double?

    public init(servers: Double = 0, requests: Double = 0, transfer: Double = 0, perMonth: Double? = nil) {
        self.servers = servers
        self.requests = requests
        self.transfer = transfer
        self.perMonth = perMonth
    }

    /// Everything over the measured part.
    public var total: Double { servers + requests + transfer }
}

/// What the whole system cost over the measured part of a run.
public struct CostSummary: Sendable, Hashable {
    /// Every node's cost over the measured part.
    public var total: Double
    /// At the same rate over a month of 730 hours; nil when no time was measured.
    public var perMonth: Double?
    /// Per million requests completed end to end; nil when none completed.
    public var perMillionRequests: Double?

    public init(total: Double, perMonth: Double?, perMillionRequests: Double?) {
        self.total = total
        self.perMonth = perMonth
        self.perMillionRequests = perMillionRequests
    }

    /// The figures of `nodes` over `seconds` measured, in which `completed` requests
    /// completed end to end.
    public init(nodes: [NodeCost], seconds: Double, completed: Int) {
        let total = nodes.reduce(0) { $0 + $1.total }
        self.init(
            total: total, perMonth: seconds > 0 ? total / seconds * Pricing.secondsPerMonth : nil,
            perMillionRequests: completed > 0 ? total / Double(completed) * 1_000_000 : nil)
    }
}

extension RunSummary {
    /// The total cost per month of a run and per million requests it served: what a
    /// comparison of two runs reads (the report's `cost.per_month` and
    /// `cost.per_million_requests`).
    public var costPerMonth: Double? { cost.perMonth }
    public var costPerMillionRequests: Double? { cost.perMillionRequests }
}
