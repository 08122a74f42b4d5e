import ScaleSim

/// Reading the client and load-shedding fields: `workload.client_timeout`, a retry spec's
/// `budget` and `jitter`, and a node's `concurrency_limit` and `queue_deadline`, each
/// checked against the limits the live commands use (docs/presets.md).
extension SchemaReader {
    /// The longest client timeout: an hour.
    static let maxClientTimeout: SimTime = 3600 * Nanos.perSecond

    func clientTimeout(_ node: YAMLValue, _ path: String) throws(PresetError) -> SimTime {
        let timeout = try duration(node, path, allowZero: false)
        guard timeout <= Self.maxClientTimeout else {
            throw fail(node, path, "expected a client timeout above 0 and at most 1h, got \(node.found)")
        }
        return timeout
    }

    func readRetryPolicy(_ map: Fields, _ path: String, into retries: inout RetrySpec) throws(PresetError) {
        if let node = map.optional("budget") {
            retries.budget = try number(
                node, Self.join(path, "budget"), expected: "a fraction from 0 to 1, such as 0.1 (10% of first attempts)"
            ) { RetrySpec.budgetRefusal($0) == nil }
        }
        if let node = map.optional("jitter") {
            retries.jitter = try choice(node, Self.join(path, "jitter"), RetryJitter.allCases.map { ($0.rawValue, $0) })
        }
    }

    func readShedding(_ map: Fields, _ path: String, into spec: inout NodeSpec) throws(PresetError) {
        let nodeLimit = NodeSpec.maxConcurrencyLimit
        if let node = map.optional("concurrency_limit") {
            guard spec.kind != .lb else {
                throw fail(
                    node, path + ".concurrency_limit", "a load balancer holds no requests, so it takes no concurrency_limit")
            }
            spec.concurrencyLimit = try integer(
                node, path + ".concurrency_limit", in: 1...nodeLimit,
                expected: "an integer from 1 to \(Self.grouped(nodeLimit)) requests per server")
        }
        if let node = map.optional("queue_deadline") {
            guard spec.kind != .lb else {
                throw fail(node, path + ".queue_deadline", "a load balancer has no queue, so it takes no queue_deadline")
            }
            let deadline = try duration(node, path + ".queue_deadline", allowZero: false)
            guard NodeSpec.queueDeadlineRefusal(deadline) == nil else {
                throw fail(node, path + ".queue_deadline", "expected a queue deadline above 0 and at most 1h, got \(node.found)")
            }
            spec.queueDeadline = deadline
        }
    }
}
