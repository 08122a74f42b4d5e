import Foundation
import Testing
@testable import ScaleSim

/// A cache written as plainly as possible, O(n) per operation, to check `KeyCache` against:
/// every entry carries its use count and the logical times of its last use and its insert,
/// and the victim is found by scanning.
private struct ReferenceCache {
    struct Entry {
        var key: UInt32
        var version: UInt32
        var storedAt: SimTime
        var uses: Int
        var lastUse: Int
        var inserted: Int
    }

    var capacity: Int
    var policy: EvictionPolicy
    var ttl: SimTime?
    var entries: [Entry] = []
    var counters = CacheCounters()
    /// Logical time: one tick per use, so every stamp is distinct.
    var clock = 0

    init(capacity: Int, policy: EvictionPolicy, ttl: SimTime? = nil) {
        self.capacity = capacity
        self.policy = policy
        self.ttl = ttl
    }

    mutating func tick() -> Int {
        clock += 1
        return clock
    }

    func isExpired(_ entry: Entry, now: SimTime) -> Bool {
        ttl.map { now - entry.storedAt >= $0 } ?? false
    }

    mutating func lookup(_ key: UInt32, now: SimTime) -> UInt32? {
        guard let i = entries.firstIndex(where: { $0.key == key }) else {
            counters.misses += 1
            return nil
        }
        if isExpired(entries[i], now: now) {
            entries.remove(at: i)
            counters.expirations += 1
            counters.misses += 1
            return nil
        }
        counters.hits += 1
        entries[i].uses += 1
        entries[i].lastUse = tick()
        return entries[i].version
    }

    mutating func insert(_ key: UInt32, version: UInt32, now: SimTime) {
        guard capacity > 0 else { return }
        counters.inserts += 1
        let stamp = tick()
        let fresh = Entry(key: key, version: version, storedAt: now, uses: 1, lastUse: stamp, inserted: stamp)
        if let i = entries.firstIndex(where: { $0.key == key }) {
            entries[i] = fresh
            return
        }
        if entries.count == capacity { evict() }
        entries.append(fresh)
    }

    mutating func invalidate(_ key: UInt32) -> Bool {
        guard let i = entries.firstIndex(where: { $0.key == key }) else { return false }
        entries.remove(at: i)
        counters.invalidations += 1
        return true
    }

    mutating func update(_ key: UInt32, version: UInt32, now: SimTime) -> Bool {
        guard let i = entries.firstIndex(where: { $0.key == key }) else { return false }
        if isExpired(entries[i], now: now) {
            entries.remove(at: i)
            counters.expirations += 1
            return false
        }
        entries[i].version = version
        entries[i].storedAt = now
        return true
    }

    mutating func setCapacity(_ newCapacity: Int) {
        capacity = newCapacity
        while entries.count > capacity { evict() }
    }

    mutating func flush() {
        entries.removeAll()
    }

    /// Keeps every entry and restamps them so that the new policy's order is the one
    /// `KeyCache.setPolicy` documents: to LRU, the current eviction order; to FIFO, by the
    /// time stored, then the current order; to LFU, by hits, then the current order.
    mutating func setPolicy(_ newPolicy: EvictionPolicy) {
        guard newPolicy != policy else { return }
        let current = keysInEvictionOrder()
        let position = Dictionary(uniqueKeysWithValues: current.enumerated().map { ($1, $0) })
        entries.sort { position[$0.key]! < position[$1.key]! }
        switch newPolicy {
        case .lru: break
        case .fifo: entries.sort { ($0.storedAt, position[$0.key]!) < ($1.storedAt, position[$1.key]!) }
        case .lfu: entries.sort { ($0.uses, position[$0.key]!) < ($1.uses, position[$1.key]!) }
        }
        for i in entries.indices {
            let stamp = tick()
            entries[i].lastUse = stamp
            entries[i].inserted = stamp
        }
        policy = newPolicy
    }

    /// Every key held, the next victim first.
    func keysInEvictionOrder() -> [UInt32] {
        entries.sorted { evictionRank($0) < evictionRank($1) }.map(\.key)
    }

