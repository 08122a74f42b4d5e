import ScaleFiles
import ScaleSim
import Testing

@Suite struct PresetDiffTests {
    @Test func equalSpecsHaveNoChanges() throws {
        let spec = try Stage.spec("05")
        #expect(PresetDiff.changes(from: spec, to: spec).isEmpty)
    }

    @Test func loadBalancerStage() throws {
        let changes = PresetDiff.changes(from: try Stage.spec("02"), to: try Stage.spec("03"))
        #expect(
            changes == [
                "added lb (load balancer, consistent hashing) in front of app",
                "data center us-east: entry app -> lb",
                "users 10,000 -> 18,000",
                "requests/s 1,000 -> 1,800",
            ])
    }

    @Test func replicaStageMovesReadsOnly() throws {
        let changes = PresetDiff.changes(from: try Stage.spec("03"), to: try Stage.spec("04"))
        #expect(
            changes == [
                "added db-replica (2 read replicas of db)",
                "app: read -> db-replica (was db)",
                "users 18,000 -> 26,000",
                "requests/s 1,800 -> 2,600",
            ])
    }

    @Test func shardingRemovesTheReplicas() throws {
        let changes = PresetDiff.changes(from: try Stage.spec("04"), to: try Stage.spec("05s-sharding"))
        #expect(
            changes == [
                "removed db-replica (2 read replicas of db)",
                "app: read -> db (was db-replica)",
                "db: shards 1 -> 4",
                "users 26,000 -> 60,000",
                "requests/s 2,600 -> 6,000",
                "keys 100,000 Zipf(0.9) -> 100,000 Zipf(1)",
                "traffic steady -> ramp from 30% over 1m",
            ])
    }

    @Test func statelessStageNamesEveryChangeOfTheWebTier() throws {
        let changes = PresetDiff.changes(from: try Stage.spec("06"), to: try Stage.spec("07"))
        #expect(
            changes == [
                "added sessions (session store)",
                "lb: policy consistent hashing -> round-robin",
                "app: sessions sticky (in server memory) -> none",
                "app: calls nothing -> sessions",
                "app: autoscaling off -> 60% target, 24 to 80 servers",
                "users 90,000 -> 130,000",
                "requests/s 9,000 -> 13,000",
            ])
    }

    @Test func queueStageChangesTheMixAndAddsTimedCommands() throws {
        let changes = PresetDiff.changes(from: try Stage.spec("08"), to: try Stage.spec("09"))
        #expect(
            changes == [
                "added jobs (message queue, 4 × 16 workers) in us-east",
                "added jobs-eu (message queue, 4 × 16 workers) in eu-west",
                "app: job -> jobs (was here)",
                "app-eu: job -> jobs-eu (was here)",
                "mix: read 65% -> 55%, job 0% -> 10%",
                "timed commands 0 -> 2",
            ])
    }

    @Test func secondDataCenter() throws {
        let changes = PresetDiff.changes(from: try Stage.spec("07"), to: try Stage.spec("08"))
        #expect(changes.contains("added lb-eu (load balancer, round-robin) in front of app-eu in eu-west"))
        #expect(changes.contains("added db-replica-eu (2 read replicas of db) in eu-west"))
        #expect(changes.contains("added data center eu-west (entry lb-eu)"))
        #expect(changes.contains("latency eu to eu-west 10ms"))
        #expect(changes.contains("regions us 60%, eu 40% -> us 50%, eu 50%"))
    }

    @Test func nodeSettingsAndWorkloadKnobs() throws {
        let old = try Stage.spec("05")
        var new = old
        new.nodes[1].workers = 16
        new.nodes[1].service = .exponential(mean: 15 * Nanos.perMillisecond)
        new.nodes[2].cache?.entries = 5_000
        new.nodes[2].cache?.eviction = .lfu
        new.workload.ratePerUser = 0.2
        new.workload.retries = RetrySpec(limit: 2, backoff: 200 * Nanos.perMillisecond)
        #expect(
            PresetDiff.changes(from: old, to: new) == [
                "app: workers 8 -> 16",
                "app: service 20ms lognormal cv 1 -> 15ms exponential",
                "cache: cache entries 30,000 -> 5,000",
                "cache: eviction LRU -> LFU",
                "requests per user per second 0.1 -> 0.2",
                "requests/s 6,000 -> 12,000",
                "retries off -> 2 after 0.2s",
            ])
    }

    // MARK: - Latency between data centers

    private static let ms = Nanos.perMillisecond

    /// Two data centers, us-east and eu-west, with `latencies` between them.
    private static func twoDataCenters(_ latencies: [(String, String, Int64)]) throws -> SystemSpec {
        var spec = try Stage.spec("08")
        #expect(spec.datacenters.map(\.name) == ["us-east", "eu-west"])
        spec.datacenterLatencies = latencies.map { DataCenterLatency(from: $0.0, to: $0.1, latency: $0.2 * ms) }
        return spec
    }

    @Test func addedLatencyBetweenDataCenters() throws {
        let none = try Self.twoDataCenters([])
        #expect(
            PresetDiff.changes(from: none, to: try Self.twoDataCenters([("us-east", "eu-west", 40)]))
                == ["added dc latency us-east to eu-west and back 40ms"])
        #expect(
            PresetDiff.changes(from: none, to: try Self.twoDataCenters([("eu-west", "us-east", 55), ("us-east", "eu-west", 40)]))
                == ["added dc latency eu-west to us-east 55ms", "added dc latency us-east to eu-west 40ms"])
        // Given at 0, a pair is as it was when not given.
        #expect(PresetDiff.changes(from: none, to: try Self.twoDataCenters([("us-east", "eu-west", 0)])).isEmpty)
    }

    @Test func changedLatencyBetweenDataCenters() throws {
        let oneWay = try Self.twoDataCenters([("us-east", "eu-west", 40)])
        #expect(
            PresetDiff.changes(from: oneWay, to: try Self.twoDataCenters([("us-east", "eu-west", 60)]))
                == ["dc latency us-east to eu-west and back 40ms -> 60ms"])
        // Given the other way at the same latency: nothing changes.
        #expect(PresetDiff.changes(from: oneWay, to: try Self.twoDataCenters([("eu-west", "us-east", 40)])).isEmpty)
        let both = try Self.twoDataCenters([("us-east", "eu-west", 40), ("eu-west", "us-east", 40)])
        #expect(PresetDiff.changes(from: oneWay, to: both).isEmpty)
        // One way changed, so the ways differ.
        #expect(
            PresetDiff.changes(
                from: oneWay, to: try Self.twoDataCenters([("us-east", "eu-west", 40), ("eu-west", "us-east", 55)]))
                == ["dc latency eu-west to us-east 40ms -> 55ms"])
        #expect(
            PresetDiff.changes(
                from: try Self.twoDataCenters([("us-east", "eu-west", 40), ("eu-west", "us-east", 55)]),
                to: try Self.twoDataCenters([("us-east", "eu-west", 50), ("eu-west", "us-east", 65)]))
                == ["dc latency us-east to eu-west 40ms -> 50ms", "dc latency eu-west to us-east 55ms -> 65ms"])
    }

    @Test func removedLatencyBetweenDataCenters() throws {
        let none = try Self.twoDataCenters([])
        #expect(
            PresetDiff.changes(from: try Self.twoDataCenters([("us-east", "eu-west", 40)]), to: none)
                == ["removed dc latency us-east to eu-west and back (was 40ms)"])
        #expect(
            PresetDiff.changes(from: try Self.twoDataCenters([("us-east", "eu-west", 40), ("eu-west", "us-east", 55)]), to: none)
                == ["removed dc latency us-east to eu-west (was 40ms)", "removed dc latency eu-west to us-east (was 55ms)"])
        // The lines come after the data centers and the latency from regions.
        var gone = try Stage.spec("07")
        gone.datacenterLatencies = []
        let lines = PresetDiff.changes(from: try Self.twoDataCenters([("us-east", "eu-west", 40)]), to: gone)
        let removed = try #require(lines.firstIndex(of: "removed dc latency us-east to eu-west and back (was 40ms)"))
        #expect(lines[..<removed].contains("removed data center eu-west"))
    }
}
