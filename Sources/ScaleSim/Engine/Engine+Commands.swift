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
    public mutating func apply(_ command: SimCommand) -> CommandResult {
        switch command {
        case .setUsers(let users):
            guard (1...WorkloadSpec.maxUsers).contains(users) else {
                return .refused("users must be 1 to \(WorkloadSpec.maxUsers), got \(users)")
            }
            if let refusal = refusalOverMemory({ $0.workload.users = users }) { return refusal }
            return setRate(users: users, ratePerUser: workload.ratePerUser)
        case .setRatePerUser(let rate):
            guard rate > 0, rate.isFinite else { return .refused("the rate per user must be above 0, got \(rate)") }
            return setRate(users: workload.users, ratePerUser: rate)
        case .setRetries(let limit, let backoff):
            guard (0...RetrySpec.maxLimit).contains(limit) else {
                return .refused("retries must be 0 to \(RetrySpec.maxLimit), got \(limit)")
            }
            guard backoff > 0 || limit == 0 else { return .refused("the retry backoff must be longer than zero") }
            spec.workload.retries = RetrySpec(limit: limit, backoff: backoff)
            return .applied
        case .setServers(let id, let count):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            return setServerCount(n, to: count)
        case .addServers(let id, let count):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            return setServerCount(n, to: nodes[n].activeServers.count + count)
        case .removeServers(let id, let count):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            return setServerCount(n, to: nodes[n].activeServers.count - count)
        case .setWorkers(let id, let count):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            guard (1...Self.maxWorkers).contains(count) else {
                return .refused("\(id): workers must be 1 to \(Self.maxWorkers), got \(count)")
            }
            setWorkers(n, to: count)
            return .applied
        case .setSize(let id, let size):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            return resize(n, to: size)
        case .resize(let id, let steps):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            return resize(n, to: nodes[n].size + steps)
        case .setPolicy(let id, let policy):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            nodes[n].policy = policy
            spec.nodes[n].policy = policy
            return .applied
        case .addLoadBalancer(let pool):
            guard let n = nodeIndex[pool].map(Int.init) else { return .refused("no node named \(pool)") }
            return addLoadBalancer(in: n)
        case .setAutoscale(let id, let policy):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            if let policy {
                guard policy.target > 0, policy.target < 1 else { return .refused("\(id): the target utilization must be between 0 and 1") }
                guard policy.min >= 1, policy.min <= policy.max, policy.max <= Self.maxServers else {
                    return .refused("\(id): need 1 <= min <= max <= \(Self.maxServers), got \(policy.min) and \(policy.max)")
                }
                guard !nodes[n].sharded else { return .refused("\(id) is sharded; shards do not autoscale") }
                if let refusal = refusalOverMemory({ $0.nodes[n].autoscale = policy }) { return refusal }
            }
            nodes[n].autoscale = policy
            spec.nodes[n].autoscale = policy
            return .applied
        case .setSessions(let id, let mode):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            guard nodes[n].kind == .app else { return .refused("\(id) is not an app pool") }
            if let refusal = refusalOverMemory({ $0.nodes[n].sessions = mode }) { return refusal }
            nodes[n].sessions = mode
            spec.nodes[n].sessions = mode
            return .applied
        case .addSessionStore(let pool):
            guard let n = nodeIndex[pool].map(Int.init) else { return .refused("no node named \(pool)") }
            return addSessionStore(for: n)
        case .killDataCenter(let name):
            return setDataCenter(name, down: true)
        case .restoreDataCenter(let name):
            return setDataCenter(name, down: false)
        case .addCDN(let region, let entries):
            return addCDN(region: region, entries: entries)
        case .setRateLimit, .removeRateLimit:
            return .refused("rate limits are not simulated yet")
        case .addReplicas(let primary, let count):
            guard let n = nodeIndex[primary].map(Int.init) else { return .refused("no node named \(primary)") }
            return addReplicas(to: n, count: count)
        case .removeReplicas(let primary, let count):
            guard let n = nodeIndex[primary].map(Int.init) else { return .refused("no node named \(primary)") }
            guard let pool = nodes[n].replicaPools.first.map(Int.init) else { return .refused("\(primary) has no read replicas") }
            return setServerCount(pool, to: nodes[pool].activeServers.count - count)
        case .setShards(let id, let count):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            return setShards(n, to: count)
        case .addCache(let front, let entries):
            guard let n = nodeIndex[front].map(Int.init) else { return .refused("no node named \(front)") }
            return addCache(before: n, entries: entries)
        case .setCacheCapacity(let id, let entries):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            guard nodes[n].cache != nil else { return .refused("\(id) is not a cache") }
            guard (1...CacheSpec.maxEntries).contains(entries) else {
                return .refused("\(id): capacity must be 1 to \(CacheSpec.maxEntries) entries, got \(entries)")
            }
            if let refusal = refusalOverMemory({ $0.nodes[n].cache?.entries = entries }) { return refusal }
            nodes[n].cache?.setCapacity(entries)
            spec.nodes[n].cache?.entries = entries
            return .applied
        case .setEviction(let id, let policy):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            guard nodes[n].cache != nil else { return .refused("\(id) is not a cache") }
            nodes[n].cache?.setPolicy(policy)
            spec.nodes[n].cache?.eviction = policy
            return .applied
        case .setTTL(let id, let ttl):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            guard nodes[n].cache != nil else { return .refused("\(id) is not a cache") }
            if let ttl, ttl <= 0 { return .refused("\(id): a TTL must be longer than zero") }
            nodes[n].cache?.setTTL(ttl)
            spec.nodes[n].cache?.ttl = ttl
            return .applied
        case .setWritePolicy(let id, let policy):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            guard nodes[n].cache != nil else { return .refused("\(id) is not a cache") }
            nodes[n].writePolicy = policy
            spec.nodes[n].cache?.writePolicy = policy
            return .applied
        case .flush(let id):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            guard nodes[n].cache != nil else { return .refused("\(id) is not a cache") }
            nodes[n].cache?.flush()
            return .applied
        case .kill(let id, let server):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            return setDown(node: n, server: server, down: true)
        case .restore(let id, let server):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            return setDown(node: n, server: server, down: false)
        case .slow(let id, let factor):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            guard factor > 0, factor.isFinite, factor <= 1_000 else {
                return .refused("\(id): a slow-down factor must be above 0 and at most 1000, got \(factor)")
            }
            nodes[n].slowFactor = factor
            return .applied
        }
    }

    mutating func setRate(users: Int, ratePerUser: Double) -> CommandResult {
        let peak = Double(users) * ratePerUser * workload.maxFactor
        guard peak <= WorkloadSpec.maxRate else {
            // `Int(peak)` would trap on a huge rate (`set rate 1e300`): whole numbers only below 2^53.
            let shown = peak < 0x1p53 ? "\(Int(peak))" : "\(peak)"
            return .refused("\(users) users at \(ratePerUser)/s would send \(shown) requests/s; the limit is \(Int(WorkloadSpec.maxRate))")
        }
        workload.users = users
        workload.ratePerUser = ratePerUser
        spec.workload.users = users
        spec.workload.ratePerUser = ratePerUser
        workload.updateRate()
        scheduleNextArrival()
        return .applied
    }

    mutating func setServerCount(_ n: Int, to count: Int) -> CommandResult {
        let id = spec.nodes[n].id
        if nodes[n].sharded { return .refused("\(id) is sharded: use set shards \(id) N") }
        guard count >= 1 else { return .refused("\(id) needs at least one server") }
        guard count <= Self.maxServers else { return .refused("\(id): at most \(Self.maxServers) servers") }
        if nodes[n].kind == .replica, let refusal = refusalOverMemory({ $0.nodes[n].servers = count }) { return refusal }
        resizePool(n, to: count)
        return .applied
    }

    /// Adds servers (reusing retired ones first) or retires the newest ones; the queues of
    /// retired servers are handed to the servers that stay.
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
        spec.nodes[n].servers = count
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
    /// busy workers finish their request before they go.
    mutating func setWorkers(_ n: Int, to count: Int) {
        markCapacity(of: n)
        nodes[n].workers = Int32(count)
        spec.nodes[n].workers = count
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
        let steps = size - nodes[n].size
        let workers = steps >= 0 ? Int(nodes[n].workers) << steps : max(1, Int(nodes[n].workers) >> -steps)
        guard workers <= Self.maxWorkers else { return .refused("\(id): at most \(Self.maxWorkers) workers") }
        nodes[n].size = size
        spec.nodes[n].size = size
        setWorkers(n, to: workers)
        return .applied
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
            return setServerCount(pool, to: nodes[pool].activeServers.count + count)
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
        nodes[n].sharded = false
        resizePool(n, to: count)
        nodes[n].sharded = count > 1
        spec.nodes[n].shards = count
        return .applied
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
        nodes[n].sessions = .none
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
