extension Engine {
    public static let maxServers = 10_000
    public static let maxWorkers = 100_000
    public static let maxShards = 1_024
    /// How many times faster a replica added by `add replica` applies a write than its
    /// primary serves a request.
    public static let applySpeedup: SimTime = 50

    /// Applies a command at the current simulated time. Edits change capacity, never the
    /// arrival rate; no request in flight is lost unless a failure drops it, and then it is
    /// counted. A refused command changes nothing.
    ///
    /// A command that changes the design edits `spec` and nothing else; `reconcile(node:)`
    /// (or `linkTopology` for a new node) then brings the runtime in line, so the design a
    /// save writes is the system that runs. Failure injection (kill, restore, slow, flush)
    /// changes the running system only: it is not part of the design.
    mutating func apply(_ command: SimCommand) -> CommandResult {
        switch command {
        case .setUsers(let users):
            guard (1...WorkloadSpec.maxUsers).contains(users) else {
                return .refused("users must be 1 to \(WorkloadSpec.maxUsers), got \(users)")
            }
            if let refusal = refusalOverMemory({ $0.workload.users = users }) { return refusal }
            return setRate(users: users, ratePerUser: spec.workload.ratePerUser)
        case .setRatePerUser(let rate):
            guard rate > 0, rate.isFinite else { return .refused("the rate per user must be above 0, got \(rate)") }
            return setRate(users: spec.workload.users, ratePerUser: rate)
        case .setRetries(let limit, let backoff):
            guard (0...RetrySpec.maxLimit).contains(limit) else {
                return .refused("retries must be 0 to \(RetrySpec.maxLimit), got \(limit)")
            }
            guard backoff > 0 || limit == 0 else { return .refused("the retry backoff must be longer than zero") }
            // The budget and the jitter stay as they were (`set retry-policy` sets them).
            spec.workload.retries.limit = limit
            spec.workload.retries.backoff = backoff
            return .applied
        case .setRetryPolicy(let budget, let jitter):
            return setRetryPolicy(budget: budget, jitter: jitter)
        case .setConcurrencyLimit(let id, let limit):
            return onNode(id) { $0.setConcurrencyLimit(node: $1, to: limit) }
        case .setQueueDeadline(let id, let deadline):
            return onNode(id) { $0.setQueueDeadline(node: $1, to: deadline) }
        case .setServers(let id, let count):
            return onNode(id) { $0.setServerCount($1, to: count) }
        case .addServers(let id, let count):
            return onNode(id) { $0.setServerCount($1, to: $0.spec.nodes[$1].servers + count) }
        case .removeServers(let id, let count):
            return onNode(id) { $0.setServerCount($1, to: $0.spec.nodes[$1].servers - count) }
        case .setWorkers(let id, let count):
            return onNode(id) { engine, n in
                guard (1...Self.maxWorkers).contains(count) else {
                    return .refused("\(id): workers must be 1 to \(Self.maxWorkers), got \(count)")
                }
                return engine.change(node: n) { $0.workers = count }
            }
        case .setSize(let id, let size):
            return onNode(id) { $0.resize($1, to: size) }
        case .resize(let id, let steps):
            return onNode(id) { $0.resize($1, to: $0.spec.nodes[$1].size + steps) }
        case .setPolicy(let id, let policy):
            return onNode(id) { engine, n in engine.change(node: n) { $0.policy = policy } }
        case .setHealthCheck(let id, let interval):
            return onNode(id) { engine, n in
                guard interval > 0 else { return .refused("\(id): a health check must come after more than zero time") }
                engine.spec.nodes[n].healthCheck = interval
                // Every balancer of a pool counts: the pool notices after the shortest check.
                engine.linkTopology()
                return .applied
            }
        case .addLoadBalancer(let pool):
            return onNode(pool) { $0.addLoadBalancer(in: $1) }
        case .setAutoscale(let id, let policy):
            return onNode(id) { engine, n in
                if let policy {
                    guard policy.target > 0, policy.target < 1 else {
                        return .refused("\(id): the target utilization must be between 0 and 1")
                    }
                    guard policy.min >= 1, policy.min <= policy.max, policy.max <= Self.maxServers else {
                        return .refused("\(id): need 1 <= min <= max <= \(Self.maxServers), got \(policy.min) and \(policy.max)")
                    }
                    guard !engine.nodes[n].sharded else { return .refused("\(id) is sharded; shards do not autoscale") }
                }
                return engine.change(node: n, checkingMemory: policy != nil) { $0.autoscale = policy }
            }
        case .setSessions(let id, let mode):
            return onNode(id) { engine, n in
                guard engine.spec.nodes[n].kind == .app else { return .refused("\(id) is not an app pool") }
                // As in presets: sessions live in each server's memory or in the shared store, not both.
                if mode == .sticky, let store = engine.spec.nodes[n].calls,
                    engine.spec.node(store)?.kind == .sessionStore
                {
                    return .refused("\(id) keeps its sessions in the session store \(store), so they are not sticky")
                }
                return engine.change(node: n, checkingMemory: true) { $0.sessions = mode }
            }
        case .addSessionStore(let pool):
            return onNode(pool) { $0.addSessionStore(for: $1) }
        case .setRateLimit(let id, let rate, let burst):
            return onNode(id) { engine, n in
                if let reason = RateLimitSpec.refusal(rate: rate, burst: burst) { return .refused("\(id): \(reason)") }
                return engine.change(node: n) { $0.rateLimit = RateLimitSpec(rate: rate, burst: burst) }
            }
        case .removeRateLimit(let id):
            return onNode(id) { engine, n in
                guard engine.spec.nodes[n].rateLimit != nil else { return .refused("\(id) has no rate limit") }
                return engine.change(node: n) { $0.rateLimit = nil }
            }
        case .setBreaker(let from, let to, let breaker):
            return onNode(from) { $0.setBreaker(node: $1, to: to, breaker) }
        case .killDataCenter(let name):
            return setDataCenter(name, down: true)
        case .restoreDataCenter(let name):
            return setDataCenter(name, down: false)
        case .partition(let a, let b):
            return partition(a, b)
        case .heal(let a, let b):
            return heal(a, b)
        case .addCDN(let region, let entries):
            return addCDN(region: region, entries: entries)
        case .addReplicas(let primary, let count):
            return onNode(primary) { $0.addReplicas(to: $1, count: count) }
        case .removeReplicas(let primary, let count):
            return onNode(primary) { engine, n in
                guard let pool = engine.replicaPools(of: n).first.map(Int.init) else {
                    return .refused("\(primary) has no read replicas")
                }
                return engine.setServerCount(pool, to: engine.spec.nodes[pool].servers - count)
            }
        case .setShards(let id, let count):
            return onNode(id) { $0.setShards($1, to: count) }
        case .addCache(let front, let entries):
            return onNode(front) { $0.addCache(before: $1, entries: entries) }
        case .setCacheCapacity(let id, let entries):
            return onCache(id) { engine, n in
                guard (1...CacheSpec.maxEntries).contains(entries) else {
                    return .refused("\(id): capacity must be 1 to \(CacheSpec.maxEntries) entries, got \(entries)")
                }
                return engine.changeCache(node: n, checkingMemory: true) { $0.entries = entries }
            }
        case .setEviction(let id, let policy):
            return onCache(id) { engine, n in engine.changeCache(node: n) { $0.eviction = policy } }
        case .setTTL(let id, let ttl):
            return onCache(id) { engine, n in
                if let ttl, ttl <= 0 { return .refused("\(id): a TTL must be longer than zero") }
                return engine.changeCache(node: n) { $0.ttl = ttl }
            }
        case .setWritePolicy(let id, let policy):
            return onCache(id) { engine, n in
                // As in presets (docs/presets.md, Caches): nothing writes a CDN edge's assets.
                guard engine.nodes[n].kind != .cdn else {
                    return .refused(
                        "\(id) is a CDN edge: it holds static assets, which nothing writes; write policies are for caches of database data"
                    )
                }
                return engine.changeCache(node: n) { $0.writePolicy = policy }
            }
        case .setCoalescing(let id, let on):
            return onCache(id) { engine, n in engine.setCoalescing(node: n, on: on) }
        case .flush(let id):
            return onCache(id) { engine, n in
                engine.cacheStates[Int(engine.nodes[n].slot)].cache.flush()
                return .applied
            }
        case .kill(let id, let server):
            return onNode(id) { $0.setDown(node: $1, server: server, down: true) }
        case .restore(let id, let server):
            return onNode(id) { $0.setDown(node: $1, server: server, down: false) }
        case .addDatabase(let id):
            return onNode(id) { $0.addDatabase(behind: $1) }
        case .removeDatabase(let id):
            return onNode(id) { $0.removeDatabase($1) }
        case .addQueue(let id, let requestClass, let workers):
            return onNode(id) { $0.addQueue(behind: $1, for: requestClass, workers: workers) }
        case .removeQueue(let id):
            return onNode(id) { $0.removeQueue($1) }
        case .addDataCenter(let copy):
            return addDataCenter(copy)
        case .removeDataCenter(let name):
            return removeDataCenter(name)
        case .removeLoadBalancer(let id):
            return onNode(id) { $0.removeLoadBalancer($1) }
        case .removeCache(let id):
            return onNode(id) { $0.removeCache($1) }
        case .removeCDN(let region):
            return removeCDN(region: region)
        case .removeSessionStore(let id):
            return onNode(id) { $0.removeSessionStore($1) }
        case .slow(let id, let factor):
            return onNode(id) { engine, n in
                guard factor > 0, factor.isFinite, factor <= 1_000 else {
                    return .refused("\(id): a slow-down factor must be above 0 and at most 1000, got \(factor)")
                }
                engine.nodes[n].slowFactor = factor
                return .applied
            }
        }
    }

