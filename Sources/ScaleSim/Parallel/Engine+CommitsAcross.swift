/// Writes committed at a primary in another partition, as they reach the replicas and caches
/// of its data here, and the stale reads they reveal (docs/architecture.md, "Windows and
/// messages").
///
/// The primary's partition sends each commit once to every other partition that holds a
/// replica pool or a cache of its data. There it does what the primary does at once in a
/// whole-system engine: ships the write to the pool's replicas (arriving after the
/// replication delay) and to the caches (after `dc_latency`). It also teaches this
/// partition's copy of the primary's versions, its mirror, which answers "is this read
/// stale?" for every commit before the window. A commit inside the window, which no one here
/// can know yet, is settled when the window ends: a read of a key the mirror called fresh
/// was stale if the key was committed at or before the read.
extension Engine {
    /// A read that was fresh by every commit known when it happened, to check against the
    /// commits of its own window.
    struct FreshnessCheck: Sendable {
        var node: Int32
        var primary: Int32
        var key: UInt32
        var time: SimTime
    }

    /// A key of primary `p`, as `PartitionCrossing.firstCommits` knows it.
    static func primaryKey(_ p: Int, _ key: UInt32) -> UInt64 { UInt64(p) << 32 | UInt64(key) }

    /// One partition that holds copies of a primary's data, and how soon the first of them
    /// hears of a write.
    struct CommitSubscriber: Sendable {
        var partition: Int
        var delay: SimTime
    }

    /// The partitions to tell of each write committed at each primary, by node index.
    func commitSubscribers(owners: [Int32]) -> [[CommitSubscriber]] {
        var subscribers = Array(repeating: [CommitSubscriber](), count: nodes.count)
        for pool in replicaPoolStates where pool.primary >= 0 {
            subscribe(&subscribers[Int(pool.primary)], owners[Int(pool.node)], pool.replicationDelay)
        }
        for cache in cacheStates where cache.source >= 0 {
            subscribe(&subscribers[Int(cache.source)], owners[Int(cache.node)], cache.writeDelay)
        }
        for p in subscribers.indices { subscribers[p].removeAll { $0.partition == owners[p] } }
        return subscribers
    }

    private func subscribe(_ list: inout [CommitSubscriber], _ partition: Int32, _ delay: SimTime) {
        if let k = list.firstIndex(where: { $0.partition == partition }) {
            list[k].delay = min(list[k].delay, delay)
        } else {
            list.append(CommitSubscriber(partition: Int(partition), delay: delay))
        }
    }

    /// Tells the partitions holding copies of primary `n`'s data of a write it committed.
    mutating func sendCommitAcross(key: UInt32, position: LogPosition, primary n: Int) {
        for subscriber in crossing.commitSubscribers[n] {
            crossing.outbox.send(
                .commit(primary: Int32(n), key: key, position: position, committed: now), to: subscriber.partition,
                at: now + subscriber.delay)
        }
    }

    /// A write committed at primary `p` of another partition, heard of at a window's end:
    /// the mirror learns it, and it leaves for this partition's replicas and caches of `p`,
    /// or waits for the heal of a cut between them and `p` (docs/architecture.md, "Network
    /// cuts in a partitioned run"): the cuts it finds are those of its commit's time, as
    /// commands apply only at barriers, after every commit before them has been heard of.
    mutating func receiveCommit(primary p: Int, key: UInt32, position: LogPosition, committed: SimTime) {
        primaryStates[Int(nodes[p].slot)].store.learn(key, position: position)
        anyWriteCommitted = true
        if crossing.firstCommits[Self.primaryKey(p, key)] == nil { crossing.firstCommits[Self.primaryKey(p, key)] = committed }
        for pool in primaryStates[Int(nodes[p].slot)].replicaPools.map(Int.init) where !crossing.isForeign(Int32(pool)) {
            let k = Int(nodes[pool].slot)
            if partitions.active && holdsReplication(position: position, committed: committed, pool: k, primary: p) {
                continue
            }
            let arrives = committed + replicaPoolStates[k].replicationDelay
            for s in nodes[pool].activeServers where !servers[Int(s)].down {
                let service = replicaPoolStates[k].applySampler.sample(&nodes[pool].serviceRandom)
                if !servers[Int(s)].applyLog.ship(
                    position: position, committed: committed, arrives: arrives, service: service, now: now)
                {
                    startResync(replica: Int(s))
                }
            }
        }
        for c in primaryStates[Int(nodes[p].slot)].caches.map(Int.init) where !crossing.isForeign(Int32(c)) {
            if partitions.active && holdsCacheWrite(key: key, position: position, cache: c, primary: p) { continue }
            let k = Int(nodes[c].slot)
            let arrives = committed + cacheStates[k].writeDelay
            cacheStates[k].inFlight.append(.init(arrives: arrives, key: key, position: position))
            schedule(.cacheWriteArrives(cache: Int32(c)), at: arrives)
        }
    }

    /// Settles the reads of the window just run that the mirror called fresh: stale if their
    /// key was committed at or before them (the window's commits have all arrived now).
    mutating func settleFreshnessChecks() {
        for check in crossing.freshnessChecks {
            if let committed = crossing.firstCommits[Self.primaryKey(Int(check.primary), check.key)],
                committed <= check.time
            {
                nodes[Int(check.node)].counters.staleReads += 1
            }
        }
        crossing.freshnessChecks.removeAll(keepingCapacity: true)
        crossing.firstCommits.removeAll(keepingCapacity: true)
    }

    /// A read of `key` at node `n` that every commit of primary `p` known here calls fresh:
    /// settled at the window's end, when the window's commits have arrived.
    mutating func checkFreshnessLater(node n: Int, primary p: Int, key: UInt32) {
        crossing.freshnessChecks.append(FreshnessCheck(node: Int32(n), primary: Int32(p), key: key, time: now))
    }
}
