/// What a cache entry keeps of its data's version: the low 32 bits of the primary's log
/// position, so that an entry fits 32 bytes.
///
/// A cached version was current once and is never newer than the latest, so a different
/// low half means a newer write; only exactly a multiple of 2^32 writes of the key between
/// would look fresh.
public typealias CachedVersion = UInt32

/// A key-level cache of bounded capacity with LRU, LFU or FIFO eviction and an optional TTL:
/// the one implementation behind the engine's cache and CDN nodes and `scaletop cache`.
///
/// Keys are ids in `0..<keySpace` (the engine's Zipf ranks, or trace keys numbered by first
/// appearance). Each entry holds a version, so a reader can tell a stale copy, and the time
/// it was stored, for the TTL. Every operation is exact and O(1), except `flush`,
/// `setCapacity` and `setPolicy`, which are linear in the entries they touch (`setPolicy`
/// sorts them).
///
/// Semantics, where a choice had to be made:
/// - An entry expires when its age (`now` minus the time it was stored) reaches the TTL.
///   Expired entries are removed lazily, when a lookup or an update finds them; until then
///   they take room and can be evicted like any other.
/// - LRU orders entries by their last insert or hit; FIFO by their insert, ignoring hits; LFU
///   evicts the fewest hits since insertion (the insert counts as one), the least recently
///   used among equals (docs/presets.md, Caches).
/// - Inserting a key that is present replaces the entry as if it were new: new version, TTL
///   clock restarted, newest under every policy (LFU: back to one use). It counts as an
///   insert and evicts nothing. That is what a second miss fill for the same key means.
/// - An update (write-through) touches only a live entry: new version, TTL clock restarted,
///   eviction order unchanged, since a write is not a read.
/// - A capacity of zero keeps nothing: inserts are ignored and not counted.
///
/// The cache is a value: copies are independent (the storage is copied on the first write
/// to a shared one). See `KeyCacheStorage` for the memory layout.
public struct KeyCache: Sendable {
    /// The largest capacity: slots are numbered by `Int32`.
    public static let maxCapacity = 1 << 30
    /// Key spaces up to this size can get the dense key→slot table (4 bytes per key, 256 MiB
    /// at the limit); larger ones a dictionary.
    public static let denseIndexLimit = 1 << 26
    /// A cache gets the dense table only when the key space is at most this many times its
    /// capacity, so a small cache over a huge key space costs no more than its entries.
    public static let denseIndexRatio = 16

    /// Whether a cache of `capacity` entries over `keySpace` keys finds keys through the
    /// dense table (fast, 4 bytes per key) rather than a dictionary (only the keys held).
    public static func usesDenseIndex(capacity: Int, keySpace: Int) -> Bool {
        keySpace <= denseIndexLimit && keySpace <= capacity.multipliedReportingOverflow(by: denseIndexRatio).partialValue
    }

    /// The most bytes a cache of `capacity` entries over `keySpace` keys takes once full:
    /// a 32-byte slot per entry, plus the dense table or about 24 bytes of dictionary per entry.
    public static func memoryBound(capacity: Int, keySpace: Int) -> Int {
        let entries = min(capacity, keySpace)
        return usesDenseIndex(capacity: capacity, keySpace: keySpace) ? 32 * entries + 4 * keySpace : 56 * entries
    }

    private var storage: KeyCacheStorage

    /// An empty cache for keys `0..<keySpace`; a `ttl` of `nil` means entries never expire.
    public init(capacity: Int, policy: EvictionPolicy, ttl: SimTime? = nil, keySpace: Int) {
        precondition((0...Self.maxCapacity).contains(capacity), "cache capacity \(capacity) outside 0...\(Self.maxCapacity)")
        precondition((0...(1 << 32)).contains(keySpace), "key space \(keySpace) outside 0...2^32")
        precondition((ttl ?? 0) >= 0, "negative TTL")
        storage = KeyCacheStorage(
            capacity: capacity, policy: policy, ttl: ttl, keySpace: keySpace,
            denseIndex: Self.usesDenseIndex(capacity: capacity, keySpace: keySpace))
    }

    /// How many entries the cache holds at most.
    public var capacity: Int { storage.capacity }
    /// Which entry a full cache evicts.
    public var policy: EvictionPolicy { storage.policy }
    /// How long an entry lives after it is stored; `nil` is forever.
    public var ttl: SimTime? { storage.ttl }
    /// Keys are `0..<keySpace`.
    public var keySpace: Int { storage.keySpace }
    /// Entries held now, expired ones not yet found included.
    public var count: Int { storage.count }
    /// What the cache has done since it was made.
    public var counters: CacheCounters { storage.counters }

    /// A read: the entry's version on a hit, `nil` on a miss.
    ///
    /// A hit makes the entry the most recently used (LRU) or adds one to its count (LFU);
    /// FIFO ignores it. An entry past its TTL is removed and the lookup is a miss.
    public mutating func lookup(_ key: UInt32, now: SimTime) -> CachedVersion? {
        makeStorageUnique()
        return storage.lookup(key, now: now)
    }

