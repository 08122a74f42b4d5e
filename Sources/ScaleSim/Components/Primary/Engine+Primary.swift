/// A primary database's runtime: the versions of its keys, and the replica pools and
/// caches that hold copies of its data.
struct PrimaryState: Sendable {
    var node: Int32
    var store: VersionStore
    var replicaPools: [Int32] = []
    var caches: [Int32] = []
    var failoverPending = false

    init(node: Int32, keys: Int) {
        self.node = node
        store = VersionStore(keys: keys)
    }
}

/// The primary's room: every write committed at a primary takes the next log position and
/// becomes its key's version; reads return the latest. When it dies with replicas, one is
/// promoted after the failover delay, losing the writes it had not received.
extension Engine {
    /// The latest committed version of `key` at primary `p`.
    @inline(__always)
    func latestVersion(primary p: Int, key: UInt32) -> LogPosition {
        primarySlot(p).map { primaryStates[$0].store.version(of: key) } ?? 0
    }

    /// The latest committed version of request `i`'s key at primary `p`: before the first
    /// write, 0 without drawing the key.
    @inline(__always)
    mutating func latestVersion(primary p: Int, of i: Int) -> LogPosition {
        guard anyWriteCommitted else { return 0 }
        let key = self.key(of: i)
        return latestVersion(primary: p, key: key)
    }

    /// A request served at a primary: a write commits (and reaches caches and replicas), a
    /// read returns the latest version.
    mutating func serveAtPrimary(_ r: Int32, node n: Int) {
        let i = Int(r)
        guard requests.slots[i].requestClass == UInt8(RequestClass.write.rawValue) else {
            requests.slots[i].version = CachedVersion(truncatingIfNeeded: latestVersion(primary: n, of: i))
            fillWaitingCache(r)
            return
        }
        let key = self.key(of: i)
        let position = primaryStates[Int(nodes[n].slot)].store.commit(key)
        anyWriteCommitted = true
        if partitions.active {
            writeReachesCachesAcrossCuts(key: key, position: position, primary: n)
        } else {
            writeReachesCaches(key: key, position: position, primary: n)
        }
        replicate(key: key, position: position, primary: n)
        if crossing.isPartitioned { sendCommitAcross(key: key, position: position, primary: n) }
    }

    /// The replica pools of primary `n` (empty for any other node).
    func replicaPools(of n: Int) -> [Int32] {
        primarySlot(n).map { primaryStates[$0].replicaPools } ?? []
    }

    /// Every replica server of primary `n`, pool by pool.
    func replicaServers(of n: Int) -> [Int32] {
        replicaPools(of: n).flatMap { nodes[Int($0)].activeServers }
    }

    /// The log position of primary `p`: the count of writes it committed.
    func logPosition(primary p: Int) -> LogPosition {
        primarySlot(p).map { primaryStates[$0].store.position } ?? 0
    }

    /// Writes still on their way to the replicas die with the primary that was sending them.
    mutating func dropShippedWrites(primary n: Int) {
        for s in replicaServers(of: n) { servers[Int(s)].applyLog.dropUnarrived(at: now) }
    }

    /// A dead primary with replicas promotes one after the shortest failover delay of its
    /// replica pools.
    mutating func scheduleFailover(primary n: Int) {
        let k = Int(nodes[n].slot)
        let pools = primaryStates[k].replicaPools
        guard let delay = pools.map({ replicaPoolStates[Int(nodes[Int($0)].slot)].failoverDelay }).min(),
            !primaryStates[k].failoverPending
        else { return }
        primaryStates[k].failoverPending = true
        // In a partitioned run the coordinator promotes at a barrier: the replicas to choose
        // from live in several partitions (Parallel/PartitionedEngine+Failover.swift).
        if crossing.isPartitioned {
            crossing.failovers.append(PendingFailover(at: now + delay, primary: Int32(n)))
        } else {
            schedule(.failover(primary: Int32(n)), at: now + delay)
        }
    }

    /// The most up-to-date live replica becomes the primary: the writes it had not applied
    /// are lost; the other replicas re-sync from it.
    mutating func promoteReplica(of n: Int) {
        primaryStates[Int(nodes[n].slot)].failoverPending = false
        guard primaryIsDown(n), let best = bestReceived(byReplicasOf: n) else { return }
        takeOver(primary: n, losing: Int(logPosition(primary: n) - best))
    }

    /// True if every server of primary `n` is down.
    func primaryIsDown(_ n: Int) -> Bool {
        nodes[n].activeServers.allSatisfy { servers[Int($0)].down }
    }

    /// The furthest position of primary `n`'s log that a live replica simulated here has
    /// received (what it received before the primary died, it applies: only the rest is
    /// lost), or nil when none is alive.
    func bestReceived(byReplicasOf n: Int) -> LogPosition? {
        replicaServers(of: n).filter { !servers[Int($0)].down && crossing.simulates(Int(servers[Int($0)].node)) }
            .map { servers[Int($0)].applyLog.lastReceived ?? servers[Int($0)].applied }.max()
    }

    /// A replica takes dead primary `n`'s place; `lost` writes it never received are
    /// counted (nil: another partition counts them).
    mutating func takeOver(primary n: Int, losing lost: Int?) {
        if let lost {
            writesLost += lost
            notices.post(.failover(primary: spec.nodes[n].id, writesLost: lost), at: now)
        }
        // The promoted replica takes the primary's place (and a new replica takes its own);
        // clients are pointed at it at once, with no health check to wait for.
        for s in nodes[n].activeServers {
            setServer(Int(s), down: false)
            servers[Int(s)].changedAt = .min / 2
        }
        for s in replicaServers(of: n) { resync(replica: Int(s)) }
        refreshRotation(n)
    }
}

