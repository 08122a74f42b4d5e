import CPrefetch

/// The memory and algorithms of a `KeyCache`, laid out so that a million entries over ten
/// million keys cost few DRAM misses per request and little memory.
///
/// - Entries live in 32-byte slots, 64-byte aligned, so touching an entry reads one cache
///   line. Slots chain into doubly linked lists by `Int32` slot number.
/// - Lists hang from buckets. Under LRU and FIFO there is one bucket, in recency or
///   insertion order; under LFU one per hit count present (Shah, Mitra and Matani, 2010),
///   chained by ascending count, each in LRU order. Either way the next victim is the
///   oldest entry of the lowest bucket.
/// - A key finds its slot through a dense table of `Int32`, one per key (`none` when
///   absent), when the key space is at most `KeyCache.denseIndexLimit`; else through a
///   dictionary, only ever probed, never iterated, so hashing order cannot change a result.
/// - Raw pointers rather than arrays: without per-access bounds and uniqueness checks the
///   hot path measured twice as fast, mostly because the CPU then overlaps the DRAM misses
///   of consecutive requests.
///
/// Memory: 4 bytes per key plus 32 per slot, slots allocated as the cache fills; about
/// 69 MiB for a million entries over ten million keys.
///
/// `@unchecked Sendable`: `KeyCache` changes a storage only while it holds the only
/// reference to it (copy on write), so no two threads ever see one change.
final class KeyCacheStorage: @unchecked Sendable {
    /// One entry, in 32 bytes.
    struct Slot {
        var storedAt: SimTime
        var key: UInt32
        var version: CachedVersion
        /// Neighbours in the bucket's list, `none` at the ends. Free slots chain through `older`.
        var newer: Int32
        var older: Int32
        /// Hits since insertion, the insert counting as one, saturating. Kept under every
        /// policy, so a switch to LFU starts from real counts; LFU's bucket holds the same.
        var uses: UInt32
        var bucket: Int32
    }

    /// The two ends of a list of slots.
    struct ListEnds {
        var newest = KeyCacheStorage.none
        var oldest = KeyCacheStorage.none
    }

    /// A list of entries: the only one under LRU and FIFO, or the LFU entries with one hit count.
    struct Bucket {
        /// The hit count of its entries under LFU; unused otherwise.
        var frequency: UInt32
        var lower: Int32
        /// The next bucket up; free buckets chain through it.
        var higher: Int32
        var entries = ListEnds()
    }

    /// The end of a list; the slot of an absent key.
    static let none: Int32 = -1

    let keySpace: Int
    private(set) var capacity: Int
    private(set) var policy: EvictionPolicy
    private(set) var ttl: SimTime?
    /// `ttl` for the hot path: `SimTime.max` when there is none.
    private var expiryAge: SimTime
    private(set) var count = 0
    private(set) var counters = CacheCounters()

    private var slots: UnsafeMutablePointer<Slot>
    private var slotsAllocated: Int
    /// Slots ever handed out, a prefix of the allocation; only they are initialized.
    private var slotsUsed = 0
    private var freeSlots = none
    private var buckets: UnsafeMutablePointer<Bucket>
    private var bucketsAllocated: Int
    private var bucketsUsed = 0
    private var freeBuckets = none
    private var lowestBucket = none
    /// `nil` when the key space is too large for it; then `hashedIndex` is used.
    private let denseIndex: UnsafeMutablePointer<Int32>?
    private var hashedIndex: [UInt32: Int32] = [:]

    init(capacity: Int, policy: EvictionPolicy, ttl: SimTime?, keySpace: Int, denseIndex dense: Bool) {
        self.keySpace = keySpace
        self.capacity = capacity
        self.policy = policy
        self.ttl = ttl
        expiryAge = ttl ?? .max
        slotsAllocated = min(capacity, 1024)
        slots = Self.allocateSlots(slotsAllocated)
        bucketsAllocated = 16
        buckets = .allocate(capacity: bucketsAllocated)
        if dense {
            let index = LargeTable.allocate(Int32.self, count: keySpace)
            index.initialize(repeating: Self.none, count: keySpace)
            denseIndex = index
        } else {
            denseIndex = nil
        }
        resetOrder()
    }