    /// A miss fill: stores `key` at `version`, evicting by the policy when the cache is full.
    ///
    /// A key already present is replaced as if new (see the type's notes).
    public mutating func insert(_ key: UInt32, version: CachedVersion, now: SimTime) {
        makeStorageUnique()
        storage.insert(key, version: version, now: now)
    }

    /// Cache-aside invalidation: removes `key`; true if it was present.
    @discardableResult
    public mutating func invalidate(_ key: UInt32) -> Bool {
        makeStorageUnique()
        return storage.invalidate(key)
    }

    /// Write-through: gives a live entry for `key` the new version and restarts its TTL
    /// clock; true if there was one. An expired entry is removed (an expiration) instead.
    @discardableResult
    public mutating func update(_ key: UInt32, version: CachedVersion, now: SimTime) -> Bool {
        makeStorageUnique()
        return storage.update(key, version: version, now: now)
    }

    /// Counts a miss that waited for another request's read of its key (request coalescing).
    public mutating func countCoalesced() {
        makeStorageUnique()
        storage.countCoalesced()
    }

    /// Empties the cache at once; nothing is counted.
    public mutating func flush() {
        makeStorageUnique()
        storage.flush()
    }

    /// Changes the capacity, evicting by the policy (and counting it) down to the new one.
    public mutating func setCapacity(_ newCapacity: Int) {
        precondition(
            (0...Self.maxCapacity).contains(newCapacity), "cache capacity \(newCapacity) outside 0...\(Self.maxCapacity)")
        makeStorageUnique()
        storage.setCapacity(newCapacity)
    }

    /// Changes the TTL; entries keep the time they were stored, so the new TTL applies to
    /// their age at once.
    public mutating func setTTL(_ newTTL: SimTime?) {
        precondition((newTTL ?? 0) >= 0, "negative TTL")
        makeStorageUnique()
        storage.setTTL(newTTL)
    }

    /// Changes the eviction policy, keeping every entry and rebuilding the order:
    /// - to LRU, the current eviction order becomes the recency order (from FIFO, insertion
    ///   order; from LFU, the least valued entries are the first to go);
    /// - to FIFO, entries are ordered by the time they were stored (or last written);
    /// - to LFU, by their real hit counts (kept under every policy), ties in the current
    ///   eviction order, which is exact from LRU.
    public mutating func setPolicy(_ newPolicy: EvictionPolicy) {
        makeStorageUnique()
        storage.setPolicy(newPolicy)
    }

    /// Plays requests through the cache as a read-through cache sees them: a read is a
    /// lookup, and a miss inserts the key at version 0; a write (where `writes` says so)
    /// invalidates the key, cache-aside. `times`, one per key, are the requests' times for
    /// the TTL; without them every request happens at time 0.
    ///
    /// The same operations as calling `lookup`, `insert` and `invalidate` in turn, in one
    /// loop where they are inlined: `scaletop cache` and `scaletop bench cache` use it, and
    /// it runs about half as fast again as calls made one by one from another module.
    public mutating func replay(keys: ArraySlice<UInt32>, times: ArraySlice<SimTime>? = nil, writes: ArraySlice<Bool>? = nil) {
        precondition(times.map { $0.count == keys.count } ?? true, "one time per key")
        precondition(writes.map { $0.count == keys.count } ?? true, "one read/write flag per key")
        makeStorageUnique()
        storage.replay(keys: keys, times: times, writes: writes)
    }

    /// Starts loading the memory where `key` is looked up, without waiting, so that an
    /// operation on `key` soon after finds it in the CPU cache: a hint that changes nothing.
    @inline(__always)
    public func prefetch(_ key: UInt32) {
        storage.prefetchIndexEntry(of: key)
    }

    /// Where `key`'s entry is, and its place for `neighbourAddresses(ofEntry:)`, read from
    /// the index entry that `prefetch(_:)` loaded earlier; nil when absent. For prefetch
    /// hints (`LookupPrefetch`): it changes nothing.
    @inline(__always)
    func entryAddress(of key: UInt32) -> (entry: Int32, address: UnsafeRawPointer)? {
        storage.slotAddress(of: key).map { ($0.slot, $0.address) }
    }

    /// Where the entries a hit on `entry` (from `entryAddress(of:)`) unlinks it from are,
    /// read from the entry. For prefetch hints: it changes nothing.
    @inline(__always)
    func neighbourAddresses(ofEntry entry: Int32) -> (newer: UnsafeRawPointer, older: UnsafeRawPointer)? {
        storage.neighbourAddresses(ofSlot: entry)
    }

    /// Every key held, the next to be evicted first (for tests: linear in the entries).
    func keysInEvictionOrder() -> [UInt32] {
        storage.keysInEvictionOrder()
    }

    /// Gives this value its own storage before a write, if a copy shares it: every write
    /// does it, and a benchmark calls it to copy before its clock starts.
    @inline(__always)
    public mutating func makeStorageUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }
}
