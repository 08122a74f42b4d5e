/// One rate limiter: the bucket of the node that owns it, and the spec it was built from.
struct RateLimiterState: Sendable {
    var node: Int32
    var spec: RateLimitSpec
    var bucket: TokenBucket
}

/// The rate limiter's room: a token bucket on any node, which every request arriving there
/// must take a token from before anything else happens to it (docs/presets.md, Rate limits).
///
/// Limiters are stored densely in `Engine.rateLimiters`; a node holds its slot there in
/// `NodeRuntime.rateLimiter` (-1 for none), so nodes without one pay one comparison per
/// arrival and no memory.
extension Engine {
    /// The arrival hook: true when node `n` admits a request now (it has no limiter, or its
    /// bucket held a token, which the request takes).
    @inline(__always)
    mutating func admits(node n: Int) -> Bool {
        let slot = Int(nodes[n].rateLimiter)
        return slot < 0 || rateLimiters[slot].bucket.admit(at: now)
    }

    /// Request `r`, refused by node `n`'s rate limiter: counted there, and retried by its
    /// client like any other failure.
    mutating func reject(_ r: Int32, at n: Int) {
        nodes[n].counters.rejected += 1
        fail(r, .rejected)
    }

    /// Brings node `n`'s limiter in line with its spec: adds a full bucket, takes a new rate
    /// and burst (keeping the tokens held, up to the new burst), or removes it.
    mutating func reconcileRateLimit(node n: Int) {
        let slot = Int(nodes[n].rateLimiter)
        switch (spec.nodes[n].rateLimit, slot >= 0) {
        case (nil, false):
            break
        case (let limit?, false):
            nodes[n].rateLimiter = Int32(rateLimiters.count)
            rateLimiters.append(RateLimiterState(node: Int32(n), spec: limit, bucket: TokenBucket(limit, now: now)))
        case (let limit?, true):
            guard rateLimiters[slot].spec != limit else { return }
            rateLimiters[slot].spec = limit
            rateLimiters[slot].bucket.reconfigure(limit, now: now)
        case (nil, true):
            // The last limiter moves into the freed slot.
            let last = rateLimiters.removeLast()
            if slot < rateLimiters.count {
                rateLimiters[slot] = last
                nodes[Int(last.node)].rateLimiter = Int32(slot)
            }
            nodes[n].rateLimiter = -1
        }
    }

    /// Tokens in node `n`'s bucket now, or nil when it has no rate limiter.
    func rateLimitTokens(node n: Int) -> Double? {
        let slot = Int(nodes[n].rateLimiter)
        return slot < 0 ? nil : rateLimiters[slot].bucket.level(at: now)
    }
}