    /// A deep copy, for copy on write.
    func copy() -> KeyCacheStorage {
        KeyCacheStorage(copying: self)
    }

    private init(copying other: KeyCacheStorage) {
        keySpace = other.keySpace
        capacity = other.capacity
        policy = other.policy
        ttl = other.ttl
        expiryAge = other.expiryAge
        count = other.count
        counters = other.counters
        slotsAllocated = other.slotsAllocated
        slots = Self.allocateSlots(slotsAllocated)
        slots.initialize(from: other.slots, count: other.slotsUsed)
        slotsUsed = other.slotsUsed
        freeSlots = other.freeSlots
        bucketsAllocated = other.bucketsAllocated
        buckets = .allocate(capacity: bucketsAllocated)
        buckets.initialize(from: other.buckets, count: other.bucketsUsed)
        bucketsUsed = other.bucketsUsed
        freeBuckets = other.freeBuckets
        lowestBucket = other.lowestBucket
        if let source = other.denseIndex {
            let index = LargeTable.allocate(Int32.self, count: keySpace)
            index.initialize(from: source, count: keySpace)
            denseIndex = index
        } else {
            denseIndex = nil
        }
        hashedIndex = other.hashedIndex
    }

    deinit {
        UnsafeMutableRawPointer(slots).deallocate()
        buckets.deallocate()
        denseIndex?.deallocate()
    }

    // MARK: - Operations

    func lookup(_ key: UInt32, now: SimTime) -> CachedVersion? {
        lookup(key, now: now, as: policy)
    }

    /// `lookup` under `policy`, which callers pass as a constant where they can (see
    /// `replay`): the compiler then drops the other policies' branches from the hot loop.
    @inline(__always)
    private func lookup(_ key: UInt32, now: SimTime, as policy: EvictionPolicy) -> CachedVersion? {
        let slot = slotIndex(of: key)
        guard slot >= 0 else {
            counters.misses += 1
            return nil
        }
        if now - slots[slot].storedAt >= expiryAge {
            remove(slot, as: policy)
            counters.expirations += 1
            counters.misses += 1
            return nil
        }
        counters.hits += 1
        if slots[slot].uses < .max { slots[slot].uses += 1 }
        switch policy {
        case .lru:
            if buckets[0].entries.newest != Int32(truncatingIfNeeded: slot) {
                unlink(slot, from: 0)
                pushNewest(slot, onto: 0)
            }
        case .lfu:
            promote(slot)
        case .fifo:
            break
        }
        return slots[slot].version
    }

    func insert(_ key: UInt32, version: CachedVersion, now: SimTime) {
        guard capacity > 0 else { return }
        let slot = slotIndex(of: key)
        guard slot >= 0 else {
            insertAbsent(key, version: version, now: now, as: policy)
            return
        }
        counters.inserts += 1
        detach(slot, as: policy)
        slots[slot] = Slot(
            storedAt: now, key: key, version: version, newer: Self.none, older: Self.none, uses: 1, bucket: Self.none)
        attachAsNew(slot, as: policy)
    }

    /// `insert` of a key known to be absent, into a cache of nonzero capacity.
    @inline(__always)
    private func insertAbsent(_ key: UInt32, version: CachedVersion, now: SimTime, as policy: EvictionPolicy) {
        counters.inserts += 1
        if count == capacity { evictOne(as: policy) }
        let slot = takeFreeSlot()
        setSlot(Int32(truncatingIfNeeded: slot), for: key)
        count += 1
        slots[slot] = Slot(
            storedAt: now, key: key, version: version, newer: Self.none, older: Self.none, uses: 1, bucket: Self.none)
        attachAsNew(slot, as: policy)
    }

