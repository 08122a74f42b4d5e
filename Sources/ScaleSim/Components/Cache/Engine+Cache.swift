/// A key-level cache's runtime (a cache node or a CDN edge): its store, how its primary's
/// writes reach it, and its counters at the last window and at the end of the warm-up.
struct CacheState: Sendable {
    var node: Int32
    var cache: KeyCache
    var writePolicy: WritePolicy
    /// Whether misses for a key already being read wait for that read (Engine+Coalescing).
    var coalesce: Bool
    /// The reads in flight for this cache's misses, by key, while coalescing (or until
    /// those begun before it was turned off come back).
    var fills: [UInt32: CoalescedFill] = [:]
    /// The primary whose data a cache holds (its misses lead there, directly or through a
    /// replica pool), or -1; a CDN edge holds none.
    var source: Int32 = -1
    /// How long the source's writes take to get here: the latency between their data
    /// centers (Engine+RemoteWrites.swift), and those on their way.
    var writeDelay: SimTime = 0
    var inFlight = WritesInFlight()
    var atTick = CacheCounters()
    var atStatsStart = CacheCounters()

    init(node: Int32, cache spec: CacheSpec, keySpace: Int) {
        self.node = node
        cache = KeyCache(capacity: spec.entries, policy: spec.eviction, ttl: spec.ttl, keySpace: keySpace)
        writePolicy = spec.writePolicy
        coalesce = spec.coalesce
    }
}

/// The cache's room: read lookups, fills, the effect of writes, and its figures.
extension Engine {
    /// A cache lookup for a read: a hit answers (stale if older than the latest write), a
    /// miss goes on and fills the cache when its read returns.
    mutating func lookUp(_ r: Int32, cache n: Int) {
        let i = Int(r)
        let key = self.key(of: i)
        if let k = cacheSlot(n), let version = cacheStates[k].cache.lookup(key, now: now) {
            let p = Int(cacheStates[k].source)
            // A cache holds versions that were current once, never newer: stale means changed.
            if p >= 0 && version != CachedVersion(truncatingIfNeeded: latestVersion(primary: p, key: key)) {
                nodes[n].counters.staleReads += 1
            } else if p >= 0 && crossing.isPartitioned && crossing.isForeign(Int32(p)) {
                // A primary in another partition may have committed the key since its last window.
                checkFreshnessLater(node: n, primary: p, key: key)
            }
            leave(r, node: Int32(n), by: .hit)
        } else if let k = cacheSlot(n), joinFill(r, key: key, cache: n, slot: k) {
            return
        } else {
            requests.slots[i].fillCache = Int32(n)
            leave(r, node: Int32(n), by: .miss)
        }
    }

    /// Fills the cache that missed on this read with the version the read returned.
    mutating func fillWaitingCache(_ r: Int32) {
        let i = Int(r)
        let c = Int(requests.slots[i].fillCache)
        guard c >= 0 else { return }
        if crossing.isPartitioned && crossing.isForeign(Int32(c)) {
            sendFillAcross(r, cache: c)
        } else if let k = cacheSlot(c) {
            let key = self.key(of: i)
            cacheStates[k].cache.insert(key, version: requests.slots[i].version, now: now)
            if !cacheStates[k].fills.isEmpty { answerWaiters(of: r, cache: c, slot: k) }
        }
        requests.slots[i].fillCache = -1
    }

    /// A write of `key` committed at primary `n` as `position` reaches the caches of its data
    /// by their write policy.
    mutating func writeReachesCaches(key: UInt32, position: LogPosition, primary n: Int) {
        let caches = primaryStates[Int(nodes[n].slot)].caches
        // Each cache's entry for the key is a likely DRAM miss: start them all at once.
        for c in caches { cacheStates[Int(nodes[Int(c)].slot)].cache.prefetch(key) }
        for c in caches where !crossing.isPartitioned || !crossing.isForeign(c) {
            sendWrite(toCache: Int(c), key: key, position: position, primary: n)
        }
    }

    /// A write of `key` committed at primary `n` as `position` reaches cache `c` by its
    /// write policy.
    @inline(__always)
    mutating func writeReachesCache(_ c: Int, key: UInt32, position: LogPosition, primary n: Int) {
        let k = Int(nodes[c].slot)
        switch cacheStates[k].writePolicy {
        case .invalidate:
            _ = cacheStates[k].cache.invalidate(key)
            links.count(from: Int32(n), to: c, slot: LinkCounters.invalidationSlot)
        case .writeThrough:
            cacheStates[k].cache.update(key, version: CachedVersion(truncatingIfNeeded: position), now: now)
            links.count(from: Int32(n), to: c, slot: LinkCounters.writeThroughSlot)
        case .ttlOnly: break
        }
    }

    /// Takes node `n`'s cache settings from its spec, touching only what changed.
    ///
    /// Another partition's cache keeps its one-entry placeholder (Parallel/
    /// EnginePartition.swift): nothing reads it here, and its capacity would cost the whole
    /// cache's memory in every partition. It takes the rest, which costs nothing.
    mutating func reconcileCache(node n: Int) {
        guard let k = cacheSlot(n), let spec = spec.nodes[n].effectiveCache else { return }
        if crossing.simulates(n) && cacheStates[k].cache.capacity != spec.entries {
            cacheStates[k].cache.setCapacity(spec.entries)
        }
        if cacheStates[k].cache.policy != spec.eviction { cacheStates[k].cache.setPolicy(spec.eviction) }
        if cacheStates[k].cache.ttl != spec.ttl { cacheStates[k].cache.setTTL(spec.ttl) }
        cacheStates[k].writePolicy = spec.writePolicy
        cacheStates[k].coalesce = spec.coalesce
    }

    /// Node `n`'s hit ratio since the last window, for a cache or CDN edge.
    func cacheHitRatio(node n: Int) -> Double? {
        cacheSlot(n).flatMap { (cacheStates[$0].cache.counters - cacheStates[$0].atTick).hitRatio }
    }
}

// MARK: Commands

extension Engine {
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

    /// Takes cache `n` away: what was sent to it goes where its misses went, as before
    /// `add cache`.
    mutating func removeCache(_ n: Int) -> CommandResult {
        let id = spec.nodes[n].id
        guard nodes[n].kind == .cache else {
            let edge = nodes[n].kind == .cdn ? ": a CDN edge goes with remove cdn REGION" : ""
            return .refused("\(id) is not a cache\(edge)")
        }
        let targets = Set(spec.nodes[n].routes.map(\.to)).sorted()
        guard targets.count == 1, let behind = targets.first else {
            let said = targets.isEmpty ? "it has no route for its misses" : "it sends to \(targets.joined(separator: ", "))"
            return .refused("\(id) has no one node behind it (\(said)): its reads would have nowhere to go")
        }
        redirect(from: id, to: behind)
        removeNodes([n], successors: nodeIndex[behind].map { [n: Int($0)] } ?? [:])
        return .applied
    }
}
