import ScaleFiles
import ScaleSim
import Testing

/// Stage 5 (cache, vertical, sharding) and stage 6 (CDN). Their workloads ramp from 30% to
/// full over the first minute, so these runs measure from 60 s on, at full load.
@Suite(.serialized) struct StageLessonDataTests {
    /// Web servers enough that only the data tier limits.
    static func withWebServers(_ count: Int, _ spec: SystemSpec) -> SystemSpec {
        var spec = spec
        spec.nodes = spec.nodes.map { node in
            var node = node
            if node.kind == .app { node.servers = count }
            return node
        }
        return spec
    }

    @Test func stage5CacheCutsDatabaseReadsByItsHitRatio() throws {
        let stage4 = try Stage.spec("04")
        let stage5 = try Stage.spec("05")
        // 6,000 requests/s: 3,900 reads/s for two replicas of 1,600/s.
        let before = Stage.run(Stage.spec(stage4, under: stage5), seconds: 90, warmup: 60).summary()
        #expect(try before.node("db-replica").utilization ?? 0 > 0.97)
        #expect(before.errors > 0)

        let after = Stage.run(stage5, seconds: 120, warmup: 60).summary()
        #expect(after.errors == 0)
        let cache = try after.node("cache")
        let hitRatio = try #require(cache.cache?.hitRatio)
        // Che's approximation for LRU, 30,000 of 100,000 Zipf(0.9) keys: 0.774. Writes (5%
        // of requests against 65% reads) delete their keys, which costs a little more.
        #expect(hitRatio > 0.70 && hitRatio < 0.79, "hit ratio \(hitRatio)")
        // Every miss, and nothing else, reaches the replicas: they see (1 - hit ratio) of
        // the reads, 3,900 × 0.23 ≈ 900/s, utilization 900 × 10 ms / 32 ≈ 0.28.
        let reads = Double(try after.requestClass(.read).counts.requests)
        let replicas = try after.node("db-replica")
        #expect(abs(Double(replicas.arrivals) / reads - (1 - hitRatio)) < 0.01)
        #expect(replicas.utilization ?? 1 < 0.35)
    }

    @Test func stage5VerticalScalingHitsTheSizeCap() throws {
        let stage5v = try Stage.spec("05v-vertical")
        // One size up, 2 replicas × 32 workers serve 6,400 reads/s: 3,900 is 0.61.
        let run = Stage.run(stage5v, seconds: 90, warmup: 60)
        let summary = run.summary()
        #expect(summary.errors == 0)
        #expect(abs((try summary.node("db-replica").utilization ?? 0) - 0.61) < 0.04)
        var engine = run
        #expect(engine.execute(.resize(node: "db-replica", steps: 1)) == .applied)
        guard case .refused(let reason) = engine.execute(.resize(node: "db-replica", steps: 1)) else {
            Issue.record("scaling beyond max_size 2 was not refused")
            return
        }
        #expect(reason.contains("largest instance size"))

        // At the top (64 workers each: 12,800 reads/s), 20% more reads than that saturate
        // the replicas, and no bigger machine exists.
        var spec = Self.withWebServers(200, stage5v)
        spec.workload.mix = [.read: 1]
        spec.workload.shape = .steady
        spec.workload.users = 153_600
        let capped = Stage.run(spec, seconds: 30, warmup: 10, commands: [(0, .resize(node: "db-replica", steps: 1))])
        let replicas = try capped.summary().node("db-replica")
        #expect(replicas.size == 2)
        #expect(replicas.utilization ?? 0 > 0.97)
        #expect(replicas.errors > 0)
    }

    @Test func stage5HotShardSaturatesFirst() throws {
        let stage5s = try Stage.spec("05s-sharding")
        // Keys hash to 4 shards; under Zipf(1.0) over 100,000 keys the shard holding key 0
        // (8.3% of requests on its own) gets 1.36 times the mean share, by summing the
        // Zipf weights of each shard's keys.
        let summary = Stage.run(stage5s, seconds: 90, warmup: 60).summary()
        let shards = try summary.node("db").serverUtilization
        #expect(shards.count == 4)
        let mean = shards.reduce(0, +) / 4
        #expect((shards.max() ?? 0) / mean > 1.28, "shards \(shards)")
        #expect(summary.errors == 0)

        // 30% more users: the hot shard needs 0.656 × 1.3 × 1.36 = 1.16 of itself and
        // saturates; the next busiest needs 0.656 × 1.3 × 1.035 = 0.88.
        var spec = Self.withWebServers(48, stage5s)
        spec.workload.users = 78_000
        let hot = try Stage.run(spec, seconds: 90, warmup: 60).summary().node("db")
        let ranked = hot.serverUtilization.sorted(by: >)
        #expect(ranked[0] > 0.97, "shards \(hot.serverUtilization)")
        #expect(ranked[1] < 0.92, "shards \(hot.serverUtilization)")
        #expect(hot.errors > 0)
    }

    @Test func stage6CDNServesStaticNearTheUsers() throws {
        let stage5 = try Stage.spec("05")
        let stage6 = try Stage.spec("06")
        // 9,000 requests/s on 24 web servers: 0.94 on average, beyond 1 on the busiest.
        let before = Stage.run(Stage.spec(stage5, under: stage6), seconds: 120, warmup: 60).summary()
        #expect(try before.node("app").busiestServer > 0.97)
        #expect(before.errors > 0)

        let after = Stage.run(stage6, seconds: 120, warmup: 60).summary()
        #expect(after.errors == 0)
        // Each edge holds all 5,000 assets (10,000 entries, 1 h TTL): once warm, only the
        // first request for a rarely used asset misses.
        let edges = try ["cdn-us", "cdn-eu"].map { try after.node($0) }
        let hits = edges.reduce(0) { $0 + ($1.cache?.hits ?? 0) }
        let staticRequests = try after.requestClass(.static).counts.requests
        #expect(Double(hits) / Double(staticRequests) > 0.9)
        // The web tier keeps 70% of the requests (plus the few misses): 0.66.
        #expect(abs((try after.node("app").utilization ?? 0) - 0.66) < 0.04)
    }

    @Test func stage6CDNLowersFarUsersTail() throws {
        // Only European users, 80 ms each way from us-east. Without an edge each static
        // request pays the 160 ms round trip; with one, a hit is 5 ms away (exponential:
        // p99 = 5 ms × ln 100 = 23 ms) and misses are rare once the edge is warm.
        func europeanStaticP99(_ spec: SystemSpec) throws -> Double {
            var spec = spec
            spec.workload.users = 36_000
            spec.workload.regions = [RegionShare(name: "eu", share: 1)]
            let summary = Stage.run(spec, seconds: 120, warmup: 60).summary()
            return Double(try #require(try summary.requestClass(.static).p99)) / 1e6
        }
        let without = try europeanStaticP99(Stage.spec(try Stage.spec("05"), under: try Stage.spec("06")))
        let with = try europeanStaticP99(try Stage.spec("06"))
        #expect(without > 160, "\(without) ms")
        #expect(with < 50, "\(with) ms")
    }
}
