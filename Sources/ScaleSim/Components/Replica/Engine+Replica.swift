/// A replica pool's runtime: the primary it copies, and how it applies and receives writes.
struct ReplicaPoolState: Sendable {
    var node: Int32
    /// The primary the pool copies, or -1.
    var primary: Int32 = -1
    /// Time to apply one write.
    var applySampler: ServiceSampler
    /// Delay before a replica is promoted when the primary dies.
    var failoverDelay: SimTime
    /// Time for a committed write to reach the pool.
    var replicationDelay: SimTime
    /// Writes its primary could not ship across a cut link, until it heals.
    var hold = ReplicationHold()

    init(node: Int32, spec: NodeSpec) {
        self.node = node
        applySampler = ServiceSampler(spec.apply ?? spec.service)
        failoverDelay = spec.failover
        replicationDelay = spec.replicationDelay
    }
}

/// The replica's room: replicas apply their primary's log in order through their own apply
/// worker, so their lag emerges from write load and apply capacity. A read is stale when it
/// returns an older version than the latest committed write of its key.
extension Engine {
    /// A read served at a replica: fresh when the replica has applied the key's last write.
    mutating func serveAtReplica(_ r: Int32, node n: Int, server s: Int) {
        let i = Int(r)
        let p = Int(replicaPoolStates[Int(nodes[n].slot)].primary)
        guard p >= 0, requests.slots[i].requestClass != UInt8(RequestClass.write.rawValue) else { return }
        catchUp(replica: s)
        let latest = latestVersion(primary: p, of: i)
        if latest > servers[s].applied {
            nodes[n].counters.staleReads += 1
            // Some older version: all that matters is that it is older.
            requests.slots[i].version = CachedVersion(truncatingIfNeeded: latest - 1)
        } else {
            requests.slots[i].version = CachedVersion(truncatingIfNeeded: latest)
            // A primary in another partition may have committed the key since its last window.
            if crossing.isPartitioned && crossing.isForeign(Int32(p)) {
                let key = self.key(of: i)
                checkFreshnessLater(node: n, primary: p, key: key)
            }
        }
        fillWaitingCache(r)
    }

    /// Ships a committed write to every live replica of primary `n`'s pool: it arrives after
    /// the pool's replication delay and is applied in commit order by the replica's single
    /// apply worker; a pool across a cut link gets it when the link heals.
    mutating func replicate(key: UInt32, position: LogPosition, primary n: Int) {
        // By index, not over a copy of the lists: a copy costs an allocation or a retain
        // per write, and shipping changes neither list.
        let primary = Int(nodes[n].slot)
        for j in primaryStates[primary].replicaPools.indices {
            let pool = Int(primaryStates[primary].replicaPools[j])
            let k = Int(nodes[pool].slot)
            if partitions.active && holdsReplication(position: position, committed: now, pool: k, primary: n) { continue }
            let arrives = now + replicaPoolStates[k].replicationDelay
            links.count(from: Int32(n), to: pool, slot: LinkCounters.replicationSlot)
            // A pool in another partition hears of the write from `sendCommitAcross`.
            if crossing.isPartitioned && crossing.isForeign(Int32(pool)) { continue }
            for m in nodes[pool].activeServers.indices where !servers[Int(nodes[pool].activeServers[m])].down {
                let s = nodes[pool].activeServers[m]
                let service = replicaPoolStates[k].applySampler.sample(&nodes[pool].serviceRandom)
                if !servers[Int(s)].applyLog.ship(
                    position: position, committed: now, arrives: arrives, service: service, now: now)
                {
                    startResync(replica: Int(s))
                }
            }
        }
    }

    /// Brings replica server `s` up to now: the writes applied by now advance its position
    /// and count their commit-to-apply lag.
    mutating func catchUp(replica s: Int) {
        let n = Int(servers[s].node)
        for entry in servers[s].applyLog.catchUp(to: now) {
            servers[s].applied = max(servers[s].applied, entry.position)
            nodes[n].counters.applied += 1
            nodes[n].counters.applyLagSum += Double(entry.applied - entry.committed)
        }
    }

