/// Failure injection: servers die and come back; balancers and DNS notice after a health
/// check; a dead primary fails over to a replica, losing the writes it had not applied.
extension Engine {
    /// Takes server `s` down (losing what it held) or brings it back.
    mutating func setServer(_ s: Int, down: Bool) {
        guard servers[s].down != down else { return }
        let n = Int(servers[s].node)
        servers[s].touch(now)
        servers[s].down = down
        servers[s].changedAt = now
        if down {
            for r in servers[s].queue.drain() {
                nodes[n].counters.failed += 1
                fail(r, .failed)
            }
            loseRequestsInService(server: s)
            servers[s].busy = 0
        } else if nodes[n].kind == .replica {
            resync(replica: s)
        }
    }

    /// Fails every request being served by server `s`; their end-of-service events are still
    /// pending, so their slots are reclaimed when those fire.
    mutating func loseRequestsInService(server s: Int) {
        let n = Int(servers[s].node)
        for r in requests.slots.indices where requests.slots[r].phase == .inService && requests.slots[r].server == Int32(s) {
            if requests.slots[r].role == .user {
                nodes[n].counters.failed += 1
                countOutcome(of: r, .failed)
            }
            requests.retireLost(Int32(r))
        }
    }

    /// Kills or restores node `n`, or one server (a pool position) of it.
    mutating func setDown(node n: Int, server position: Int?, down: Bool) -> CommandResult {
        let pool = nodes[n].activeServers
        let targets: [Int32]
        if let position {
            guard pool.indices.contains(position) else {
                return .refused("\(spec.nodes[n].id) has servers 0 to \(pool.count - 1), not \(position)")
            }
            targets = [pool[position]]
        } else {
            targets = pool
        }
        if down {
            let positions = position.map { [$0] } ?? Array(pool.indices)
            noteSessionsDropped(node: n, positions: positions.filter { !servers[Int(pool[$0])].down }, removed: false)
        }
        for s in targets {
            // A kill or a restore overrides a re-sync in progress.
            servers[Int(s)].resyncing = false
            setServer(Int(s), down: down)
        }
        schedule(.healthCheck(node: Int32(n)), at: now + nodes[n].healthCheck)
        if down && nodes[n].store != nil && pool.allSatisfy({ servers[Int($0)].down }) {
            dropShippedWrites(primary: n)
            scheduleFailover(primary: n)
        }
        return .applied
    }

    /// Writes still on their way to the replicas die with the primary that was sending them.
    mutating func dropShippedWrites(primary n: Int) {
        for s in replicaServers(of: n) { servers[Int(s)].applyLog.dropUnarrived(at: now) }
    }

    /// Every replica server of primary `n`, pool by pool.
    func replicaServers(of n: Int) -> [Int32] {
        nodes[n].replicaPools.flatMap { nodes[Int($0)].activeServers }
    }

    /// A replica (re)joining copies its primary's current state and applies from there.
    mutating func resync(replica s: Int) {
        let p = Int(nodes[Int(servers[s].node)].primary)
        servers[s].applied = p >= 0 ? nodes[p].store?.position ?? 0 : 0
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

    /// A dead primary with replicas promotes one after the shortest failover delay of its
    /// replica pools.
    mutating func scheduleFailover(primary n: Int) {
        guard let delay = nodes[n].replicaPools.map({ nodes[Int($0)].failoverDelay }).min(),
              !nodes[n].failoverPending else { return }
        nodes[n].failoverPending = true
        schedule(.failover(primary: Int32(n)), at: now + delay)
    }

    /// The most up-to-date live replica becomes the primary: the writes it had not applied
    /// are lost; the other replicas re-sync from it.
    mutating func promoteReplica(of n: Int) {
        nodes[n].failoverPending = false
        guard nodes[n].activeServers.allSatisfy({ servers[Int($0)].down }) else { return }
        // What a replica received before the primary died, it applies: only the rest is lost.
        func received(_ s: Int32) -> LogPosition {
            servers[Int(s)].applyLog.lastReceived ?? servers[Int(s)].applied
        }
        let alive = replicaServers(of: n).filter { !servers[Int($0)].down }
        guard let best = alive.max(by: { received($0) < received($1) }) else { return }
        let position = nodes[n].store?.position ?? 0
        let lost = Int(position - received(best))
        writesLost += lost
        notices.post(.failover(primary: spec.nodes[n].id, writesLost: lost), at: now)
        // The promoted replica takes the primary's place (and a new replica takes its own);
        // clients are pointed at it at once, with no health check to wait for.
        for s in nodes[n].activeServers {
            setServer(Int(s), down: false)
            servers[Int(s)].changedAt = .min / 2
        }
        for s in replicaServers(of: n) { resync(replica: Int(s)) }
        refreshRotation(n)
    }

    /// Rebuilds node `n`'s rotation as its balancers see it: a server that died stays in
    /// until the health check notices, one that came back joins once a check passes.
    mutating func refreshRotation(_ n: Int) {
        let check = nodes[n].healthCheck
        nodes[n].rotation = nodes[n].activeServers.filter { s in
            let server = servers[Int(s)]
            let noticed = now - server.changedAt >= check
            return server.down ? !noticed : noticed && now >= server.warmUntil
        }
    }
}
