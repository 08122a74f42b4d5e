import CPrefetch

/// The cache operations to come whose memory is loading, one stage further each time a
/// request reaches a cache.
///
/// A lookup in a big cache, or an invalidation, reads three lines, each found through the
/// one before: the key's index entry, its entry (slot), and the neighbours the entry is
/// unlinked from. They cannot be prefetched together, and the first alone left the other
/// two as DRAM misses: two thirds of a lookup's time, and a third of an invalidation's, on
/// ten-million-users. So each request reaching a cache starts its own index entry loading,
/// reads the index entry of the operation two before it (loaded by now, so without a
/// wait) to start its entry loading, and the entry of the one two before that to start
/// its neighbours loading. The lookup, at the end of a service time hundreds of events
/// later, finds all three lines in the CPU's cache. Writes join the same stages: at the
/// primary, for the caches its commit invalidates at once; on their way to a far cache,
/// two writes ahead of their delivery (docs/architecture.md, "Hot-path storage").
///
/// Two steps a stage rather than one measured 5% faster on twenty-million-users, whose
/// lines take longer to come in: a stage read one step after its hint waited for it.
///
/// Hints only: a stage reads what the cache holds now, and a cache changed in between
/// (an entry evicted, the cache resized or gone) makes the hint useless, never wrong.
struct LookupPrefetch: Sendable {
    /// An operation whose index entry is loading: the cache (its place in `cacheStates`,
    /// -1 for none) and the key.
    typealias IndexLoading = (cache: Int32, key: UInt32)
    /// An operation whose entry is loading: the cache and the entry (-1 for none).
    typealias EntryLoading = (cache: Int32, entry: Int32)

    /// The last operation, and the one before it.
    var indexLoading: (last: IndexLoading, before: IndexLoading) = ((-1, 0), (-1, 0))
    /// The two operations before those, whose entries are loading, the later first.
    var entryLoading: (last: EntryLoading, before: EntryLoading) = ((-1, -1), (-1, -1))
}

extension Engine {
    /// `key` will be looked up, invalidated or updated soon in the cache at
    /// `cacheStates[k]`: starts its index entry loading, and takes the operations two and
    /// four before it a stage further (see `LookupPrefetch`).
    @inline(__always)
    mutating func prefetchLookups(cache k: Int, key: UInt32) {
        let entry = lookupPrefetch.entryLoading.before
        if entry.cache >= 0 && Int(entry.cache) < cacheStates.count,
            let neighbours = cacheStates[Int(entry.cache)].cache.neighbourAddresses(ofEntry: entry.entry)
        {
            prefetchForWrite(neighbours.newer)
            prefetchForWrite(neighbours.older)
        }
        let index = lookupPrefetch.indexLoading.before
        var loading: LookupPrefetch.EntryLoading = (-1, -1)
        if index.cache >= 0 && Int(index.cache) < cacheStates.count,
            let found = cacheStates[Int(index.cache)].cache.entryAddress(of: index.key)
        {
            prefetchForWrite(found.address)
            loading = (index.cache, found.entry)
        }
        lookupPrefetch.entryLoading = (loading, lookupPrefetch.entryLoading.last)
        cacheStates[k].cache.prefetch(key)
        lookupPrefetch.indexLoading = ((Int32(k), key), lookupPrefetch.indexLoading.last)
    }

    /// Write request `i` reached primary `n`: the entries its commit will invalidate or
    /// update at once, in the caches of the primary's data center, start loading. A cache
    /// further away gets the write later, and loads its entry then (`deliverArrivedWrites`).
    @inline(__always)
    mutating func prefetchWrittenEntries(of i: Int, primary n: Int) {
        guard let p = primarySlot(n) else { return }
        let caches = primaryStates[p].caches.count
        guard caches > 0 else { return }
        let key = self.key(of: i)
        for j in 0..<caches {
            let c = Int(primaryStates[p].caches[j])
            let k = Int(nodes[c].slot)
            guard k >= 0, cacheStates[k].writeDelay == 0, cacheStates[k].writePolicy != .ttlOnly else { continue }
            if crossing.isPartitioned && crossing.isForeign(Int32(c)) { continue }
            prefetchLookups(cache: k, key: key)
        }
    }
}