    func replay(keys: ArraySlice<UInt32>, times: ArraySlice<SimTime>?, writes: ArraySlice<Bool>?) {
        guard times != nil || writes != nil else {
            // The common case gets a loop of its own per policy: nothing but lookups and fills.
            keys.withUnsafeBufferPointer { keys in
                switch policy {
                case .lru: readThrough(keys, as: .lru)
                case .lfu: readThrough(keys, as: .lfu)
                case .fifo: readThrough(keys, as: .fifo)
                }
            }
            return
        }
        for (offset, key) in keys.enumerated() {
            let now = times.map { $0[$0.startIndex + offset] } ?? 0
            if let writes, writes[writes.startIndex + offset] {
                _ = invalidate(key)
            } else if lookup(key, now: now) == nil && capacity > 0 {
                insertAbsent(key, version: 0, now: now, as: policy)
            }
        }
    }

    /// How many requests ahead `readThrough` prefetches a key's index entry; it prefetches
    /// the entry's slot half as far ahead, and the slot's list neighbours a quarter.
    private static let prefetchDistance = 16

    /// Lookups, and fills on misses, for `keys` in turn, prefetching what the requests ahead
    /// will touch so that their DRAM misses overlap.
    ///
    /// The keys are known ahead, so their memory is not: in stages, so that each stage reads
    /// only lines an earlier stage asked for, the index entry of a key `prefetchDistance`
    /// ahead, the slot of a key half as far, and that slot's list neighbours (which a hit
    /// unlinks it from) a quarter as far. On a fill that evicts, the next victim and its
    /// index entry. Prefetches are hints: they change no result, even when the entries they
    /// guessed at move before their turn.
    @inline(__always)
    private func readThrough(_ keys: UnsafeBufferPointer<UInt32>, as policy: EvictionPolicy) {
        guard let denseIndex else {
            for key in keys where lookup(key, now: 0, as: policy) == nil && capacity > 0 {
                insertAbsent(key, version: 0, now: 0, as: policy)
            }
            return
        }
        let distance = Self.prefetchDistance
        let keySpace = UInt32(truncatingIfNeeded: min(self.keySpace, Int(UInt32.max)))
        for i in keys.indices {
            if i + distance < keys.count, keys[i + distance] < keySpace {
                prefetchForRead(denseIndex + Int(keys[i + distance]))
            }
            if i + distance / 2 < keys.count, keys[i + distance / 2] < keySpace {
                let slot = Int(denseIndex[Int(keys[i + distance / 2])])
                if slot >= 0 { prefetchForWrite(slots + slot) }
            }
            if policy != .fifo, i + distance / 4 < keys.count, keys[i + distance / 4] < keySpace {
                let slot = Int(denseIndex[Int(keys[i + distance / 4])])
                if slot >= 0 { prefetchNeighbours(of: slot) }
            }
            let key = keys[i]
            if lookup(key, now: 0, as: policy) == nil && capacity > 0 {
                insertAbsent(key, version: 0, now: 0, as: policy)
            }
        }
    }

    /// Prefetches the index entry of `key`, without waiting for anything.
    @inline(__always)
    func prefetchIndexEntry(of key: UInt32) {
        if let denseIndex, Int(key) < keySpace { prefetchForWrite(denseIndex + Int(key)) }
    }

    /// Where the slot of `key` is, read from its index entry, or nil when the key is absent
    /// or has no dense index entry: the second stage of a lookup's prefetch, to call once
    /// `prefetchIndexEntry(of:)` has had time to bring the entry in.
    ///
    /// Addresses rather than the hints themselves: a caller that prefetches once the storage
    /// is out of hand need not retain it around the hint.
    @inline(__always)
    func slotAddress(of key: UInt32) -> (slot: Int32, address: UnsafeRawPointer)? {
        guard let denseIndex, Int(key) < keySpace else { return nil }
        let slot = denseIndex[Int(key)]
        return slot >= 0 ? (slot, UnsafeRawPointer(slots + Int(slot))) : nil
    }