    /// Smallest first: the victim.
    func evictionRank(_ entry: Entry) -> (Int, Int) {
        switch policy {
        case .lru: (entry.lastUse, 0)
        case .fifo: (entry.inserted, 0)
        case .lfu: (entry.uses, entry.lastUse)
        }
    }

    mutating func evict() {
        let victim = entries.indices.min { evictionRank(entries[$0]) < evictionRank(entries[$1]) }!
        entries.remove(at: victim)
        counters.evictions += 1
    }
}

/// Draws keys either Zipf-distributed or uniformly.
private struct KeyDrawer {
    var random: Xoshiro256StarStar
    let zipf: ZipfSampler?
    let keys: Int

    init(keys: Int, zipfExponent: Double?, seed: UInt64) {
        random = Xoshiro256StarStar(seed: seed)
        zipf = zipfExponent.map { ZipfSampler(count: keys, exponent: $0) }
        self.keys = keys
    }

    mutating func next() -> UInt32 {
        UInt32(zipf?.sample(&random) ?? random.below(keys))
    }
}

extension KeyCache {
    /// Looks up each key in turn: the answers, ready for one `#expect` (which cannot call a
    /// mutating method itself).
    mutating func lookups(_ keys: [UInt32], now: SimTime = 0) -> [UInt32?] {
        keys.map { lookup($0, now: now) }
    }
}

/// A `KeyCache` and the reference it must match, driven by the same operations; every
/// answer, counter and setting is compared, and the whole eviction order on request.
private struct CheckedCache {
    var cache: KeyCache
    var reference: ReferenceCache

    init(capacity: Int, policy: EvictionPolicy, ttl: SimTime?, keySpace: Int) {
        cache = KeyCache(capacity: capacity, policy: policy, ttl: ttl, keySpace: keySpace)
        reference = ReferenceCache(capacity: capacity, policy: policy, ttl: ttl)
    }

    /// One random operation on keys from `drawer` at time `now`; false at the first difference.
    mutating func step(_ drawer: inout KeyDrawer, keyStride: UInt32, now: SimTime, version: UInt32) -> Bool {
        func nextKey() -> UInt32 { drawer.next() * keyStride }
        switch drawer.random.below(1000) {
        case 0..<700:
            let key = nextKey()
            let got = cache.lookup(key, now: now)
            guard got == reference.lookup(key, now: now) else { return false }
            if got == nil {
                cache.insert(key, version: version, now: now)
                reference.insert(key, version: version, now: now)
            }
        case 700..<750:
            let key = nextKey()
            guard cache.invalidate(key) == reference.invalidate(key) else { return false }
        case 750..<800:
            let key = nextKey()
            guard cache.update(key, version: version, now: now) == reference.update(key, version: version, now: now) else {
                return false
            }
        case 800..<840:
            let key = nextKey()
            cache.insert(key, version: version, now: now)
            reference.insert(key, version: version, now: now)
        case 840..<960:
            replaySegment(&drawer, keyStride: keyStride, now: now)
        case 960..<975:
            let capacity = [0, 1, 2, 17, 40, 60, 90, 150][drawer.random.below(8)]
            cache.setCapacity(capacity)
            reference.setCapacity(capacity)
        case 975..<987:
            let policy = EvictionPolicy.allCases[drawer.random.below(3)]
            cache.setPolicy(policy)
            reference.setPolicy(policy)
        case 987..<995:
            let ttls: [SimTime?] = [nil, 20 * Nanos.perMillisecond, 150 * Nanos.perMillisecond, Nanos.perSecond]
            let ttl = ttls[drawer.random.below(ttls.count)]
            cache.setTTL(ttl)
            reference.ttl = ttl
        default:
            cache.flush()
            reference.flush()
        }
        return cache.counters == reference.counters && cache.count == reference.entries.count
            && cache.capacity == reference.capacity && cache.policy == reference.policy && cache.ttl == reference.ttl
    }

