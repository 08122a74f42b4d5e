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
            spec.workload.retries = RetrySpec(limit: limit, backoff: backoff)
            return .applied
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
        case .killDataCenter(let name):
            return setDataCenter(name, down: true)
        case .restoreDataCenter(let name):
            return setDataCenter(name, down: false)
        case .addCDN(let region, let entries):
            return addCDN(region: region, entries: entries)
        case .addReplicas(let primary, let count):
            return onNode(primary) { $0.addReplicas(to: $1, count: count) }
        case .removeReplicas(let primary, let count):
            return onNode(primary) { engine, n in
                guard let pool = engine.nodes[n].replicaPools.first.map(Int.init) else {
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
            return onCache(id) { engine, n in engine.changeCache(node: n) { $0.writePolicy = policy } }
        case .flush(let id):
            return onCache(id) { engine, n in
                engine.nodes[n].cache?.flush()
                return .applied
            }
        case .kill(let id, let server):
            return onNode(id) { $0.setDown(node: $1, server: server, down: true) }
        case .restore(let id, let server):
            return onNode(id) { $0.setDown(node: $1, server: server, down: false) }
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
            guard engine.nodes[n].cache != nil else { return .refused("\(id) is not a cache") }
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
        nodes[n].sessions = node.sessions
        nodes[n].size = node.size
        let sharded = node.kind == .db && node.shards > 1
        if nodes[n].activeServers.count != node.servers || nodes[n].sharded != sharded {
            // A pool changes size unsharded: its servers are then the shards.
            nodes[n].sharded = false
            resizePool(n, to: node.servers)
            nodes[n].sharded = sharded
        }
        if Int(nodes[n].workers) != node.workers { setWorkers(n, to: node.workers) }
        if let cache = node.effectiveCache, nodes[n].cache != nil {
            if nodes[n].cache?.capacity != cache.entries { nodes[n].cache?.setCapacity(cache.entries) }
            if nodes[n].cache?.policy != cache.eviction { nodes[n].cache?.setPolicy(cache.eviction) }
            if nodes[n].cache?.ttl != cache.ttl { nodes[n].cache?.setTTL(cache.ttl) }
            nodes[n].writePolicy = cache.writePolicy
        }
        reconcileRateLimit(node: n)
    }

    /// Sets the workload's rate from the spec's users and rate per user.
    mutating func setRate(users: Int, ratePerUser: Double) -> CommandResult {
        let peak = Double(users) * ratePerUser * workload.maxFactor
        guard peak <= WorkloadSpec.maxRate else {
            // `Int(peak)` would trap on a huge rate (`set rate 1e300`): whole numbers only below 2^53.
            let shown = peak < 0x1p53 ? "\(Int(peak))" : "\(peak)"
            return .refused("\(users) users at \(ratePerUser)/s would send \(shown) requests/s; the limit is \(Int(WorkloadSpec.maxRate))")
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
        scheduleNextArrival()
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
                if nodes[n].kind == .replica { resync(replica: Int(s)) }
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

    /// Puts a load balancer in front of pool `n`: every route to the pool, and the clients
    /// if it is the entry, now reach it through the balancer.
    mutating func addLoadBalancer(in n: Int) -> CommandResult {
        let id = spec.nodes[n].id
        let fronted = spec.nodes.contains { $0.kind == .lb && $0.routes.contains { $0.to == id } }
        guard !fronted else { return .refused("\(id) already has a load balancer") }
        if let refusal = refusalOverTopology(routes: 1) { return refusal }
        let lb = NodeSpec(
            id: freshID("lb"), kind: .lb, service: .none, policy: .roundRobin, routes: [RouteSpec(to: id)],
            dc: spec.nodes[n].dc)
        insertNode(lb, relink: false)
        redirect(from: id, to: lb.id)
        return .applied
    }

    /// Adds read replicas to primary `n`, creating its replica pool (and sending reads to it)
    /// if it has none.
    mutating func addReplicas(to n: Int, count: Int) -> CommandResult {
        let id = spec.nodes[n].id
        guard nodes[n].kind == .db else { return .refused("\(id) is not a database") }
        guard !nodes[n].sharded else { return .refused("\(id) is sharded; replicas of shards are not modelled") }
        guard count >= 1 else { return .refused("add at least one replica") }
        if let pool = nodes[n].replicaPools.first.map(Int.init) {
            return setServerCount(pool, to: spec.nodes[pool].servers + count)
        }
        if let refusal = refusalOverTopology(routes: 0, splitting: id) { return refusal }
        var replica = spec.nodes[n]
        replica.id = freshID("\(id)-replica")
        replica.kind = .replica
        replica.servers = count
        replica.replicaOf = id
        replica.routes = []
        replica.shards = 1
        // Applying a logged write is far cheaper than running the query that made it: unless
        // the primary says how long, a write takes 1/50 of its service time (0.2 ms for
        // 10 ms), so a replica keeps up with the writes its primary can take.
        if replica.apply == nil {
            replica.apply = .deterministic(mean: max(Nanos.perMicrosecond, replica.service.mean / Self.applySpeedup))
        }
        if let refusal = refusalOverMemory({ $0.nodes.append(replica) }) { return refusal }
        insertNode(replica, relink: false)
        redirect(from: id, to: replica.id, classes: [.read])
        return .applied
    }

    /// The refusal of a change that would take the system past the memory bound
    /// (`SystemSpec.dataMemoryLimit`); `nil` if the changed system fits.
    func refusalOverMemory(_ change: (inout SystemSpec) -> Void) -> CommandResult? {
        var changed = spec
        change(&changed)
        return changed.dataMemoryProblem.map { .refused($0) }
    }

    /// Splits database `n` into `count` shards by key hash (or merges them back).
    mutating func setShards(_ n: Int, to count: Int) -> CommandResult {
        let id = spec.nodes[n].id
        guard nodes[n].kind == .db else { return .refused("\(id) is not a database") }
        guard nodes[n].replicaPools.isEmpty else { return .refused("\(id) has read replicas; sharding them is not modelled") }
        guard (1...Self.maxShards).contains(count) else { return .refused("\(id): shards must be 1 to \(Self.maxShards)") }
        return change(node: n) { node in
            node.shards = count
            node.servers = count
        }
    }

    /// Gives app pool `n` a shared session store, called on every request.
    mutating func addSessionStore(for n: Int) -> CommandResult {
        let id = spec.nodes[n].id
        guard nodes[n].kind == .app else { return .refused("\(id) is not an app pool") }
        guard nodes[n].calls < 0 else { return .refused("\(id) already calls \(spec.nodes[Int(nodes[n].calls)].id)") }
        if let refusal = refusalOverTopology(routes: 0) { return refusal }
        let store = NodeSpec(
            id: freshID("sessions"), kind: .sessionStore, servers: 1, workers: 64,
            service: .exponential(mean: 500 * Nanos.perMicrosecond), dc: spec.nodes[n].dc)
        insertNode(store, relink: false)
        spec.nodes[n].calls = store.id
        spec.nodes[n].sessions = .none
        reconcile(node: n)
        linkTopology()
        return .applied
    }

    /// Adds a CDN edge for a user region (the only region, when the workload names none).
    mutating func addCDN(region: String, entries: Int) -> CommandResult {
        let regions = spec.workload.regions.map(\.name)
        guard regions.isEmpty ? region == "all" : regions.contains(region) else {
            return .refused("no user region named \(region); " + (regions.isEmpty ? "this workload has one region: all" : "there are \(regions.joined(separator: ", "))"))
        }
        guard (1...CacheSpec.maxEntries).contains(entries) else {
            return .refused("a CDN edge holds 1 to \(CacheSpec.maxEntries) entries, not \(entries)")
        }
        let name = regions.isEmpty ? "" : region
        guard !spec.nodes.contains(where: { $0.kind == .cdn && ($0.region ?? "") == name }) else {
            return .refused("\(region) already has a CDN edge")
        }
        if let refusal = refusalOverTopology(routes: 0) { return refusal }
        let edge = NodeSpec(
            id: freshID("cdn-\(region)"), kind: .cdn, workers: 10_000, service: .exponential(mean: 5 * Nanos.perMillisecond),
            queueCapacity: nil, cache: CacheSpec(entries: entries, ttl: Nanos.perHour), region: name)
        if let refusal = refusalOverMemory({ $0.nodes.append(edge) }) { return refusal }
        insertNode(edge)
        return .applied
    }

    /// Puts a cache in front of `n` for reads: hits answer, misses go on to `n`.
    mutating func addCache(before n: Int, entries: Int) -> CommandResult {
        let id = spec.nodes[n].id
        guard (1...CacheSpec.maxEntries).contains(entries) else {
            return .refused("a cache holds 1 to \(CacheSpec.maxEntries) entries, not \(entries)")
        }
        guard nodes[n].kind == .db || nodes[n].kind == .replica else {
            return .refused("caches go in front of a database or its replicas, not \(id)")
        }
        if let refusal = refusalOverTopology(routes: 1, splitting: id) { return refusal }
        let cache = NodeSpec(
            id: freshID("cache"), kind: .cache, workers: 16, service: .exponential(mean: 500 * Nanos.perMicrosecond),
            routes: [RouteSpec(to: id, outcome: .miss)], cache: CacheSpec(entries: entries), dc: spec.nodes[n].dc)
        if let refusal = refusalOverMemory({ $0.nodes.append(cache) }) { return refusal }
        insertNode(cache, relink: false)
        redirect(from: id, to: cache.id, classes: [.read])
        return .applied
    }
}
