/// Network partitions between data centers: failure injection, like `kill dc`, so not part of
/// the design (`w` saves none). While a link is cut, a request routed across it fails after
/// the connect timeout; the writes a primary ships across it (to replicas, to caches) wait
/// and are delivered in order at the heal. Nothing dies, so nothing fails over, and geo-DNS,
/// which watches data centers and not the links between them, sends users where it did.
extension Engine {
    /// How long a connection attempt across a cut link waits before it fails: a typical
    /// client's connect timeout (docs/scripts.md, Failures).
    public static let connectTimeout = Nanos.perSecond

    // MARK: Commands

    /// Cuts the link between data centers `a` and `b`.
    mutating func partition(_ a: String, _ b: String) -> CommandResult {
        if let refusal = refusalOfLink(a, b) { return refusal }
        guard partitions.openEpisode(between: a, b) == nil else { return .refused("\(a) and \(b) are partitioned already") }
        var episode = PartitionEpisode(dataCenters: [a, b], cutAt: now)
        let e = partitions.episodes.count
        partitions.episodes.append(episode)
        relinkPartitions()
        episode.cutOff = nodesCutFromTheirData(by: e).map { spec.nodes[$0].id }
        episode.staleAtCut = staleReads(of: episode.cutOff)
        partitions.episodes[e] = episode
        return .applied
    }

    /// Heals the cut between data centers `a` and `b`: the writes held back cross now, in
    /// commit order, and the replicas cut off apply them at their own pace.
    mutating func heal(_ a: String, _ b: String) -> CommandResult {
        if let refusal = refusalOfLink(a, b) { return refusal }
        guard let e = partitions.openEpisode(between: a, b) else {
            return .refused("\(a) and \(b) are not partitioned: there is no cut to heal")
        }
        partitions.episodes[e].healedAt = now
        relinkPartitions()
        let caughtUp = max(releaseReplication(episode: e), now)
        releaseCacheWrites()
        partitions.episodes[e].caughtUpAt = caughtUp
        // In a partitioned run this is this partition's own replicas' catch-up: the
        // coordinator finishes the episode at a barrier when every partition's have caught
        // up (Parallel/PartitionedEngine+Cuts.swift).
        guard !crossing.isPartitioned else { return .applied }
        if caughtUp > now {
            schedule(.partitionCaughtUp(episode: e), at: caughtUp)
        } else {
            finishCatchUp(episode: e)
        }
        return .applied
    }

    /// Why `a` and `b` cannot name a link: the same data center, or one that is not there.
    private func refusalOfLink(_ a: String, _ b: String) -> CommandResult? {
        let known = datacenters.map(\.name)
        for name in [a, b] where !known.contains(name) {
            return .refused(
                "no data center named \(name)"
                    + (known.isEmpty ? "; this system declares none" : "; there are \(known.joined(separator: ", "))"))
        }
        guard a != b else { return .refused("\(a) cannot be partitioned from itself: name two data centers") }
        return nil
    }

    private mutating func relinkPartitions() {
        let names = datacenters.map(\.name)
        partitions.relink(count: names.count) { name in names.firstIndex(of: name) }
    }

    // MARK: Requests across a cut

    /// The open episode cutting the hop from node `from` to node `to`, if any; call only
    /// while `partitions.active`.
    @inline(__always)
    func cutEpisode(from: Int, to: Int) -> Int? {
        partitions.episode(between: nodes[from].dc, nodes[to].dc)
    }

    /// Request `r` was routed across cut `episode`: its connection attempt fails after the
    /// connect timeout, whether or not the link heals meanwhile.
    mutating func sendIntoCut(_ r: Int32, episode e: Int) {
        let i = Int(r)
        partitions.episodes[e].failedByClass[Int(requests.slots[i].requestClass)] += 1
        requests.slots[i].phase = .connecting
        events.schedule(r, after: Self.connectTimeout, from: now)
    }

    /// The connect timeout of `r`, sent into a cut, ran out.
    mutating func connectionTimedOut(_ r: Int32) {
        fail(r, .failed)
    }

    // MARK: Writes across a cut

    /// Holds write `position`, committed at `committed`, back from replica pool `k` (a slot
    /// of `replicaPoolStates`) if a cut lies between it and its primary `n`; returns whether
    /// it did. A pool in another partition holds the write itself when the commit reaches
    /// it (Parallel/Engine+CommitsAcross.swift).
    mutating func holdsReplication(position: LogPosition, committed: SimTime, pool k: Int, primary n: Int) -> Bool {
        guard let e = cutEpisode(from: n, to: Int(replicaPoolStates[k].node)) else { return false }
        if crossing.isPartitioned && crossing.isForeign(replicaPoolStates[k].node) { return true }
        replicaPoolStates[k].hold.hold(position: position, committed: committed)
        partitions.episodes[e].writesHeld += 1
        return true
    }

