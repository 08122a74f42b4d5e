/// The load-shedding room: a concurrency limit per server (a request that finds its
/// server holding the limit, in service plus queued, is rejected at once) and a queue
/// deadline (a request that waited too long in a queue is dropped when a worker comes
/// free, not served for a client long gone). docs/presets.md, Load shedding.
///
/// Both live on the node's runtime as plain numbers, zero for off, so a node without them
/// pays one comparison per placement and one per dequeue.
extension Engine {
    /// True when server `s` of node `n` holds its concurrency limit already.
    @inline(__always)
    func atConcurrencyLimit(server s: Int, node n: Int) -> Bool {
        Int(servers[s].busy) + servers[s].queue.count >= Int(nodes[n].concurrencyLimit)
    }

    /// Drops queued request `r` of node `n` if it waited past the node's queue deadline;
    /// true when it did.
    mutating func waitedPastQueueDeadline(_ r: Int32, node n: Int) -> Bool {
        guard now - requests.slots[Int(r)].enteredNode > nodes[n].queueDeadline else { return false }
        nodes[n].counters.dropped += 1
        fail(r, .dropped)
        return true
    }

    /// Brings node `n`'s shedding in line with its spec.
    mutating func reconcileShedding(node n: Int) {
        nodes[n].concurrencyLimit = Int32(spec.nodes[n].concurrencyLimit ?? 0)
        nodes[n].queueDeadline = spec.nodes[n].queueDeadline ?? 0
    }

    /// `set concurrency-limit`: a limit of 1 or more, or nil for none.
    mutating func setConcurrencyLimit(node n: Int, to limit: Int?) -> CommandResult {
        if let limit, let reason = NodeSpec.concurrencyLimitRefusal(limit) {
            return .refused("\(spec.nodes[n].id): \(reason)")
        }
        guard spec.nodes[n].kind != .lb else { return .refused("\(spec.nodes[n].id) is a load balancer: it holds no requests") }
        return change(node: n) { $0.concurrencyLimit = limit }
    }

    /// `set queue-deadline`: a deadline above zero, or nil for none.
    mutating func setQueueDeadline(node n: Int, to deadline: SimTime?) -> CommandResult {
        if let deadline, let reason = NodeSpec.queueDeadlineRefusal(deadline) {
            return .refused("\(spec.nodes[n].id): \(reason)")
        }
        guard spec.nodes[n].kind != .lb else { return .refused("\(spec.nodes[n].id) is a load balancer: it has no queue") }
        return change(node: n) { $0.queueDeadline = deadline }
    }

    /// `set retry-policy`: the retry budget and the backoff's jitter.
    mutating func setRetryPolicy(budget: Double?, jitter: RetryJitter) -> CommandResult {
        if let budget, let reason = RetrySpec.budgetRefusal(budget) { return .refused(reason) }
        spec.workload.retries.budget = budget
        spec.workload.retries.jitter = jitter
        return .applied
    }
}

extension NodeSpec {
    /// The largest concurrency limit: a million requests per server.
    public static let maxConcurrencyLimit = 1_000_000
    /// The longest queue deadline: an hour.
    public static let maxQueueDeadline: SimTime = 3600 * Nanos.perSecond

    /// Why `limit` cannot be a concurrency limit, or nil when it can.
    public static func concurrencyLimitRefusal(_ limit: Int) -> String? {
        (1...maxConcurrencyLimit).contains(limit)
            ? nil : "the concurrency limit must be 1 to \(maxConcurrencyLimit) requests per server, got \(limit)"
    }

    /// Why `deadline` cannot be a queue deadline, or nil when it can.
    public static func queueDeadlineRefusal(_ deadline: SimTime) -> String? {
        deadline > 0 && deadline <= maxQueueDeadline
            ? nil : "the queue deadline must be above 0 and at most 1h, got \(Double(deadline) / 1e9)s"
    }
}

extension RetrySpec {
    /// Why `budget` cannot be a retry budget, or nil when it can.
    public static func budgetRefusal(_ budget: Double) -> String? {
        budget.isFinite && budget >= 0 && budget <= 1
            ? nil : "the retry budget must be a fraction from 0 to 1, such as 0.1, got \(budget)"
    }
}
