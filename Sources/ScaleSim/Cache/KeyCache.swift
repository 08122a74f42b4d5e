/// A key-level cache of bounded capacity with LRU, LFU or FIFO eviction and an optional TTL:
/// the one implementation behind the engine's cache and CDN nodes and `scaletop cache`.
///
/// Keys are ids in `0..<keySpace` (the engine's Zipf ranks, or trace keys numbered by first
/// appearance). Each entry holds a version, so a reader can tell a stale copy, and the time
/// it was stored, for the TTL. Every operation is exact and O(1), except `flush`,
/// `setCapacity` and `setPolicy`, which are linear in the entries they touch.
///
/// Semantics, where a choice had to be made:
/// - An entry expires when its age (`now` minus the time it was stored) reaches the TTL.
///   Expired entries are removed lazily, when a lookup or an update finds them; until then
///   they occupy room and can be evicted like any other.
/// - LRU orders entries by their last insert or hit; FIFO by their insert, ignoring hits; LFU
///   evicts the fewest hits since insertion (the insert counts as one), the least recently
///   used among equals (INTERFACES.md).
/// - Inserting a key that is present replaces the entry as if it were new: new version, TTL
///   clock restarted, newest under every policy (LFU: back to one use). It counts as an
///   insert and evicts nothing. That is what a second miss fill for the same key means.
/// - An update (write-through) touches only a live entry: new version, TTL clock restarted,
///   eviction order unchanged, since a write is not a read.
/// - A capacity of zero keeps nothing: inserts are ignored and not counted.
///
/// Layout: a million entries over ten million keys must take little memory and few cache
/// misses. Entries live in one array of 32-byte slots, so touching an entry reads one cache
/// line; they are chained into doubly linked lists by `Int32` slot number; and a key finds
/// its slot through a dense `[Int32]` table (4 bytes per key) when the key space allows,
/// else a dictionary, which is only ever probed, never iterated, so hashing order cannot
/// change a result. LFU is O(1) with frequency buckets (Shah, Mitra and Matani, 2010): a
/// list of buckets by ascending hit count, each an LRU list of its entries.
public struct KeyCache: Sendable {
    /// The largest capacity: slots are numbered by `Int32`.
    public static let maxCapacity = 1 << 30
    /// Key spaces up to this size get the dense key→slot table (256 MiB at the limit).
    public static let denseIndexLimit = 1 << 26

    /// How many entries the cache holds at most.
    public private(set) var capacity: Int
    /// Which entry a full cache evicts.
    public private(set) var policy: EvictionPolicy
    /// How long an entry lives after it is stored; `nil` is forever.
    public private(set) var ttl: SimTime?
    /// Keys are `0..<keySpace`.
    public let keySpace: Int
    /// Entries held now, expired ones not yet found included.
    public private(set) var count = 0
    /// What the cache has done; the engine may reset them (for example after a warm-up).
    public internal(set) var counters = CacheCounters()

    /// One entry. 32 bytes: a hit reads and writes one cache line of it.
    private struct Slot {
        var storedAt: SimTime
        var key: UInt32
        var version: UInt32
        /// Neighbours in the entry's list (the cache's under LRU and FIFO, its frequency
        /// bucket's under LFU), `none` at the ends. Free slots chain through `older`.
        var newer: Int32
        var older: Int32
        /// Hits since insertion, the insert counting as one, saturating. Kept under every
        /// policy, so a switch to LFU starts from real counts.
        var uses: UInt32
        /// The LFU bucket holding the entry; unused under LRU and FIFO.
        var bucket: Int32
    }

    /// The two ends of a list of slots.
    private struct ListEnds {
        var newest = KeyCache.none
        var oldest = KeyCache.none
    }

    /// The LFU entries with one hit count, in LRU order; buckets chain by ascending count.
    private struct FrequencyBucket {
        var frequency: UInt32
        var lower: Int32
        /// The next bucket up; free buckets chain through it.
        var higher: Int32
        var entries = ListEnds()
    }

    /// The end of a list, a key with no slot.
    private static let none: Int32 = -1

    private var slots: [Slot] = []
    private var freeSlots = none
    /// Recency order under LRU, insertion order under FIFO.
    private var order = ListEnds()
    private var buckets: [FrequencyBucket] = []
    private var freeBuckets = none
    private var lowestBucket = none
    private let usesDenseIndex: Bool
    private var denseIndex: [Int32]
    private var hashedIndex: [UInt32: Int32] = [:]

