/// Which entry a full cache evicts to make room.
public enum EvictionPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// The least recently used entry.
    case lru
    /// The entry with the fewest hits since it was inserted (the insert counts as one); ties
    /// go to the least recently used.
    case lfu
    /// The oldest inserted entry, whatever its use.
    case fifo
}

/// How a cache stays in step with writes to the data behind it.
public enum WritePolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Cache-aside: a write deletes the key from the cache; the next read misses and refills.
    case invalidate
    /// A write updates the cached value as it commits.
    case writeThrough = "write_through"
    /// Writes leave the cache alone; entries only leave by TTL or eviction (stale reads).
    case ttlOnly = "ttl_only"
}
