import Testing

@testable import ScaleSim

/// The latency between data centers (`dc_latency`): writes reach a far cache late, routes
/// without a latency of their own take it, and the partition plan follows from it.
@Suite struct DataCenterLatencyTests {
    static let ms = Nanos.perMillisecond

    /// Two data centers: the primary `db` and a cache in us, a cache in eu that misses
    /// across to `db`; users in both regions read from their own data center's cache.
    static func farCache(between: SimTime?, writePolicy: WritePolicy = .invalidate, users: Int = 10_000) -> SystemSpec {
        let cache = CacheSpec(entries: 1_000, writePolicy: writePolicy)
        return SystemSpec(
            name: "far cache",
            workload: WorkloadSpec(
                users: users, ratePerUser: 0.2, mix: [.read: 0.8, .write: 0.2], keys: KeySpace(count: 200, zipf: 0.5),
                entry: "web-us", regions: [RegionShare(name: "us", share: 0.5), RegionShare(name: "eu", share: 0.5)]),
            nodes: [
                NodeSpec(
                    id: "web-us", kind: .app, servers: 2, workers: 32, service: .exponential(mean: ms),
                    routes: [RouteSpec(to: "cache-us", classes: [.read]), RouteSpec(to: "db", classes: [.write])], dc: "us"),
                NodeSpec(
                    id: "cache-us", kind: .cache, workers: 64, service: .exponential(mean: ms / 10),
                    routes: [RouteSpec(to: "db", outcome: .miss)], cache: cache, dc: "us"),
                NodeSpec(id: "db", kind: .db, workers: 64, service: .exponential(mean: ms), dc: "us"),
                NodeSpec(
                    id: "web-eu", kind: .app, servers: 2, workers: 32, service: .exponential(mean: ms),
                    routes: [
                        RouteSpec(to: "cache-eu", classes: [.read]), RouteSpec(to: "db", classes: [.write], latency: 80 * ms),
                    ], dc: "eu"),
                NodeSpec(
                    id: "cache-eu", kind: .cache, workers: 64, service: .exponential(mean: ms / 10),
                    routes: [RouteSpec(to: "db", latency: 80 * ms, outcome: .miss)], cache: cache, dc: "eu"),
            ],
            datacenters: [DataCenterSpec(name: "us", entry: "web-us"), DataCenterSpec(name: "eu", entry: "web-eu")],
            latencies: [
                RegionLatency(region: "us", dc: "us", latency: 10 * ms), RegionLatency(region: "us", dc: "eu", latency: 90 * ms),
                RegionLatency(region: "eu", dc: "us", latency: 90 * ms), RegionLatency(region: "eu", dc: "eu", latency: 10 * ms),
            ],
            datacenterLatencies: between.map { [DataCenterLatency(from: "us", to: "eu", latency: $0)] } ?? [])
    }

    /// Commits a write of `key` at `db` now, as a write request served there would.
    static func commitWrite(_ engine: inout Engine, key: UInt32) {
        let db = Int(engine.nodeIndex["db"]!)
        let position = engine.primaryStates[Int(engine.nodes[db].slot)].store.commit(key)
        engine.writeReachesCaches(key: key, position: position, primary: db)
    }

    /// The version cache `id` holds for `key`, if any.
    static func cached(_ engine: inout Engine, _ id: String, key: UInt32) -> CachedVersion? {
        let k = Int(engine.nodes[Int(engine.nodeIndex[id]!)].slot)
        return engine.cacheStates[k].cache.lookup(key, now: engine.now)
    }

    static func put(_ engine: inout Engine, _ id: String, key: UInt32, version: CachedVersion) {
        let k = Int(engine.nodes[Int(engine.nodeIndex[id]!)].slot)
        engine.cacheStates[k].cache.insert(key, version: version, now: engine.now)
    }