    /// A run of requests through `replay`, long enough to reach its prefetching, against
    /// the reference's calls one by one: reads only at time 0, or timed with writes.
    mutating func replaySegment(_ drawer: inout KeyDrawer, keyStride: UInt32, now: SimTime) {
        let length = 1 + drawer.random.below(300)
        let keys = (0..<length).map { _ in drawer.next() * keyStride }
        if drawer.random.below(2) == 0 {
            cache.replay(keys: keys[...])
            for key in keys where reference.lookup(key, now: 0) == nil {
                reference.insert(key, version: 0, now: 0)
            }
        } else {
            let times = (0..<length).map { now + SimTime($0) * Nanos.perMillisecond }
            let writes = (0..<length).map { _ in drawer.random.below(10) == 0 }
            cache.replay(keys: keys[...], times: times[...], writes: writes[...])
            for i in keys.indices {
                if writes[i] {
                    _ = reference.invalidate(keys[i])
                } else if reference.lookup(keys[i], now: times[i]) == nil {
                    reference.insert(keys[i], version: 0, now: times[i])
                }
            }
        }
    }

    var sameEvictionOrder: Bool { cache.keysInEvictionOrder() == reference.keysInEvictionOrder() }
}

@Suite struct KeyCacheTests {
    /// Runs the same random mix of operations through `KeyCache` and the reference and
    /// checks every answer and every counter. `keyStride` spreads keys over a key space large
    /// enough for the dictionary index.
    func compareWithReference(policy: EvictionPolicy, zipfExponent: Double?, ttl: SimTime?, keyStride: UInt32 = 1, seed: UInt64) {
        let keys = 600
        let keySpace = keyStride == 1 ? keys : Int(keyStride) * keys
        var drawer = KeyDrawer(keys: keys, zipfExponent: zipfExponent, seed: seed)
        var cache = KeyCache(capacity: 60, policy: policy, ttl: ttl, keySpace: keySpace)
        var reference = ReferenceCache(capacity: 60, policy: policy, ttl: ttl)
        var now: SimTime = 0
        for step in 0..<30_000 {
            let key = drawer.next() * keyStride
            now += SimTime(drawer.random.below(3)) * Nanos.perMillisecond
            let version = UInt32(step)
            switch drawer.random.below(100) {
            case 0..<88:
                let got = cache.lookup(key, now: now)
                let expected = reference.lookup(key, now: now)
                #expect(got == expected, "step \(step)")
                if got == nil {
                    cache.insert(key, version: version, now: now)
                    reference.insert(key, version: version, now: now)
                }
            case 88..<92:
                let removed = cache.invalidate(key)
                let expected = reference.invalidate(key)
                #expect(removed == expected, "step \(step)")
            case 92..<96:
                let updated = cache.update(key, version: version, now: now)
                let expected = reference.update(key, version: version, now: now)
                #expect(updated == expected, "step \(step)")
            case 96..<99:
                // A second fill for a key that may already be present.
                cache.insert(key, version: version, now: now)
                reference.insert(key, version: version, now: now)
            default:
                let capacity = [0, 1, 2, 17, 40, 60, 90, 150][drawer.random.below(8)]
                cache.setCapacity(capacity)
                reference.setCapacity(capacity)
            }
            #expect(cache.count == reference.entries.count, "step \(step)")
            if cache.counters != reference.counters {
                Issue.record("step \(step): \(cache.counters) != \(reference.counters)")
                return
            }
        }
        #expect(cache.counters.hits > 1000 && cache.counters.evictions > 1000)
        if ttl != nil { #expect(cache.counters.expirations > 100) }
    }

    @Test(arguments: EvictionPolicy.allCases)
    func matchesTheReferenceOnZipfKeys(policy: EvictionPolicy) {
        compareWithReference(policy: policy, zipfExponent: 0.9, ttl: nil, seed: 1)
    }

    @Test(arguments: EvictionPolicy.allCases)
    func matchesTheReferenceOnUniformKeys(policy: EvictionPolicy) {
        compareWithReference(policy: policy, zipfExponent: nil, ttl: nil, seed: 2)
    }

    @Test(arguments: EvictionPolicy.allCases)
    func matchesTheReferenceWithATTL(policy: EvictionPolicy) {
        compareWithReference(policy: policy, zipfExponent: 0.8, ttl: 150 * Nanos.perMillisecond, seed: 3)
    }

    @Test(arguments: EvictionPolicy.allCases)
    func matchesTheReferenceWithTheDictionaryIndex(policy: EvictionPolicy) {
        // 600 keys spread over 2^28 ids: beyond the dense table's limit.
        compareWithReference(policy: policy, zipfExponent: 0.9, ttl: 150 * Nanos.perMillisecond, keyStride: 1 << 19, seed: 4)
    }

    /// Every operation the API has, capacity, policy and TTL changes, flushes and replays
    /// included, in random order on a cache and a copy of it made midway, each against its
    /// own reference: answers and counters after every step, the eviction order every 50.
    @Test(arguments: EvictionPolicy.allCases, [UInt32(1), 1 << 19])
    func matchesTheReferenceUnderEveryOperation(policy: EvictionPolicy, keyStride: UInt32) {
        for seed: UInt64 in 10..<14 {
            let keys = 400
            var drawer = KeyDrawer(keys: keys, zipfExponent: seed.isMultiple(of: 2) ? 0.9 : nil, seed: seed)
            var main = CheckedCache(capacity: 60, policy: policy, ttl: nil, keySpace: Int(keyStride) * keys)
            var fork: CheckedCache?
            var now: SimTime = 0
            for step in 0..<6_000 {
                now += SimTime(drawer.random.below(3)) * Nanos.perMillisecond
                if step == 2_000 { fork = main }
                let onFork = fork != nil && drawer.random.below(3) == 0
                let same =
                    onFork
                    ? fork!.step(&drawer, keyStride: keyStride, now: now, version: UInt32(step))
                    : main.step(&drawer, keyStride: keyStride, now: now, version: UInt32(step))
                guard same else {
                    Issue.record("seed \(seed) step \(step)\(onFork ? " (copy)" : ""): results differ")
                    return
                }
                if step.isMultiple(of: 50) {
                    #expect(main.sameEvictionOrder && (fork?.sameEvictionOrder ?? true), "seed \(seed) step \(step)")
                }
            }
            #expect(main.cache.counters.evictions > 500 && main.cache.counters.expirations > 0, "seed \(seed)")
        }
    }

    @Test func lfuRunsLongHotStreaksExactly() {
        // Few keys, heavy skew: hit counts climb into the hundreds, so buckets are made,
        // merged and emptied far from the bottom.
        var drawer = KeyDrawer(keys: 40, zipfExponent: 1.3, seed: 5)
        var cache = KeyCache(capacity: 8, policy: .lfu, keySpace: 40)
        var reference = ReferenceCache(capacity: 8, policy: .lfu)
        for _ in 0..<50_000 {
            let key = drawer.next()
            if cache.lookup(key, now: 0) == nil { cache.insert(key, version: 0, now: 0) }
            if reference.lookup(key, now: 0) == nil { reference.insert(key, version: 0, now: 0) }
        }
        #expect(cache.counters == reference.counters)
        #expect(cache.counters.evictions > 100)
    }

    @Test func lruEvictsTheLeastRecentlyUsed() {
        var cache = KeyCache(capacity: 3, policy: .lru, keySpace: 10)
        for key: UInt32 in [1, 2, 3] { cache.insert(key, version: key, now: 0) }
        _ = cache.lookup(1, now: 0)
        cache.insert(4, version: 4, now: 0)
        let found = cache.lookups([2, 1, 3])
        #expect(found == [nil, 1, 3])
        #expect(cache.counters.evictions == 1)
    }

    @Test func fifoIgnoresHits() {
        var cache = KeyCache(capacity: 3, policy: .fifo, keySpace: 10)
        for key: UInt32 in [1, 2, 3] { cache.insert(key, version: key, now: 0) }
        _ = cache.lookup(1, now: 0)
        cache.insert(4, version: 4, now: 0)
        let found = cache.lookups([1, 2])
        #expect(found == [nil, 2])
    }

    @Test func lfuCountsTheInsertAsOneAndBreaksTiesByRecency() {
        var cache = KeyCache(capacity: 3, policy: .lfu, keySpace: 10)
        for key: UInt32 in [1, 2, 3] { cache.insert(key, version: key, now: 0) }
        _ = cache.lookups([1, 1, 3, 2])
        // Counts: 1 → 3, 2 → 2, 3 → 2; of 2 and 3, key 3 was used least recently.
        cache.insert(4, version: 4, now: 0)
        let afterFirst = cache.lookups([3])
        #expect(afterFirst == [nil])
        // Key 4 came in with a count of one, the lowest: next to go.
        cache.insert(5, version: 5, now: 0)
        let afterSecond = cache.lookups([4, 1, 2])
        #expect(afterSecond == [nil, 1, 2])
    }

    @Test func entriesExpireWhenTheirAgeReachesTheTTL() {
        let second = Nanos.perSecond
        var cache = KeyCache(capacity: 10, policy: .lru, ttl: 10 * second, keySpace: 10)
        cache.insert(1, version: 7, now: 0)
        let justBefore = cache.lookup(1, now: 10 * second - 1)
        let atTTL = cache.lookup(1, now: 10 * second)
        #expect(justBefore == 7 && atTTL == nil)
        #expect(cache.counters.expirations == 1)
        #expect(cache.counters.misses == 1)
        #expect(cache.count == 0)

        // A refill restarts the clock; so does a write-through update.
        cache.insert(1, version: 8, now: 20 * second)
        let updated = cache.update(1, version: 9, now: 25 * second)
        let beforeExpiry = cache.lookup(1, now: 34 * second)
        let afterExpiry = cache.lookup(1, now: 35 * second)
        #expect(updated && beforeExpiry == 9 && afterExpiry == nil)

        // A new TTL applies to entries already stored.
        cache.insert(2, version: 1, now: 40 * second)
        cache.setTTL(100 * second)
        let longer = cache.lookup(2, now: 90 * second)
        cache.setTTL(nil)
        let never = cache.lookup(2, now: 10_000 * second)
        #expect(longer == 1 && never == 1)
        #expect(cache.ttl == nil)
    }

    @Test func updateTouchesOnlyLiveEntriesAndNotTheOrder() {
        var cache = KeyCache(capacity: 2, policy: .lru, ttl: 10, keySpace: 10)
        let updatedAbsent = cache.update(1, version: 5, now: 0)
        #expect(!updatedAbsent && cache.count == 0)
        cache.insert(1, version: 1, now: 0)
        cache.insert(2, version: 2, now: 0)
        let updated = cache.update(1, version: 3, now: 5)
        #expect(updated)
        // Not a use: key 1 is still the least recently used.
        cache.insert(3, version: 3, now: 5)
        let found = cache.lookups([1], now: 5)
        #expect(found == [nil])
        // An expired entry is removed, not updated.
        let updatedExpired = cache.update(2, version: 4, now: 10)
        #expect(!updatedExpired)
        #expect(cache.counters.expirations == 1)
        #expect(cache.count == 1)
    }

    @Test func invalidateRemovesAndCounts() {
        var cache = KeyCache(capacity: 4, policy: .lfu, keySpace: 10)
        cache.insert(1, version: 1, now: 0)
        let removed = [cache.invalidate(1), cache.invalidate(1), cache.invalidate(2)]
        #expect(removed == [true, false, false])
        #expect(cache.counters.invalidations == 1)
        let found = cache.lookups([1])
        #expect(found == [nil])
        #expect(cache.count == 0)
    }

    /// A small key space gets the dense index, one beyond `denseIndexLimit` the dictionary.
    @Test(arguments: EvictionPolicy.allCases, [1000, KeyCache.denseIndexLimit + 1])
    func flushEmptiesAndTheCacheFillsAgain(policy: EvictionPolicy, keySpace: Int) {
        var cache = KeyCache(capacity: 100, policy: policy, keySpace: keySpace)
        for key in 0..<UInt32(300) where cache.lookup(key % 150, now: 0) == nil {
            cache.insert(key % 150, version: key, now: 0)
        }
        let before = cache.counters
        cache.flush()
        #expect(cache.count == 0)
        #expect(cache.counters == before)
        let afterFlush = cache.lookups(Array(0..<150))
        #expect(afterFlush.allSatisfy { $0 == nil })
        for key in 0..<UInt32(150) { cache.insert(key, version: key, now: 0) }
        #expect(cache.count == 100)
        let refilled = cache.lookups([149])
        #expect(refilled == [149])
    }

    @Test func shrinkingEvictsByThePolicyAndGrowingMakesRoom() {
        var cache = KeyCache(capacity: 5, policy: .lru, keySpace: 10)
        for key: UInt32 in 0..<5 { cache.insert(key, version: key, now: 0) }
        _ = cache.lookup(0, now: 0)
        cache.setCapacity(2)
        #expect(cache.count == 2)
        #expect(cache.counters.evictions == 3)
        let kept = cache.lookups([0, 4])
        #expect(kept == [0, 4])
        cache.setCapacity(0)
        #expect(cache.count == 0)
        cache.insert(1, version: 1, now: 0)
        #expect(cache.count == 0)
        #expect(cache.counters.inserts == 5)
        cache.setCapacity(8)
        for key: UInt32 in 0..<10 { cache.insert(key, version: key, now: 0) }
        #expect(cache.count == 8)
        #expect(cache.capacity == 8)
    }

    @Test func switchingLRUToLFUUsesTheRealCounts() {
        var drawer = KeyDrawer(keys: 300, zipfExponent: 0.9, seed: 6)
        var cache = KeyCache(capacity: 40, policy: .lru, keySpace: 300)
        var reference = ReferenceCache(capacity: 40, policy: .lru)
        for step in 0..<20_000 {
            if step == 10_000 {
                cache.setPolicy(.lfu)
                reference.policy = .lfu
            }
            let key = drawer.next()
            if cache.lookup(key, now: 0) == nil { cache.insert(key, version: 0, now: 0) }
            if reference.lookup(key, now: 0) == nil { reference.insert(key, version: 0, now: 0) }
        }
        #expect(cache.policy == .lfu)
        #expect(cache.counters == reference.counters)
    }

    @Test func switchingPoliciesKeepsEveryEntry() {
        var cache = KeyCache(capacity: 50, policy: .lru, keySpace: 100)
        for key: UInt32 in 0..<50 { cache.insert(key, version: key + 1, now: SimTime(key)) }
        _ = cache.lookups(Array(stride(from: 0, to: 50, by: 3)), now: 60)
        for policy in [EvictionPolicy.lfu, .fifo, .lru, .fifo, .lfu, .lru] {
            cache.setPolicy(policy)
            #expect(cache.count == 50)
        }
        let found = cache.lookups(Array(0..<50), now: 60)
        #expect(found == (0..<50).map { $0 + 1 })
    }

    @Test func switchingToFIFOOrdersByStorageTime() {
        var cache = KeyCache(capacity: 3, policy: .lru, keySpace: 10)
        cache.insert(1, version: 1, now: 10)
        cache.insert(2, version: 2, now: 20)
        cache.insert(3, version: 3, now: 30)
        _ = cache.lookup(1, now: 40)
        cache.setPolicy(.fifo)
        // Key 1 is the most recently used but the first stored: FIFO evicts it first.
        cache.insert(4, version: 4, now: 50)
        let found = cache.lookups([1, 2], now: 50)
        #expect(found == [nil, 2])
    }

    @Test func switchingLFUToLRUEvictsTheLeastValuedFirst() {
        var cache = KeyCache(capacity: 3, policy: .lfu, keySpace: 10)
        for key: UInt32 in [1, 2, 3] { cache.insert(key, version: key, now: 0) }
        _ = cache.lookups([1, 1, 2])
        cache.setPolicy(.lru)
        // LFU order was 3 (one use), 2 (two), 1 (three): LRU now evicts in that order.
        cache.insert(4, version: 4, now: 0)
        let afterFirst = cache.lookups([3])
        cache.insert(5, version: 5, now: 0)
        let afterSecond = cache.lookups([2, 1])
        #expect(afterFirst == [nil] && afterSecond == [nil, 1])
    }

    @Test func copiesAreIndependent() {
        var original = KeyCache(capacity: 4, policy: .lru, keySpace: 10)
        original.insert(1, version: 1, now: 0)
        var copy = original
        copy.insert(2, version: 2, now: 0)
        copy.invalidate(1)
        #expect(original.count == 1)
        let inOriginal = original.lookups([1, 2])
        let inCopy = copy.lookups([2])
        #expect(inOriginal == [1, nil] && inCopy == [2])
        #expect(copy.counters.invalidations == 1 && original.counters.invalidations == 0)
    }

    @Test(arguments: EvictionPolicy.allCases)
    func replayDoesWhatSingleCallsDo(policy: EvictionPolicy) {
        var drawer = KeyDrawer(keys: 500, zipfExponent: 0.9, seed: 7)
        var keys: [UInt32] = []
        var times: [SimTime] = []
        var writes: [Bool] = []
        for step in 0..<20_000 {
            keys.append(drawer.next())
            times.append(SimTime(step) * Nanos.perMillisecond)
            writes.append(drawer.random.below(10) == 0)
        }
        let ttl = 2 * Nanos.perSecond
        var replayed = KeyCache(capacity: 50, policy: policy, ttl: ttl, keySpace: 500)
        replayed.replay(keys: keys[...], times: times[...], writes: writes[...])
        var called = KeyCache(capacity: 50, policy: policy, ttl: ttl, keySpace: 500)
        for i in keys.indices {
            if writes[i] {
                called.invalidate(keys[i])
            } else if called.lookup(keys[i], now: times[i]) == nil {
                called.insert(keys[i], version: 0, now: times[i])
            }
        }
        #expect(replayed.counters == called.counters)

        var readsOnly = KeyCache(capacity: 50, policy: policy, keySpace: 500)
        readsOnly.replay(keys: keys[100...])
        var readsCalled = KeyCache(capacity: 50, policy: policy, keySpace: 500)
        for key in keys[100...] where readsCalled.lookup(key, now: 0) == nil {
            readsCalled.insert(key, version: 0, now: 0)
        }
        #expect(readsOnly.counters == readsCalled.counters)
        #expect(readsOnly.counters.hits + readsOnly.counters.misses == keys.count - 100)
    }

    /// Che's approximation for LRU under independent requests: the characteristic time T
    /// solves Σ (1 − e^(−p_i T)) = C, and the hit ratio is Σ p_i (1 − e^(−p_i T)).
    static func cheHitRatio(keys: Int, exponent: Double, capacity: Int) -> Double {
        let weights = (1...keys).map { pow(Double($0), -exponent) }
        let total = weights.reduce(0, +)
        let p = weights.map { $0 / total }
        func expectedEntries(_ t: Double) -> Double { p.reduce(0) { $0 - expm1(-$1 * t) } }
        // Entries held grow with T, from below C at T = C (each term is at most p_i T).
        var low = Double(capacity)
        var high = low
        while expectedEntries(high) < Double(capacity) { high *= 2 }
        while high - low > 1e-9 * high {
            let middle = (low + high) / 2
            if expectedEntries(middle) < Double(capacity) { low = middle } else { high = middle }
        }
        let t = (low + high) / 2
        return p.reduce(0) { $0 - $1 * expm1(-$1 * t) }
    }

    @Test(arguments: [10_000, 100_000])
    func lruHitRatioMatchesChesApproximation(capacity: Int) {
        let keys = 1_000_000
        let zipf = ZipfSampler(count: keys, exponent: 0.9)
        var random = Xoshiro256StarStar(seed: 8)
        var cache = KeyCache(capacity: capacity, policy: .lru, keySpace: keys)
        let warmup = (0..<(20 * capacity)).map { _ in UInt32(zipf.sample(&random)) }
        cache.replay(keys: warmup[...])
        let before = cache.counters
        let measured = (0..<4_000_000).map { _ in UInt32(zipf.sample(&random)) }
        cache.replay(keys: measured[...])
        let hitRatio = (cache.counters - before).hitRatio!
        let che = Self.cheHitRatio(keys: keys, exponent: 0.9, capacity: capacity)
        #expect(abs(hitRatio - che) / che < 0.02, "simulated \(hitRatio), Che \(che)")
    }
}