    /// An empty cache; `ttl` nil means entries never expire.
    public init(capacity: Int, policy: EvictionPolicy, ttl: SimTime? = nil, keySpace: Int) {
        precondition((0...Self.maxCapacity).contains(capacity), "cache capacity \(capacity) outside 0...\(Self.maxCapacity)")
        precondition((0...(1 << 32)).contains(keySpace), "key space \(keySpace) outside 0...2^32")
        precondition((ttl ?? 0) >= 0, "negative TTL")
        self.capacity = capacity
        self.policy = policy
        self.ttl = ttl
        self.keySpace = keySpace
        usesDenseIndex = keySpace <= Self.denseIndexLimit
        denseIndex = usesDenseIndex ? Array(repeating: Self.none, count: keySpace) : []
    }

    // MARK: - Operations

    /// A read: the entry's version on a hit, `nil` on a miss.
    ///
    /// A hit makes the entry the most recently used (LRU) or adds one to its count (LFU);
    /// FIFO ignores it. An entry past its TTL is removed and the lookup is a miss.
    public mutating func lookup(_ key: UInt32, now: SimTime) -> UInt32? {
        let slot = slotIndex(of: key)
        guard slot >= 0 else {
            counters.misses += 1
            return nil
        }
        if let ttl, now - slots[slot].storedAt >= ttl {
            remove(slot)
            counters.expirations += 1
            counters.misses += 1
            return nil
        }
        counters.hits += 1
        if slots[slot].uses < .max { slots[slot].uses += 1 }
        switch policy {
        case .lru:
            if order.newest != Int32(truncatingIfNeeded: slot) {
                Self.unlink(slot, from: &order, in: &slots)
                Self.pushNewest(slot, onto: &order, in: &slots)
            }
        case .lfu:
            promote(slot)
        case .fifo:
            break
        }
        return slots[slot].version
    }

    /// A miss fill: stores `key` at `version`, evicting by the policy when the cache is full.
    ///
    /// A key already present is replaced as if new (see the type's notes).
    public mutating func insert(_ key: UInt32, version: UInt32, now: SimTime) {
        guard capacity > 0 else { return }
        counters.inserts += 1
        var slot = slotIndex(of: key)
        if slot >= 0 {
            detach(slot)
        } else {
            if count == capacity { evictOne() }
            slot = takeFreeSlot()
            setSlot(Int32(truncatingIfNeeded: slot), for: key)
            count += 1
        }
        slots[slot] = Slot(storedAt: now, key: key, version: version, newer: Self.none, older: Self.none, uses: 1, bucket: Self.none)
        attachAsNew(slot)
    }

    /// Cache-aside invalidation: removes `key`; true if it was present.
    @discardableResult
    public mutating func invalidate(_ key: UInt32) -> Bool {
        let slot = slotIndex(of: key)
        guard slot >= 0 else { return false }
        remove(slot)
        counters.invalidations += 1
        return true
    }

    /// Write-through: gives a live entry for `key` the new version and restarts its TTL
    /// clock; true if there was one. An expired entry is removed instead.
    @discardableResult
    public mutating func update(_ key: UInt32, version: UInt32, now: SimTime) -> Bool {
        let slot = slotIndex(of: key)
        guard slot >= 0 else { return false }
        if let ttl, now - slots[slot].storedAt >= ttl {
            remove(slot)
            counters.expirations += 1
            return false
        }
        slots[slot].version = version
        slots[slot].storedAt = now
        return true
    }

    /// Empties the cache at once; nothing is counted. Linear in the slots ever used.
    public mutating func flush() {
        if usesDenseIndex {
            // Free slots keep their old key, which may since live in another slot.
            for slot in slots.indices where denseIndex[Int(slots[slot].key)] == Int32(truncatingIfNeeded: slot) {
                denseIndex[Int(slots[slot].key)] = Self.none
            }
        } else {
            hashedIndex.removeAll(keepingCapacity: true)
        }
        slots.removeAll(keepingCapacity: true)
        freeSlots = Self.none
        order = ListEnds()
        buckets.removeAll(keepingCapacity: true)
        freeBuckets = Self.none
        lowestBucket = Self.none
        count = 0
    }

    /// Changes the capacity, evicting by the policy (and counting it) down to the new one.
    public mutating func setCapacity(_ newCapacity: Int) {
        precondition((0...Self.maxCapacity).contains(newCapacity), "cache capacity \(newCapacity) outside 0...\(Self.maxCapacity)")
        capacity = newCapacity
        while count > capacity { evictOne() }
    }