    /// The time a committed write takes to reach node `n`, a replica pool; 0 for other nodes.
    func replicationDelay(of n: Int) -> SimTime {
        replicaSlot(n).map { replicaPoolStates[$0].replicationDelay } ?? 0
    }

    /// A replica (re)joining copies its primary's current state and applies from there.
    mutating func resync(replica s: Int) {
        let p = Int(replicaPoolStates[Int(nodes[Int(servers[s].node)].slot)].primary)
        servers[s].applied = p >= 0 ? logPosition(primary: p) : 0
        servers[s].applyLog.reset(at: now)
    }

    /// Time a replica takes to copy its primary's data when it re-syncs: a second per
    /// million keys, at least a second.
    func resyncDuration() -> SimTime {
        SimTime(max(1, spec.workload.keys.count / 1_000_000)) * Nanos.perSecond
    }

    /// Replica server `s` fell too far behind (`ApplyLog.limit`): its primary no longer
    /// keeps the log it needs, so, as a real replica would, it drops its log and stops
    /// serving (its queued and running reads fail) while it copies the data afresh, then
    /// comes back current. Counted in the pool's `resyncs` and posted as a notice.
    mutating func startResync(replica s: Int) {
        let n = Int(servers[s].node)
        let duration = resyncDuration()
        nodes[n].counters.resyncs += 1
        notices.post(.replicaResync(node: spec.nodes[n].id, server: Int(servers[s].poolPosition), duration: duration), at: now)
        servers[s].applyLog.reset(at: now)
        setServer(s, down: true)
        servers[s].resyncing = true
        schedule(.resyncDone(server: Int32(s)), at: now + duration)
        schedule(.healthCheck(node: Int32(n)), at: now + nodes[n].healthCheck)
    }

    /// Ends a re-sync still in progress (a kill or restore since then ended it already).
    mutating func finishResync(replica s: Int) {
        guard servers[s].resyncing else { return }
        servers[s].resyncing = false
        setServer(s, down: false)
        let n = Int(servers[s].node)
        schedule(.healthCheck(node: Int32(n)), at: now + nodes[n].healthCheck)
    }
}

// MARK: Commands

extension Engine {
    /// Adds read replicas to primary `n`, creating its replica pool (and sending reads to it)
    /// if it has none.
    mutating func addReplicas(to n: Int, count: Int) -> CommandResult {
        let id = spec.nodes[n].id
        guard nodes[n].kind == .db else { return .refused("\(id) is not a database") }
        guard !nodes[n].sharded else { return .refused("\(id) is sharded; replicas of shards are not modelled") }
        guard count >= 1 else { return .refused("add at least one replica") }
        if let pool = replicaPools(of: n).first.map(Int.init) {
            return setServerCount(pool, to: spec.nodes[pool].servers + count)
        }
        if let refusal = refusalOverTopology(routes: 0, splitting: id) { return refusal }
        let replica = Self.replicaPool(of: spec.nodes[n], id: freshID("\(id)-replica"), servers: count)
        if let refusal = refusalOverMemory({ $0.nodes.append(replica) }) { return refusal }
        insertNode(replica, relink: false)
        redirect(from: id, to: replica.id, classes: [.read])
        return .applied
    }

    /// A replica pool of `primary`: a copy of it with `servers` servers, sending nothing on.
    static func replicaPool(of primary: NodeSpec, id: String, servers: Int) -> NodeSpec {
        var replica = primary
        replica.id = id
        replica.kind = .replica
        replica.servers = servers
        replica.replicaOf = primary.id
        replica.routes = []
        replica.shards = 1
        // Applying a logged write is far cheaper than running the query that made it: unless
        // the primary says how long, a write takes 1/50 of its service time (0.2 ms for
        // 10 ms), so a replica keeps up with the writes its primary can take.
        if replica.apply == nil {
            replica.apply = .deterministic(mean: max(Nanos.perMicrosecond, replica.service.mean / applySpeedup))
        }
        return replica
    }
}