    /// The one lookup of a node by name: runs `body` on the node named `id`, or refuses a
    /// name no node has.
    mutating func onNode(_ id: String, _ body: (inout Engine, Int) -> CommandResult) -> CommandResult {
        guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
        return body(&self, n)
    }

    /// `onNode` for the commands that only a cache or a CDN edge takes.
    mutating func onCache(_ id: String, _ body: (inout Engine, Int) -> CommandResult) -> CommandResult {
        onNode(id) { engine, n in
            guard engine.cacheSlot(n) != nil else { return .refused("\(id) is not a cache") }
            return body(&engine, n)
        }
    }

    /// Edits node `n`'s spec and brings its runtime in line with it; with `checkingMemory`,
    /// refuses (changing nothing) an edit that takes the system past the memory bound.
    mutating func change(node n: Int, checkingMemory: Bool = false, _ edit: (inout NodeSpec) -> Void) -> CommandResult {
        var node = spec.nodes[n]
        edit(&node)
        if checkingMemory, let refusal = refusalOverMemory({ $0.nodes[n] = node }) { return refusal }
        spec.nodes[n] = node
        reconcile(node: n)
        return .applied
    }

    /// `change(node:)` for the cache of a cache or CDN edge (a CDN edge without one in its
    /// spec runs the default, which the edit then writes down).
    mutating func changeCache(node n: Int, checkingMemory: Bool = false, _ edit: (inout CacheSpec) -> Void) -> CommandResult {
        change(node: n, checkingMemory: checkingMemory) { node in
            var cache = node.effectiveCache ?? CacheSpec(entries: 1)
            edit(&cache)
            node.cache = cache
        }
    }