extension Engine {
    /// Links the data tier from the spec: the primary each replica pool copies and each cache
    /// holds the data of (the one its misses lead to, directly or through a replica pool),
    /// and each primary's replica pools and caches, in node order.
    mutating func linkDataTier() {
        for k in primaryStates.indices {
            primaryStates[k].replicaPools = []
            primaryStates[k].caches = []
        }
        for k in replicaPoolStates.indices {
            let n = replicaPoolStates[k].node
            let primary = spec.nodes[Int(n)].replicaOf.flatMap { nodeIndex[$0] } ?? -1
            replicaPoolStates[k].primary = primary
            if primary >= 0, let p = primarySlot(Int(primary)) { primaryStates[p].replicaPools.append(n) }
        }
        // A cache holds the data of the primary its misses lead to: a database, a replica
        // pool's primary, or the data of the cache it misses to, which may itself be known
        // only after a pass over the others (chains are short; each pass settles one link).
        for k in cacheStates.indices { cacheStates[k].source = -1 }
        var settled = false
        for _ in cacheStates.indices where !settled {
            settled = true
            for k in cacheStates.indices where nodes[Int(cacheStates[k].node)].kind == .cache && cacheStates[k].source < 0 {
                var source: Int32 = -1
                for t in nodes[Int(cacheStates[k].node)].missRoutes.flatMap(\.targets) where source < 0 {
                    if primarySlot(Int(t)) != nil {
                        source = t
                    } else if let r = replicaSlot(Int(t)) {
                        source = replicaPoolStates[r].primary
                    } else if let c = cacheSlot(Int(t)), nodes[Int(t)].kind == .cache {
                        source = cacheStates[c].source
                    }
                }
                if source >= 0 {
                    cacheStates[k].source = source
                    settled = false
                }
            }
        }
        for k in cacheStates.indices where cacheStates[k].source >= 0 {
            if let p = primarySlot(Int(cacheStates[k].source)) { primaryStates[p].caches.append(cacheStates[k].node) }
        }
    }
}

// MARK: Commands

extension Engine {
    /// Splits database `n` into `count` shards by key hash (or merges them back).
    mutating func setShards(_ n: Int, to count: Int) -> CommandResult {
        let id = spec.nodes[n].id
        guard nodes[n].kind == .db else { return .refused("\(id) is not a database") }
        guard replicaPools(of: n).isEmpty else { return .refused("\(id) has read replicas; sharding them is not modelled") }
        guard (1...Self.maxShards).contains(count) else { return .refused("\(id): shards must be 1 to \(Self.maxShards)") }
        return change(node: n) { node in
            node.shards = count
            node.servers = count
            // Shards do not autoscale (the autoscaler passes them by): a sharded design
            // says so, as a preset must.
            if count > 1 { node.autoscale = nil }
        }
    }
}

// MARK: Commands

extension Engine {
    /// Workers of a database `add db` creates.
    static let databaseWorkers = 16

    /// Moves app node `n`'s database onto a server of its own: `n` sends its reads and
    /// writes on to a new primary database in its data center (stage 00 to 01).
    mutating func addDatabase(behind n: Int) -> CommandResult {
        let id = spec.nodes[n].id
        guard nodes[n].kind == .app else {
            return .refused("\(id) is not an app server: only an app holds a database to move out")
        }
        let data: [RequestClass] = [.read, .write]
        let senders = zip(spec.nodes[n].routes, carriedClasses(node: n)).filter { !Set($1).isDisjoint(with: data) }.map(\.0.to)
        guard senders.isEmpty else {
            return .refused("\(id) already sends its reads and writes on, to \(Set(senders).sorted().joined(separator: ", "))")
        }
        if let refusal = refusalOverTopology(routes: 1) { return refusal }
        let db = NodeSpec(
            id: freshID("db" + copySuffix(of: n)), kind: .db, workers: Self.databaseWorkers,
            service: .gamma(mean: 10 * Nanos.perMillisecond, cv: 0.8), queueCapacity: 1_000, timeout: 5 * Nanos.perSecond,
            dc: spec.nodes[n].dc)
        if let refusal = refusalOverMemory({ $0.nodes.append(db) }) { return refusal }
        insertNode(db, relink: false)
        spec.nodes[n].routes.append(RouteSpec(to: db.id, classes: data, latency: Self.localLatency))
        linkTopology()
        return .applied
    }

    /// Takes database `n` away: the nodes that sent it reads and writes answer them
    /// themselves again, as before `add db`. Refused while replicas or caches copy its data.
    mutating func removeDatabase(_ n: Int) -> CommandResult {
        let id = spec.nodes[n].id
        guard nodes[n].kind == .db else { return .refused("\(id) is not a database") }
        let copies =
            spec.nodes.filter { $0.replicaOf == id }.map(\.id)
            + (primaryStates[Int(nodes[n].slot)].caches.map { spec.nodes[Int($0)].id })
        guard copies.isEmpty else {
            return .refused(
                "\(copies.joined(separator: ", ")) \(copies.count == 1 ? "holds" : "hold") a copy of \(id)'s data: take \(copies.count == 1 ? "it" : "them") away first"
            )
        }
        guard spec.workload.entry != id, !spec.datacenters.contains(where: { $0.entry == id }) else {
            return .refused("users' requests enter at \(id): they would have nowhere to go")
        }
        for sender in spec.nodes.indices { dropRoutes(of: sender, to: id) }
        removeNodes([n])
        return .applied
    }
}