    /// Changes the TTL; entries keep the time they were stored, so the new TTL applies to
    /// their age at once.
    public mutating func setTTL(_ newTTL: SimTime?) {
        precondition((newTTL ?? 0) >= 0, "negative TTL")
        ttl = newTTL
    }

    /// Changes the eviction policy, keeping every entry and rebuilding the order:
    /// - to LRU, the current eviction order becomes the recency order (from FIFO, insertion
    ///   order; from LFU, the least valued entries are the first to go);
    /// - to FIFO, entries are ordered by the time they were stored (or last written);
    /// - to LFU, by their real hit counts, ties in the current eviction order (exact from LRU).
    public mutating func setPolicy(_ newPolicy: EvictionPolicy) {
        guard newPolicy != policy else { return }
        let current = slotsInEvictionOrder()
        let positions = Array(current.indices)
        let rebuilt: [Int32] = switch newPolicy {
        case .lru: current
        case .fifo: positions.sorted { (slots[Int(current[$0])].storedAt, $0) < (slots[Int(current[$1])].storedAt, $1) }.map { current[$0] }
        case .lfu: positions.sorted { (slots[Int(current[$0])].uses, $0) < (slots[Int(current[$1])].uses, $1) }.map { current[$0] }
        }
        policy = newPolicy
        order = ListEnds()
        buckets.removeAll(keepingCapacity: true)
        freeBuckets = Self.none
        lowestBucket = Self.none
        var top = Self.none
        for link in rebuilt {
            let slot = Int(link)
            guard newPolicy == .lfu else {
                Self.pushNewest(slot, onto: &order, in: &slots)
                continue
            }
            let uses = slots[slot].uses
            if top == Self.none || buckets[Int(top)].frequency != uses {
                top = Int32(truncatingIfNeeded: makeBucket(frequency: uses, above: top))
            }
            Self.pushNewest(slot, onto: &buckets[Int(top)].entries, in: &slots)
            slots[slot].bucket = top
        }
    }

    // MARK: - Index

    /// The slot holding `key`, or `none`.
    @inline(__always)
    private func slotIndex(of key: UInt32) -> Int {
        precondition(UInt64(key) < UInt64(keySpace), "key \(key) outside the key space 0..<\(keySpace)")
        if usesDenseIndex { return Int(denseIndex[Int(key)]) }
        return Int(hashedIndex[key] ?? Self.none)
    }

    private mutating func setSlot(_ slot: Int32, for key: UInt32) {
        if usesDenseIndex {
            denseIndex[Int(key)] = slot
        } else {
            hashedIndex[key] = slot == Self.none ? nil : slot
        }
    }

    // MARK: - Slots

    /// A slot for a new entry: the last one freed (warm in the CPU cache), else a new one.
    private mutating func takeFreeSlot() -> Int {
        if freeSlots != Self.none {
            let slot = Int(freeSlots)
            freeSlots = slots[slot].older
            return slot
        }
        slots.append(Slot(storedAt: 0, key: 0, version: 0, newer: Self.none, older: Self.none, uses: 0, bucket: Self.none))
        return slots.count - 1
    }

    /// Takes the entry in `slot` out of the cache and frees the slot.
    private mutating func remove(_ slot: Int) {
        detach(slot)
        setSlot(Self.none, for: slots[slot].key)
        slots[slot].older = freeSlots
        freeSlots = Int32(truncatingIfNeeded: slot)
        count -= 1
    }

    /// Removes the entry the policy picks, and counts the eviction.
    private mutating func evictOne() {
        let victim = policy == .lfu ? buckets[Int(lowestBucket)].entries.oldest : order.oldest
        remove(Int(victim))
        counters.evictions += 1
    }

    /// Entries from the next to be evicted to the last.
    private func slotsInEvictionOrder() -> [Int32] {
        var result: [Int32] = []
        result.reserveCapacity(count)
        func appendList(_ list: ListEnds) {
            var slot = list.oldest
            while slot != Self.none {
                result.append(slot)
                slot = slots[Int(slot)].newer
            }
        }
        if policy == .lfu {
            var bucket = lowestBucket
            while bucket != Self.none {
                appendList(buckets[Int(bucket)].entries)
                bucket = buckets[Int(bucket)].higher
            }
        } else {
            appendList(order)
        }
        return result
    }