    /// Where the neighbours a hit on `slot` would unlink it from are (the slot itself for a
    /// missing one): the third stage, once the slot from `slotAddress(of:)` has had time to
    /// come in. A slot reused since only makes the addresses useless hints.
    @inline(__always)
    func neighbourAddresses(ofSlot slot: Int32) -> (newer: UnsafeRawPointer, older: UnsafeRawPointer)? {
        guard slot >= 0 && Int(slot) < slotsUsed else { return nil }
        let newer = slots[Int(slot)].newer
        let older = slots[Int(slot)].older
        return (
            UnsafeRawPointer(slots + Int(newer >= 0 ? newer : slot)), UnsafeRawPointer(slots + Int(older >= 0 ? older : slot))
        )
    }

    /// Prefetches the slots a hit on `slot` unlinks it from.
    @inline(__always)
    private func prefetchNeighbours(of slot: Int) {
        let newer = Int(slots[slot].newer)
        let older = Int(slots[slot].older)
        if newer >= 0 { prefetchForWrite(slots + newer) }
        if older >= 0 { prefetchForWrite(slots + older) }
    }

    /// Prefetches what the next eviction touches: the oldest entry's newer neighbour, which
    /// becomes the oldest, and the oldest's index entry, which it clears. Called after an
    /// eviction, whose unlinking brought the oldest entry into the CPU cache.
    @inline(__always)
    private func prefetchNextVictim() {
        guard lowestBucket != Self.none, count > 0, let denseIndex else { return }
        let victim = Int(buckets[Int(lowestBucket)].entries.oldest)
        guard victim >= 0 else { return }
        let newer = Int(slots[victim].newer)
        if newer >= 0 { prefetchForWrite(slots + newer) }
        prefetchForWrite(denseIndex + Int(slots[victim].key))
    }

    func invalidate(_ key: UInt32) -> Bool {
        let slot = slotIndex(of: key)
        guard slot >= 0 else { return false }
        remove(slot, as: policy)
        counters.invalidations += 1
        return true
    }

    func update(_ key: UInt32, version: CachedVersion, now: SimTime) -> Bool {
        let slot = slotIndex(of: key)
        guard slot >= 0 else { return false }
        if now - slots[slot].storedAt >= expiryAge {
            remove(slot, as: policy)
            counters.expirations += 1
            return false
        }
        slots[slot].version = version
        slots[slot].storedAt = now
        return true
    }

    func countCoalesced() {
        counters.coalesced += 1
    }

    func flush() {
        if let denseIndex {
            // Free slots keep their old key, which may since live in another slot.
            for slot in 0..<slotsUsed where denseIndex[Int(slots[slot].key)] == Int32(truncatingIfNeeded: slot) {
                denseIndex[Int(slots[slot].key)] = Self.none
            }
        } else {
            hashedIndex.removeAll(keepingCapacity: true)
        }
        slotsUsed = 0
        freeSlots = Self.none
        count = 0
        resetOrder()
    }

    func setCapacity(_ newCapacity: Int) {
        capacity = newCapacity
        while count > capacity { evictOne(as: policy) }
    }

    func setTTL(_ newTTL: SimTime?) {
        ttl = newTTL
        expiryAge = newTTL ?? .max
    }

    func setPolicy(_ newPolicy: EvictionPolicy) {
        guard newPolicy != policy else { return }
        let current = slotsInEvictionOrder()
        let positions = Array(current.indices)
        let rebuilt: [Int32] =
            switch newPolicy {
            case .lru: current
            case .fifo:
                positions.sorted { (slots[Int(current[$0])].storedAt, $0) < (slots[Int(current[$1])].storedAt, $1) }.map {
                    current[$0]
                }
            case .lfu:
                positions.sorted { (slots[Int(current[$0])].uses, $0) < (slots[Int(current[$1])].uses, $1) }.map { current[$0] }
            }
        policy = newPolicy
        resetOrder()
        var top = lowestBucket
        for link in rebuilt {
            let slot = Int(link)
            if newPolicy == .lfu && (top == Self.none || buckets[Int(top)].frequency != slots[slot].uses) {
                top = Int32(truncatingIfNeeded: makeBucket(frequency: slots[slot].uses, above: top))
            }
            pushNewest(slot, onto: Int(top))
        }
    }

    // MARK: - Index

