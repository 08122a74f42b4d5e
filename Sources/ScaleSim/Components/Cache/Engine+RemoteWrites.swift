/// The writes a primary has shipped to a cache in another data center, not arrived yet.
///
/// They travel the one-way latency between the two data centers (`dc_latency`,
/// docs/presets.md) and arrive in the order they were committed, as on one connection; until
/// one arrives, the far cache still answers the old version, a stale read.
struct WritesInFlight: Sendable {
    /// A committed write on its way: when it arrives, and what it writes.
    struct Write: Sendable {
        var arrives: SimTime
        var key: UInt32
        var position: LogPosition
    }

    private var writes: [Write] = []
    private var head = 0

    var count: Int { writes.count - head }

    mutating func append(_ write: Write) { writes.append(write) }

    /// The key of the write `ahead` places after the oldest, if that many are on their way.
    func key(ahead: Int) -> UInt32? {
        head + ahead < writes.count ? writes[head + ahead].key : nil
    }

    /// Removes and returns the oldest write if it has arrived by `now`; a later write never
    /// overtakes it.
    mutating func popArrived(by now: SimTime) -> Write? {
        guard head < writes.count, writes[head].arrives <= now else { return nil }
        let write = writes[head]
        head += 1
        // Reclaims the delivered prefix once it is half the storage, so memory follows the
        // writes in flight, not the writes ever shipped.
        if head == writes.count {
            writes.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1_024 && head * 2 >= writes.count {
            writes.removeFirst(head)
            head = 0
        }
        return write
    }
}

extension Engine {
    /// A write of `key` committed at primary `n` as `position` leaves for cache `c`: it
    /// takes effect now in the primary's data center, and after the latency between the two
    /// data centers in another.
    @inline(__always)
    mutating func sendWrite(toCache c: Int, key: UInt32, position: LogPosition, primary n: Int) {
        let k = Int(nodes[c].slot)
        let delay = cacheStates[k].writeDelay
        guard delay > 0 else {
            writeReachesCache(c, key: key, position: position, primary: n)
            return
        }
        cacheStates[k].inFlight.append(.init(arrives: now + delay, key: key, position: position))
        schedule(.cacheWriteArrives(cache: Int32(c)), after: delay)
    }

    /// Delivers the writes on their way to cache `c` that have arrived, in commit order.
    mutating func deliverArrivedWrites(cache c: Int) {
        guard let k = cacheSlot(c) else { return }
        while let write = cacheStates[k].inFlight.popArrived(by: now) {
            // The write two behind this one starts its entry loading (`LookupPrefetch`).
            if let key = cacheStates[k].inFlight.key(ahead: 1) { prefetchLookups(cache: k, key: key) }
            // A cache whose primary went away (its routes changed) drops what was on its way.
            let p = cacheStates[k].source
            if p >= 0 { writeReachesCache(c, key: write.key, position: write.position, primary: Int(p)) }
        }
    }

    /// The writes on their way to cache `n` from its primary in another data center; nil
    /// for a cache whose writes arrive at once.
    func remoteWrites(toCache n: Int) -> RemoteWrites? {
        guard let k = cacheSlot(n), cacheStates[k].writeDelay > 0, cacheStates[k].source >= 0 else { return nil }
        return RemoteWrites(
            primary: spec.nodes[Int(cacheStates[k].source)].id, delay: cacheStates[k].writeDelay,
            inFlight: cacheStates[k].inFlight.count)
    }

    /// Sets how long a primary's writes take to reach each of its caches: the latency
    /// between their data centers, 0 within one (or with no `dc_latency`).
    mutating func linkWriteDelays() {
        for k in cacheStates.indices {
            let c = Int(cacheStates[k].node)
            let p = Int(cacheStates[k].source)
            cacheStates[k].writeDelay = p >= 0 ? datacenterLatency(from: nodes[p].dc, to: nodes[c].dc) : 0
        }
    }
}
