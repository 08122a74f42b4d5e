/// The data tier: versions at the primary, replication to replicas, caches, message queues.
///
/// Every write committed at a primary takes the next log position and becomes its key's
/// version. Replicas apply the log in order through their own apply server, so their lag
/// emerges from write load and apply capacity. A read is stale when it returns an older
/// version than the latest committed write of its key.
extension Engine {
    /// The latest committed version of `key` at primary `p`.
    @inline(__always)
    func latestVersion(primary p: Int, key: UInt32) -> LogPosition {
        nodes[p].store?.version(of: key) ?? 0
    }

    /// A request served at a primary: a write commits (and reaches caches and replicas), a
    /// read returns the latest version.
    mutating func serveAtPrimary(_ r: Int32, node n: Int) {
        let i = Int(r)
        let key = requests.slots[i].key
        guard requests.slots[i].requestClass == UInt8(RequestClass.write.rawValue) else {
            requests.slots[i].version = CachedVersion(truncatingIfNeeded: latestVersion(primary: n, key: key))
            fillWaitingCache(r)
            return
        }
        guard let position = nodes[n].store?.commit(key) else { return }
        for c in nodes[n].caches.map(Int.init) {
            switch nodes[c].writePolicy {
            case .invalidate:
                _ = nodes[c].cache?.invalidate(key)
                links.count(from: Int32(n), to: c, slot: LinkCounters.invalidationSlot)
            case .writeThrough:
                nodes[c].cache?.update(key, version: CachedVersion(truncatingIfNeeded: position), now: now)
                links.count(from: Int32(n), to: c, slot: LinkCounters.writeThroughSlot)
            case .ttlOnly: break
            }
        }
        replicate(key: key, position: position, primary: n)
    }

    /// A read served at a replica: fresh when the replica has applied the key's last write.
    mutating func serveAtReplica(_ r: Int32, node n: Int, server s: Int) {
        let i = Int(r)
        let p = Int(nodes[n].primary)
        guard p >= 0, requests.slots[i].requestClass != UInt8(RequestClass.write.rawValue) else { return }
        catchUp(replica: s)
        let latest = latestVersion(primary: p, key: requests.slots[i].key)
        if latest > servers[s].applied {
            nodes[n].counters.staleReads += 1
            requests.slots[i].version = CachedVersion(truncatingIfNeeded: latest - 1)  // some older version: all that matters is that it is older
        } else {
            requests.slots[i].version = CachedVersion(truncatingIfNeeded: latest)
        }
        fillWaitingCache(r)
    }

    /// Fills the cache that missed on this read with the version the read returned.
    mutating func fillWaitingCache(_ r: Int32) {
        let i = Int(r)
        let c = Int(requests.slots[i].fillCache)
        guard c >= 0 else { return }
        nodes[c].cache?.insert(requests.slots[i].key, version: requests.slots[i].version, now: now)
        requests.slots[i].fillCache = -1
    }

    /// Ships a committed write to every live replica of primary `n`'s pool: it arrives after
    /// the pool's replication delay and is applied in commit order by the replica's single
    /// apply worker.
    mutating func replicate(key: UInt32, position: LogPosition, primary n: Int) {
        for pool in nodes[n].replicaPools.map(Int.init) {
            let arrives = now + nodes[pool].replicationDelay
            links.count(from: Int32(n), to: pool, slot: LinkCounters.replicationSlot)
            for s in nodes[pool].activeServers where !servers[Int(s)].down {
                let service = nodes[pool].applySampler.sample(&rng)
                if !servers[Int(s)].applyLog.ship(position: position, committed: now, arrives: arrives, service: service, now: now) {
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

    /// A cache lookup for a read: a hit answers (stale if older than the latest write), a
    /// miss goes on and fills the cache when its read returns.
    mutating func lookUp(_ r: Int32, cache n: Int) {
        let i = Int(r)
        let key = requests.slots[i].key
        if let version = nodes[n].cache?.lookup(key, now: now) {
            let p = Int(nodes[n].primary)
            // A cache holds versions that were current once, never newer: stale means changed.
            if p >= 0 && version != CachedVersion(truncatingIfNeeded: latestVersion(primary: p, key: key)) { nodes[n].counters.staleReads += 1 }
            leave(r, node: Int32(n), by: .hit)
        } else {
            requests.slots[i].fillCache = Int32(n)
            leave(r, node: Int32(n), by: .miss)
        }
    }

    /// A static request at its region's CDN edge: a hit is answered at the edge, a miss goes
    /// to the origin and fills the edge when it comes back.
    mutating func lookUpEdge(_ r: Int32, cdn n: Int) {
        let i = Int(r)
        if nodes[n].cache?.lookup(requests.slots[i].key, now: now) != nil {
            finish(r, .completed)
        } else {
            requests.slots[i].fillCache = Int32(n)
            requests.slots[i].version = 0
            routeToOrigin(r)
        }
    }

    /// A producer's request reaches a message queue: if the queue has room, the producer is
    /// answered at once and a job waits for a consumer; a full queue drops the request.
    mutating func enqueueJob(_ r: Int32, on s: Int32) {
        let i = Int(r)
        let si = Int(s)
        let n = Int(servers[si].node)
        if servers[si].down {
            nodes[n].counters.failed += 1
            fail(r, .failed)
            return
        }
        guard servers[si].busy < workerLimit(si) || servers[si].queue.count < nodes[n].capacity else {
            nodes[n].counters.dropped += 1
            fail(r, .dropped)
            return
        }
        let job = requests.allocate(
            born: now, user: requests.slots[i].user, key: requests.slots[i].key, requestClass: requests.slots[i].requestClass, role: .job)
        requests.slots[Int(job)].node = Int32(n)
        requests.slots[Int(job)].enteredNode = now
        finish(r, .completed)
        place(job, on: s)
    }

    /// Age of the oldest job waiting at queue node `n`: how far consumers lag behind.
    func consumerLag(node n: Int) -> SimTime {
        nodes[n].allServers.compactMap { servers[Int($0)].queue.first }
            .map { now - requests.slots[Int($0)].enteredNode }.max() ?? 0
    }
}