    @Test func aWriteReachesTheFarCacheOneLatencyLaterAndTheNearOneAtOnce() {
        var engine = Engine(spec: Self.farCache(between: 50 * Self.ms, users: 0), seed: 1)
        engine.run(until: Nanos.perSecond)
        for id in ["cache-us", "cache-eu"] { Self.put(&engine, id, key: 7, version: 0) }
        Self.commitWrite(&engine, key: 7)
        #expect(Self.cached(&engine, "cache-us", key: 7) == nil, "invalidated in the primary's data center at once")
        engine.run(until: engine.now + 50 * Self.ms - 1)
        #expect(Self.cached(&engine, "cache-eu", key: 7) == 0, "the far cache still answers the old version")
        engine.run(until: engine.now + 1)
        #expect(Self.cached(&engine, "cache-eu", key: 7) == nil, "invalidated 50 ms after the commit")
    }

    @Test func writesOnTheirWayArriveInCommitOrder() {
        var engine = Engine(spec: Self.farCache(between: 50 * Self.ms, writePolicy: .writeThrough, users: 0), seed: 1)
        engine.run(until: Nanos.perSecond)
        Self.put(&engine, "cache-eu", key: 3, version: 0)
        for gap in [0, 10, 10] {
            engine.run(until: engine.now + SimTime(gap) * Self.ms)
            Self.commitWrite(&engine, key: 3)
        }
        var seen: [CachedVersion?] = []
        for _ in 0..<4 {
            seen.append(Self.cached(&engine, "cache-eu", key: 3))
            engine.run(until: engine.now + 10 * Self.ms)
        }
        // Committed at 1.00, 1.01 and 1.02 s as versions 1 to 3; looked at 1.02 to 1.05 s.
        #expect(seen == [0, 0, 0, 1], "\(seen)")
        engine.run(until: engine.now + 20 * Self.ms)
        #expect(Self.cached(&engine, "cache-eu", key: 3) == 3)
    }

    @Test func withoutALatencyBetweenDataCentersAWriteReachesEveryCacheAtOnce() {
        var engine = Engine(spec: Self.farCache(between: nil, users: 0), seed: 1)
        engine.run(until: Nanos.perSecond)
        Self.put(&engine, "cache-eu", key: 7, version: 0)
        Self.commitWrite(&engine, key: 7)
        #expect(Self.cached(&engine, "cache-eu", key: 7) == nil)
    }

    /// The far cache answers stale reads while invalidations cross; the near one does not
    /// change, since its writes arrive as before.
    @Test func theLatencyBetweenDataCentersShowsAsStaleReadsAtTheFarCache() throws {
        func staleReads(between: SimTime?) throws -> (near: Int, far: Int) {
            var engine = Engine(spec: Self.farCache(between: between), seed: 5)
            engine.run(until: 60 * Nanos.perSecond)
            let nodes = engine.summary().nodes
            let near = try #require(nodes.first { $0.id == "cache-us" }).staleReads
            let far = try #require(nodes.first { $0.id == "cache-eu" }).staleReads
            return (near, far)
        }
        let instant = try staleReads(between: nil)
        let delayed = try staleReads(between: 80 * Self.ms)
        // 200 writes/s over 200 keys, 400 reads/s at eu: with 80 ms in flight, some 16
        // writes are on their way at any time, each leaving its key stale to eu's readers.
        #expect(delayed.far > 3 * max(instant.far, 1) && delayed.far > 500, "far cache: \(instant.far) -> \(delayed.far)")
        let nearChange = abs(Double(delayed.near - instant.near)) / Double(max(instant.near, 1))
        #expect(nearChange < 0.5, "near cache: \(instant.near) -> \(delayed.near)")
    }

    @Test func aRouteIntoAnotherDataCenterWithoutALatencyTakesTheLatencyBetweenThem() {
        var spec = Self.farCache(between: 30 * Self.ms)
        spec.nodes[3].routes[1].latency = 0
        let engine = Engine(spec: spec, seed: 1)
        let webEU = Int(engine.nodeIndex["web-eu"]!)
        let write = engine.nodes[webEU].routes[RequestClass.write.rawValue].routes
        #expect(write.map(\.latency) == [30 * Self.ms])
        let read = engine.nodes[webEU].routes[RequestClass.read.rawValue].routes
        #expect(read.map(\.latency) == [0], "a route within a data center keeps its own latency")
    }

