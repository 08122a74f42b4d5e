/// What a `KeyCache` has done since it was made.
///
/// Every lookup is either a hit or a miss; every entry that leaves the cache other than by
/// `flush` is counted once, by why it left.
public struct CacheCounters: Sendable, Hashable {
    /// Lookups that found a live entry.
    public var hits = 0
    /// Lookups that found none, an expired entry included.
    public var misses = 0
    /// Entries removed to make room: by an insert into a full cache or a smaller capacity.
    public var evictions = 0
    /// Entries found past their TTL by a lookup or an update, and removed.
    public var expirations = 0
    /// Entries removed by `invalidate`.
    public var invalidations = 0
    /// Inserts that stored an entry, refreshes of a present key included.
    public var inserts = 0
    /// Misses that waited for another request's read of the same key instead of going on
    /// (request coalescing); counted among the misses too.
    public var coalesced = 0

    public init() {}

    /// What happened between two readings of the same cache, `earlier` then `later`.
    public static func - (later: CacheCounters, earlier: CacheCounters) -> CacheCounters {
        var difference = CacheCounters()
        difference.hits = later.hits - earlier.hits
        difference.misses = later.misses - earlier.misses
        difference.evictions = later.evictions - earlier.evictions
        difference.expirations = later.expirations - earlier.expirations
        difference.invalidations = later.invalidations - earlier.invalidations
        difference.inserts = later.inserts - earlier.inserts
        difference.coalesced = later.coalesced - earlier.coalesced
        return difference
    }

    /// Hits over lookups, or `nil` before the first lookup.
    public var hitRatio: Double? {
        let lookups = hits + misses
        return lookups == 0 ? nil : Double(hits) / Double(lookups)
    }
}