    /// Brings node `n`'s runtime in line with its spec: the one way a design change reaches
    /// the running system. Only what differs is touched, so reconciling an unchanged node
    /// changes nothing.
    mutating func reconcile(node n: Int) {
        let node = spec.nodes[n]
        nodes[n].policy = node.policy
        nodes[n].autoscale = node.autoscale
        nodes[n].size = node.size
        let sharded = node.kind == .db && node.shards > 1
        if nodes[n].activeServers.count != node.servers || nodes[n].sharded != sharded {
            // A pool changes size unsharded: its servers are then the shards.
            nodes[n].sharded = false
            resizePool(n, to: node.servers)
            nodes[n].sharded = sharded
        }
        if Int(nodes[n].workers) != node.workers { setWorkers(n, to: node.workers) }
        reconcileKindState(node: n)
        reconcileRateLimit(node: n)
        reconcileShedding(node: n)
    }

    /// Sets the workload's rate from the spec's users and rate per user.
    mutating func setRate(users: Int, ratePerUser: Double) -> CommandResult {
        let peak = Double(users) * ratePerUser * workload.maxFactor
        guard peak <= WorkloadSpec.maxRate else {
            // `Int(peak)` would trap on a huge rate (`set rate 1e300`): whole numbers only below 2^53.
            let shown = peak < 0x1p53 ? "\(Int(peak))" : "\(peak)"
            return .refused(
                "\(users) users at \(ratePerUser)/s would send \(shown) requests/s; the limit is \(Int(WorkloadSpec.maxRate))")
        }
        spec.workload.users = users
        spec.workload.ratePerUser = ratePerUser
        reconcileWorkload()
        return .applied
    }