    /// The slot holding `key`, or `none`.
    @inline(__always)
    private func slotIndex(of key: UInt32) -> Int {
        // The dense table is a raw pointer: this check is what keeps it in bounds.
        precondition(UInt64(key) < UInt64(keySpace), "key \(key) outside the key space 0..<\(keySpace)")
        if let denseIndex { return Int(denseIndex[Int(key)]) }
        return hashedSlot(of: key)
    }

    @inline(never)
    private func hashedSlot(of key: UInt32) -> Int {
        Int(hashedIndex[key] ?? Self.none)
    }

    @inline(__always)
    private func setSlot(_ slot: Int32, for key: UInt32) {
        if let denseIndex {
            denseIndex[Int(key)] = slot
        } else {
            setHashedSlot(slot, for: key)
        }
    }

    @inline(never)
    private func setHashedSlot(_ slot: Int32, for key: UInt32) {
        hashedIndex[key] = slot == Self.none ? nil : slot
    }

    // MARK: - Slots

    private static func allocateSlots(_ count: Int) -> UnsafeMutablePointer<Slot> {
        LargeTable.allocate(Slot.self, count: count)
    }

    /// A slot for a new entry: the last one freed (warm in the CPU cache), else a fresh one.
    @inline(__always)
    private func takeFreeSlot() -> Int {
        if freeSlots != Self.none {
            let slot = Int(freeSlots)
            freeSlots = slots[slot].older
            return slot
        }
        if slotsUsed == slotsAllocated { growSlots() }
        (slots + slotsUsed).initialize(
            to: Slot(storedAt: 0, key: 0, version: 0, newer: Self.none, older: Self.none, uses: 0, bucket: Self.none))
        slotsUsed += 1
        return slotsUsed - 1
    }

    /// Doubles the slot allocation, up to the capacity. Only reached below capacity with no
    /// free slot, so there is room for at least one more.
    @inline(never)
    private func growSlots() {
        let grown = min(max(16, 2 * slotsAllocated), capacity)
        let fresh = Self.allocateSlots(grown)
        fresh.moveInitialize(from: slots, count: slotsUsed)
        UnsafeMutableRawPointer(slots).deallocate()
        slots = fresh
        slotsAllocated = grown
    }

    /// Takes the entry in `slot` out of the cache and frees the slot.
    @inline(__always)
    private func remove(_ slot: Int, as policy: EvictionPolicy) {
        detach(slot, as: policy)
        setSlot(Self.none, for: slots[slot].key)
        slots[slot].older = freeSlots
        freeSlots = Int32(truncatingIfNeeded: slot)
        count -= 1
    }

    /// Removes the entry the policy picks, and counts the eviction.
    @inline(__always)
    private func evictOne(as policy: EvictionPolicy) {
        remove(Int(buckets[Int(lowestBucket)].entries.oldest), as: policy)
        counters.evictions += 1
        prefetchNextVictim()
    }

    /// The keys of `slotsInEvictionOrder`.
    func keysInEvictionOrder() -> [UInt32] {
        slotsInEvictionOrder().map { slots[Int($0)].key }
    }

    /// Entries from the next to be evicted to the last.
    private func slotsInEvictionOrder() -> [Int32] {
        var result: [Int32] = []
        result.reserveCapacity(count)
        var bucket = lowestBucket
        while bucket != Self.none {
            var slot = buckets[Int(bucket)].entries.oldest
            while slot != Self.none {
                result.append(slot)
                slot = slots[Int(slot)].newer
            }
            bucket = buckets[Int(bucket)].higher
        }
        return result
    }

    // MARK: - Buckets

    /// Empties every list: no bucket under LFU, the one empty order bucket (0) otherwise.
    private func resetOrder() {
        bucketsUsed = 0
        freeBuckets = Self.none
        lowestBucket = Self.none
        if policy != .lfu { _ = makeBucket(frequency: 0, above: Self.none) }
    }

    /// Unlinks a slot from its list; under LFU a bucket left empty goes.
    @inline(__always)
    private func detach(_ slot: Int, as policy: EvictionPolicy) {
        guard policy == .lfu else {
            unlink(slot, from: 0)
            return
        }
        let bucket = Int(slots[slot].bucket)
        unlink(slot, from: bucket)
        if buckets[bucket].entries.newest == Self.none { removeBucket(bucket) }
    }