    /// The link strip shows the latency each link's messages travel, as the engine runs it.
    @Test func linksShowTheLatencyTheirMessagesTravel() {
        var spec = Self.farCache(between: 30 * Self.ms)
        spec.nodes[3].routes[1].latency = 0
        var engine = Engine(spec: spec, seed: 1)
        engine.run(until: 3 * Nanos.perSecond)
        func latency(_ from: String, _ to: String, _ kind: LinkKind) -> SimTime? {
            engine.linkSnapshot.first { $0.from == from && $0.to == to && $0.kind == kind }?.latency
        }
        #expect(latency("db", "cache-eu", .invalidation) == 30 * Self.ms)
        #expect(latency("db", "cache-us", .invalidation) == 0)
        #expect(latency("web-eu", "db", .requests) == 30 * Self.ms, "a route across without its own latency")
        #expect(latency("cache-eu", "db", .requests) == 80 * Self.ms, "a route's own latency")
    }

    @Test func aSystemWithOneDataCenterOrNoneIsOnePartition() {
        for spec in [TestNetworks.mmc(rho: 0.5, workers: 4), Self.farCache(between: nil)] {
            let plan = Engine(spec: spec, seed: 1).partitionPlan
            #expect(plan.partitions.count == 1)
            #expect(plan.lookahead == nil)
        }
    }

    @Test func dataCentersApartByTheirLatencyArePartitionsWithTheLeastDelayAsLookahead() {
        let plan = Engine(spec: Self.farCache(between: 50 * Self.ms), seed: 1).partitionPlan
        #expect(plan.partitions == [["us"], ["eu"]])
        #expect(plan.lookahead == 50 * Self.ms)
        #expect(plan.limitedBy == "writes db -> cache-eu")

        // A faster route across sets the lookahead; one without any delay joins the two.
        var spec = Self.farCache(between: 50 * Self.ms)
        spec.nodes[3].routes[1].latency = 20 * Self.ms
        #expect(Engine(spec: spec, seed: 1).partitionPlan.lookahead == 20 * Self.ms)
        spec.nodes[3].calls = "db"
        #expect(Engine(spec: spec, seed: 1).partitionPlan.partitions == [["us", "eu"]])
    }

    @Test func retriesWithoutAFloorToTheirBackoffJoinEveryDataCenterTheyReturnFrom() {
        var spec = Self.farCache(between: 50 * Self.ms)
        spec.workload.retries = RetrySpec(limit: 2, backoff: 60 * Self.ms, jitter: .half)
        let plan = Engine(spec: spec, seed: 1).partitionPlan
        #expect(plan.lookahead == 30 * Self.ms)
        #expect(plan.limitedBy == "retries of us")
        spec.workload.retries.jitter = .full
        #expect(Engine(spec: spec, seed: 1).partitionPlan.partitions == [["us", "eu"]])
    }

    @Test func aCopiedDataCenterIsAsFarFromTheOthersAsItsModelAndGoneWithIt() {
        var engine = Engine(spec: Self.farCache(between: 50 * Self.ms), seed: 1)
        let copy = DataCenterCopy(name: "ap", model: "eu", region: "eu", latency: 30 * Self.ms)
        #expect(engine.execute(.addDataCenter(copy)) == .applied)
        #expect(engine.spec.datacenterLatency(from: "ap", to: "eu") == 10 * Self.ms, "as far as eu's users are from eu")
        #expect(engine.spec.datacenterLatency(from: "ap", to: "us") == 50 * Self.ms)
        #expect(engine.partitionPlan.partitions == [["us"], ["eu"], ["ap"]])
        #expect(engine.execute(.removeDataCenter("ap")) == .applied)
        #expect(engine.spec.datacenterLatencies == [DataCenterLatency(from: "us", to: "eu", latency: 50 * Self.ms)])
    }
}