    /// Brings the arrival process in line with the workload's spec.
    mutating func reconcileWorkload() {
        workload.users = spec.workload.users
        workload.ratePerUser = spec.workload.ratePerUser
        workload.updateRate()
        rescheduleArrivals()
    }

    mutating func setServerCount(_ n: Int, to count: Int) -> CommandResult {
        let id = spec.nodes[n].id
        if nodes[n].sharded { return .refused("\(id) is sharded: use set shards \(id) N") }
        guard count >= 1 else { return .refused("\(id) needs at least one server") }
        guard count <= Self.maxServers else { return .refused("\(id): at most \(Self.maxServers) servers") }
        return change(node: n, checkingMemory: nodes[n].kind == .replica) { $0.servers = count }
    }

    /// Adds servers (reusing retired ones first) or retires the newest ones; the queues of
    /// retired servers are handed to the servers that stay. Called by `reconcile(node:)`.
    mutating func resizePool(_ n: Int, to count: Int) {
        markCapacity(of: n)
        noteSessionsDropped(node: n, positions: Array(count..<max(count, nodes[n].activeServers.count)), removed: true)
        var orphans: [Int32] = []
        while nodes[n].activeServers.count > count {
            let s = nodes[n].activeServers.removeLast()
            servers[Int(s)].touch(now)
            orphans += servers[Int(s)].queue.drain()
            nodes[n].retiredServers.append(s)
        }
        while nodes[n].activeServers.count < count {
            if let s = nodes[n].retiredServers.popLast() {
                nodes[n].activeServers.append(s)
                serverJoined(Int(s), node: n)
            } else {
                appendServer(to: n)
            }
        }
        nodes[n].ring = ConsistentHashRing(servers: count)
        refreshRotation(n)
        for r in orphans {
            if let s = pickServer(node: n, from: Int32(n), request: Int(r)) {
                place(r, on: s)
            } else {
                nodes[n].counters.failed += 1
                fail(r, .failed)
            }
        }
    }

    /// Changes workers per server; new workers take queued requests at once, and surplus
    /// busy workers finish their request before they go. Called by `reconcile(node:)`.
    mutating func setWorkers(_ n: Int, to count: Int) {
        markCapacity(of: n)
        nodes[n].workers = Int32(count)
        for s in nodes[n].activeServers {
            let si = Int(s)
            servers[si].touch(now)
            while servers[si].busy < nodes[n].workers, !servers[si].queue.isEmpty {
                servers[si].busy += 1
                startNextQueued(server: si)
            }
        }
    }

    /// Moves node `n` to step `size` of the vertical ladder: each step doubles the workers.
    mutating func resize(_ n: Int, to size: Int) -> CommandResult {
        let id = spec.nodes[n].id
        guard size >= 0 else { return .refused("\(id) is already at the smallest size") }
        guard size <= nodes[n].maxSize else {
            return .refused("\(id) is at the largest instance size (\(nodes[n].maxSize)): scale out instead")
        }
        let steps = size - spec.nodes[n].size
        let current = spec.nodes[n].workers
        let workers = steps >= 0 ? current << steps : max(1, current >> -steps)
        guard workers <= Self.maxWorkers else { return .refused("\(id): at most \(Self.maxWorkers) workers") }
        return change(node: n) { node in
            node.size = size
            node.workers = workers
        }
    }

    /// The refusal of a change that would take the system past the memory bound
    /// (`SystemSpec.dataMemoryLimit`); `nil` if the changed system fits.
    func refusalOverMemory(_ change: (inout SystemSpec) -> Void) -> CommandResult? {
        var changed = spec
        change(&changed)
        return changed.dataMemoryProblem.map { .refused($0) }
    }
}
