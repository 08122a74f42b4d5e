import Testing
@testable import ScaleSim

/// The memory bound: a system whose data could outgrow `SystemSpec.dataMemoryLimit` is
/// refused before it runs, and no command takes a running one past it.
@Suite struct MemoryBoundTests {
    /// A database with a cache in front, over `keys` keys.
    static func cachedDatabase(keys: Int, entries: Int) -> SystemSpec {
        var workload = WorkloadSpec(users: 1000, ratePerUser: 0.1, entry: "cache")
        workload.keys = KeySpace(count: keys)
        return SystemSpec(
            name: "cached db",
            workload: workload,
            nodes: [
                NodeSpec(
                    id: "cache", kind: .cache, service: .exponential(mean: 500_000),
                    routes: [RouteSpec(to: "db", outcome: .miss)],
                    cache: CacheSpec(entries: entries)),
                NodeSpec(id: "db", kind: .db, workers: 16, service: .exponential(mean: 10_000_000)),
            ]
        )
    }

    @Test func aSmallCacheOverAHugeKeySpaceCostsOnlyItsEntries() {
        // 1,000 entries over 60M keys: a dense table would be 240 MB; the dictionary is not.
        #expect(!KeyCache.usesDenseIndex(capacity: 1_000, keySpace: 60_000_000))
        #expect(KeyCache.memoryBound(capacity: 1_000, keySpace: 60_000_000) == 56 * 1_000)
        // A cache of a tenth of its key space keeps the fast dense table: 32 B a slot, 4 a key.
        #expect(KeyCache.usesDenseIndex(capacity: 1_000_000, keySpace: 10_000_000))
        #expect(KeyCache.memoryBound(capacity: 1_000_000, keySpace: 10_000_000) == 32 * 1_000_000 + 4 * 10_000_000)
        // A cache larger than its key space holds at most every key.
        #expect(KeyCache.memoryBound(capacity: 100_000_000, keySpace: 5_000) == 32 * 5_000 + 4 * 5_000)

        var cache = KeyCache(capacity: 1_000, policy: .lru, keySpace: 60_000_000)
        cache.insert(59_999_999, version: 1, now: 0)
        #expect(cache.lookup(59_999_999, now: 1) == 1)
    }

    @Test func theBoundAddsUpCachesAndDatabases() {
        let spec = Self.cachedDatabase(keys: 100_000, entries: 30_000)
        #expect(spec.dataMemoryBound == KeyCache.memoryBound(capacity: 30_000, keySpace: 100_000) + 8 * 100_000)
        #expect(spec.dataMemoryProblem == nil)
    }

    @Test func aSystemOverTheBoundIsRefusedSayingTheLimit() throws {
        // 10^9 keys: the database's versions alone could take 30 GiB once every key is written.
        let spec = Self.cachedDatabase(keys: 1_000_000_000, entries: 1_000)
        #expect(spec.dataMemoryBound > SystemSpec.dataMemoryLimit)
        let problem = try #require(spec.dataMemoryProblem)
        #expect(problem.contains("30 GiB") && problem.contains("the limit is 16 GiB"))
    }

    @Test func commandsThatWouldPassTheBoundAreRefusedAndChangeNothing() {
        // 100M keys: the store may take 3.2 GiB, each full 100M-entry cache 5.6 GiB more.
        var engine = Engine(spec: Self.cachedDatabase(keys: 100_000_000, entries: 1_000))
        #expect(engine.execute(.setCacheCapacity(node: "cache", entries: 100_000_000)) == .applied)
        #expect(engine.execute(.addCache(front: "db", entries: 100_000_000)) == .applied)
        let nodes = engine.spec.nodes.count
        guard case .refused(let reason) = engine.execute(.addCache(front: "db", entries: 100_000_000)) else {
            Issue.record("a third full cache was accepted")
            return
        }
        #expect(reason.contains("the limit is 16 GiB"))
        #expect(engine.spec.nodes.count == nodes)
        // A CDN edge caches the static assets (100,000 by default), however many entries it has.
        #expect(engine.execute(.addCDN(region: "all", entries: 100_000_000)) == .applied)
    }

    @Test func pastTheLiveRequestLimitArrivalsAreDroppedAndCounted() {
        // Twice the capacity into an unbounded queue with no timeout: without a limit the
        // queue, and memory, grow as long as the run.
        var engine = Engine(spec: TestNetworks.mmc(rho: 2, workers: 4))
        engine.liveRequestLimit = 500
        engine.run(until: 10 * Nanos.perSecond)
        #expect(engine.requests.live <= 500)
        let total = engine.totalOutcomes
        #expect(total.dropped > 1_000)
        // Conservation still holds: every request completed, was dropped, or is alive.
        #expect(total.requests == total.completed + total.dropped + total.timedOut + total.failed + engine.requests.live)
        let limits = engine.notices.recent.filter { $0.event == .requestLimitReached(500) }
        #expect(limits.count == 1)
    }

    @Test func logPositionsDoNotWrapAt32Bits() {
        // At 50M writes/s a 32-bit log position wrapped in 86 s; failover then trapped.
        var store = VersionStore(keys: 4)
        #expect(store.commit(3) == 1)
        #expect(LogPosition.max / 50_000_000 / 86_400 / 365 > 10_000)
        #expect(store.version(of: 3) == 1)
    }
}
