import Testing

@testable import ScaleSim

/// The staged prefetch of cache lookups (`LookupPrefetch`): the addresses its stages read
/// are the entries a lookup touches, and whatever the pipeline holds, stale or nonsense,
/// no figure moves and nothing is read out of bounds.
@Suite struct LookupPrefetchTests {
    static let ms = Nanos.perMillisecond

    /// Under LRU, keys 1, 2 and 3 inserted in turn: 2's entry lies between 3's (newer) and
    /// 1's (older), and those are the addresses the third stage loads.
    @Test func theStagesFindTheEntryAndTheNeighboursAHitUnlinks() throws {
        var cache = KeyCache(capacity: 4, policy: .lru, keySpace: 16)
        for key: UInt32 in 1...3 { cache.insert(key, version: 0, now: 0) }
        let first = try #require(cache.entryAddress(of: 1))
        let middle = try #require(cache.entryAddress(of: 2))
        let last = try #require(cache.entryAddress(of: 3))
        #expect(Set([first.entry, middle.entry, last.entry]).count == 3)
        let neighbours = try #require(cache.neighbourAddresses(ofEntry: middle.entry))
        #expect(neighbours.newer == last.address)
        #expect(neighbours.older == first.address)
        // The ends of the list have one neighbour: the missing one is the entry itself.
        let newest = try #require(cache.neighbourAddresses(ofEntry: last.entry))
        #expect(newest.newer == last.address && newest.older == middle.address)

        #expect(cache.entryAddress(of: 5) == nil, "an absent key has no entry")
        #expect(cache.entryAddress(of: 16) == nil, "a key outside the key space")
        #expect(cache.entryAddress(of: .max) == nil)
        for entry: Int32 in [-1, -5, 3, 4, .max] {
            #expect(cache.neighbourAddresses(ofEntry: entry) == nil, "entry \(entry) was never handed out")
        }
    }

    /// A cache over more keys than its dense index allows has no index entry to read: the
    /// stages stop at the first, which loads nothing either.
    @Test func aCacheWithoutADenseIndexHasNoStages() {
        var cache = KeyCache(capacity: 4, policy: .lru, keySpace: 1 << 27)
        cache.insert(7, version: 0, now: 0)
        #expect(cache.entryAddress(of: 7) == nil)
        #expect(cache.lookup(7, now: 0) == 0)
    }

    @Test func theWritesInFlightTellTheKeysAhead() {
        var writes = WritesInFlight()
        for key: UInt32 in [10, 11, 12] { writes.append(.init(arrives: SimTime(key), key: key, position: 1)) }
        #expect(writes.key(ahead: 0) == 10)
        #expect(writes.key(ahead: 2) == 12)
        #expect(writes.key(ahead: 3) == nil)
        _ = writes.popArrived(by: 10)
        #expect(writes.key(ahead: 1) == 12)
        #expect(writes.key(ahead: 2) == nil)
    }

    /// Two data centers whose caches take reads, and invalidations at once and 40 ms late,
    /// run twice: once as is, once with the pipeline overwritten every 10 ms by stale and
    /// impossible stages (a cache that is not there, keys outside the key space, entries
    /// never handed out), also after the far cache is emptied and resized. Both runs give
    /// the same figures and the same digest.
    @Test func whateverThePipelineHoldsNoFigureMoves() {
        let spec = DataCenterLatencyTests.farCache(between: 40 * Self.ms)
        let junk: [LookupPrefetch] = [
            LookupPrefetch(indexLoading: ((99, 3), (99, 3)), entryLoading: ((99, 3), (99, 3))),
            LookupPrefetch(indexLoading: ((0, .max), (0, .max)), entryLoading: ((1, .max), (1, .max))),
            LookupPrefetch(indexLoading: ((1, 1 << 20), (1, 1 << 20)), entryLoading: ((0, -7), (0, -7))),
            LookupPrefetch(indexLoading: ((.max, 0), (.max, 0)), entryLoading: ((.max, 0), (.max, 0))),
        ]
        var plain = Engine(spec: spec, seed: 3)
        var disturbed = Engine(spec: spec, seed: 3)
        var step = 0
        for t in stride(from: 10 * Self.ms, through: 3 * Nanos.perSecond, by: SimTime.Stride(10 * Self.ms)) {
            if t == 2 * Nanos.perSecond {
                let shrink = SimCommand.setCacheCapacity(node: "cache-eu", entries: 10)
                #expect(plain.execute(shrink) == .applied)
                #expect(disturbed.execute(shrink) == .applied)
            }
            plain.run(until: t)
            disturbed.lookupPrefetch = junk[step % junk.count]
            step += 1
            disturbed.run(until: t)
        }
        #expect(plain.totalOutcomes.requests > 3_000)
        #expect(disturbed.summary() == plain.summary())
        #expect(disturbed.digest() == plain.digest())
    }
}