    /// Links a just-stored entry in as the newest (LFU: of the one-use bucket).
    @inline(__always)
    private func attachAsNew(_ slot: Int, as policy: EvictionPolicy) {
        guard policy == .lfu else {
            pushNewest(slot, onto: 0)
            return
        }
        var bucket = lowestBucket
        if bucket == Self.none || buckets[Int(bucket)].frequency != 1 {
            bucket = Int32(truncatingIfNeeded: makeBucket(frequency: 1, above: Self.none))
        }
        pushNewest(slot, onto: Int(bucket))
    }

    /// LFU hit: moves the entry to the bucket one count up, as its most recently used.
    private func promote(_ slot: Int) {
        let bucket = Int(slots[slot].bucket)
        let frequency = buckets[bucket].frequency
        guard frequency < .max else {
            // Saturated: the count stays, only recency changes.
            unlink(slot, from: bucket)
            pushNewest(slot, onto: bucket)
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
        unlink(slot, from: bucket)
        let target = higherFits ? Int(higher) : makeBucket(frequency: frequency + 1, above: Int32(truncatingIfNeeded: bucket))
        pushNewest(slot, onto: target)
        if alone { removeBucket(bucket) }
    }

    /// A new empty bucket just above `lower` (at the bottom when `lower` is `none`).
    private func makeBucket(frequency: UInt32, above lower: Int32) -> Int {
        let higher = lower == Self.none ? lowestBucket : buckets[Int(lower)].higher
        let fresh = Bucket(frequency: frequency, lower: lower, higher: higher)
        let bucket: Int
        if freeBuckets != Self.none {
            bucket = Int(freeBuckets)
            freeBuckets = buckets[bucket].higher
            buckets[bucket] = fresh
        } else {
            if bucketsUsed == bucketsAllocated {
                let grown = 2 * bucketsAllocated
                let larger = UnsafeMutablePointer<Bucket>.allocate(capacity: grown)
                larger.moveInitialize(from: buckets, count: bucketsUsed)
                buckets.deallocate()
                buckets = larger
                bucketsAllocated = grown
            }
            bucket = bucketsUsed
            (buckets + bucket).initialize(to: fresh)
            bucketsUsed += 1
        }
        let link = Int32(truncatingIfNeeded: bucket)
        if lower == Self.none { lowestBucket = link } else { buckets[Int(lower)].higher = link }
        if higher != Self.none { buckets[Int(higher)].lower = link }
        return bucket
    }

    private func removeBucket(_ bucket: Int) {
        let lower = buckets[bucket].lower
        let higher = buckets[bucket].higher
        if lower == Self.none { lowestBucket = higher } else { buckets[Int(lower)].higher = higher }
        if higher != Self.none { buckets[Int(higher)].lower = lower }
        buckets[bucket].higher = freeBuckets
        freeBuckets = Int32(truncatingIfNeeded: bucket)
    }

    // MARK: - Lists

    @inline(__always)
    private func pushNewest(_ slot: Int, onto bucket: Int) {
        let link = Int32(truncatingIfNeeded: slot)
        let newest = buckets[bucket].entries.newest
        slots[slot].newer = Self.none
        slots[slot].older = newest
        slots[slot].bucket = Int32(truncatingIfNeeded: bucket)
        if newest == Self.none { buckets[bucket].entries.oldest = link } else { slots[Int(newest)].newer = link }
        buckets[bucket].entries.newest = link
    }

    /// Unlinks a slot from the list of `bucket`, which holds it.
    @inline(__always)
    private func unlink(_ slot: Int, from bucket: Int) {
        let newer = slots[slot].newer
        let older = slots[slot].older
        if newer == Self.none { buckets[bucket].entries.newest = older } else { slots[Int(newer)].older = older }
        if older == Self.none { buckets[bucket].entries.oldest = newer } else { slots[Int(older)].newer = newer }
    }
}