    /// A write of `key` committed at primary `n` as `position` reaches its caches on this
    /// side of every cut now, and is held for those across one. A cache in another
    /// partition hears of it from the commit sent there (Parallel/Engine+CommitsAcross.swift).
    mutating func writeReachesCachesAcrossCuts(key: UInt32, position: LogPosition, primary n: Int) {
        for c in primaryStates[Int(nodes[n].slot)].caches where !crossing.isPartitioned || !crossing.isForeign(c) {
            if !holdsCacheWrite(key: key, position: position, cache: Int(c), primary: n) {
                sendWrite(toCache: Int(c), key: key, position: position, primary: n)
            }
        }
    }

    /// Holds the write of `key` committed at primary `n` as `position` back from cache `c`
    /// if a cut lies between them, until it heals; returns whether it did.
    mutating func holdsCacheWrite(key: UInt32, position: LogPosition, cache c: Int, primary n: Int) -> Bool {
        guard cutEpisode(from: n, to: c) != nil else { return false }
        partitions.heldCacheWrites.append(
            HeldCacheWrite(cache: spec.nodes[c].id, primary: spec.nodes[n].id, key: key, position: position))
        return true
    }

    /// Ships every replica pool the writes held for it, once no cut lies between it and its
    /// primary: they arrive after the pool's replication delay, and each replica applies
    /// them in order before any later one. Returns when the last of them is applied.
    private mutating func releaseReplication(episode e: Int) -> SimTime {
        var caughtUp = now
        for k in replicaPoolStates.indices where !replicaPoolStates[k].hold.isEmpty {
            let pool = Int(replicaPoolStates[k].node)
            let p = Int(replicaPoolStates[k].primary)
            guard p >= 0, cutEpisode(from: p, to: pool) == nil else { continue }
            let (writes, overflowed) = replicaPoolStates[k].hold.release()
            let arrives = now + replicaPoolStates[k].replicationDelay
            for _ in writes { links.count(from: Int32(p), to: pool, slot: LinkCounters.replicationSlot) }
            for s in nodes[pool].activeServers.map(Int.init) where !servers[s].down {
                var shipped = !overflowed
                for write in writes where shipped {
                    let service = replicaPoolStates[k].applySampler.sample(&nodes[pool].serviceRandom)
                    shipped = servers[s].applyLog.ship(
                        position: write.position, committed: write.committed, arrives: arrives, service: service, now: now)
                }
                if shipped {
                    caughtUp = max(caughtUp, servers[s].applyLog.busyUntil)
                } else {
                    // The primary no longer keeps what this replica missed: it copies the data.
                    startResync(replica: s)
                    partitions.episodes[e].resyncs += 1
                    caughtUp = max(caughtUp, now + resyncDuration())
                }
            }
        }
        return caughtUp
    }

    /// Delivers, in commit order, the held cache writes no cut stops any longer.
    private mutating func releaseCacheWrites() {
        var kept: [HeldCacheWrite] = []
        for write in partitions.heldCacheWrites {
            guard let c = nodeIndex[write.cache].map(Int.init), let p = nodeIndex[write.primary].map(Int.init),
                cacheSlot(c) != nil
            else { continue }
            if cutEpisode(from: p, to: c) != nil {
                kept.append(write)
            } else {
                sendWrite(toCache: c, key: write.key, position: write.position, primary: p)
            }
        }
        partitions.heldCacheWrites = kept
    }

    /// The replicas of episode `e` have caught up: its stale reads stop counting.
    mutating func finishCatchUp(episode e: Int) {
        countStaleReadsAtCatchUp(episode: e)
        let episode = partitions.episodes[e]
        notices.post(
            .partitionCaughtUp(dataCenters: episode.dataCenters, writes: episode.writesHeld, after: episode.catchUpTime ?? 0),
            at: now)
    }

    /// Keeps the stale reads episode `e`'s nodes cut off had counted when they caught up.
    mutating func countStaleReadsAtCatchUp(episode e: Int) {
        partitions.episodes[e].staleAtCatchUp = staleReads(of: partitions.episodes[e].cutOff)
    }

    // MARK: Figures

    /// Replica pools and caches whose primary lies across cut `e`.
    private func nodesCutFromTheirData(by e: Int) -> [Int] {
        var cut: [Int] = []
        for n in nodes.indices {
            let primary: Int32
            if let k = replicaSlot(n) {
                primary = replicaPoolStates[k].primary
            } else if let k = cacheSlot(n) {
                primary = cacheStates[k].source
            } else {
                continue
            }
            if primary >= 0, cutEpisode(from: Int(primary), to: n) == e { cut.append(n) }
        }
        return cut
    }

    /// The stale reads nodes `ids` have counted (those still there); in a partitioned run,
    /// those this partition simulates, whose counts are live here.
    private func staleReads(of ids: [String]) -> Int {
        ids.reduce(0) { sum, id in
            guard let n = nodeIndex[id].map(Int.init), crossing.simulates(n) else { return sum }
            return sum + nodes[n].counters.staleReads
        }
    }

    /// Every partition so far, its stale reads counted to its catch-up or to now.
    public var partitionEpisodes: [PartitionEpisode] {
        partitions.episodes.map { episode in
            var counted = episode
            counted.staleReads = (episode.staleAtCatchUp ?? staleReads(of: episode.cutOff)) - episode.staleAtCut
            return counted
        }
    }
}