    // MARK: - Eviction order

    /// Unlinks a slot from the policy's structure (LFU: dropping a bucket left empty).
    private mutating func detach(_ slot: Int) {
        guard policy == .lfu else {
            Self.unlink(slot, from: &order, in: &slots)
            return
        }
        let bucket = Int(slots[slot].bucket)
        Self.unlink(slot, from: &buckets[bucket].entries, in: &slots)
        if buckets[bucket].entries.newest == Self.none { removeBucket(bucket) }
    }

    /// Links a just-stored entry in as the newest (LFU: of the one-use bucket).
    private mutating func attachAsNew(_ slot: Int) {
        guard policy == .lfu else {
            Self.pushNewest(slot, onto: &order, in: &slots)
            return
        }
        var bucket = lowestBucket
        if bucket == Self.none || buckets[Int(bucket)].frequency != 1 {
            bucket = Int32(truncatingIfNeeded: makeBucket(frequency: 1, above: Self.none))
        }
        Self.pushNewest(slot, onto: &buckets[Int(bucket)].entries, in: &slots)
        slots[slot].bucket = bucket
    }

    /// LFU hit: moves the entry to the bucket one count up, as its most recently used.
    private mutating func promote(_ slot: Int) {
        let bucket = Int(slots[slot].bucket)
        let frequency = buckets[bucket].frequency
        guard frequency < .max else {
            // Saturated: the count stays, only recency changes.
            Self.unlink(slot, from: &buckets[bucket].entries, in: &slots)
            Self.pushNewest(slot, onto: &buckets[bucket].entries, in: &slots)
            return
        }
        let higher = buckets[bucket].higher
        let higherFits = higher != Self.none && buckets[Int(higher)].frequency == frequency + 1
        let alone = buckets[bucket].entries.newest == buckets[bucket].entries.oldest
        if alone && !higherFits {
            // Its own bucket can take the next count without passing any other.
            buckets[bucket].frequency = frequency + 1
            return
        }
        Self.unlink(slot, from: &buckets[bucket].entries, in: &slots)
        let target = higherFits ? Int(higher) : makeBucket(frequency: frequency + 1, above: Int32(truncatingIfNeeded: bucket))
        Self.pushNewest(slot, onto: &buckets[target].entries, in: &slots)
        slots[slot].bucket = Int32(truncatingIfNeeded: target)
        if alone { removeBucket(bucket) }
    }

    /// A new empty bucket just above `lower` (at the bottom when `lower` is `none`).
    private mutating func makeBucket(frequency: UInt32, above lower: Int32) -> Int {
        let higher = lower == Self.none ? lowestBucket : buckets[Int(lower)].higher
        let fresh = FrequencyBucket(frequency: frequency, lower: lower, higher: higher)
        let bucket: Int
        if freeBuckets != Self.none {
            bucket = Int(freeBuckets)
            freeBuckets = buckets[bucket].higher
            buckets[bucket] = fresh
        } else {
            bucket = buckets.count
            buckets.append(fresh)
        }
        let link = Int32(truncatingIfNeeded: bucket)
        if lower == Self.none { lowestBucket = link } else { buckets[Int(lower)].higher = link }
        if higher != Self.none { buckets[Int(higher)].lower = link }
        return bucket
    }

    private mutating func removeBucket(_ bucket: Int) {
        let lower = buckets[bucket].lower
        let higher = buckets[bucket].higher
        if lower == Self.none { lowestBucket = higher } else { buckets[Int(lower)].higher = higher }
        if higher != Self.none { buckets[Int(higher)].lower = lower }
        buckets[bucket].higher = freeBuckets
        freeBuckets = Int32(truncatingIfNeeded: bucket)
    }

    // MARK: - Lists

    private static func pushNewest(_ slot: Int, onto list: inout ListEnds, in slots: inout [Slot]) {
        let link = Int32(truncatingIfNeeded: slot)
        slots[slot].newer = none
        slots[slot].older = list.newest
        if list.newest == none { list.oldest = link } else { slots[Int(list.newest)].newer = link }
        list.newest = link
    }

    private static func unlink(_ slot: Int, from list: inout ListEnds, in slots: inout [Slot]) {
        let newer = slots[slot].newer
        let older = slots[slot].older
        if newer == none { list.newest = older } else { slots[Int(newer)].older = older }
        if older == none { list.oldest = newer } else { slots[Int(older)].newer = newer }
    }
}
