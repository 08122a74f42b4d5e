import ScaleFiles
import ScaleSim
import Testing

/// Stages 7 (stateless web tier), 8 (data centers) and 9 (message queues).
@Suite(.serialized) struct StageLessonScaleTests {
    @Test func stage7StatelessWebTierAutoscales() throws {
        let stage6 = try Stage.spec("06")
        let stage7 = try Stage.spec("07")
        // 13,000 requests/s; after the CDN about 9,100 reach 24 fixed web servers (9,600/s):
        // 0.95 on average, and the busiest (consistent hashing gives it 17% more) overflows.
        let before = Stage.run(Stage.spec(stage6, under: stage7), seconds: 120, warmup: 60).summary()
        #expect(try before.node("app").utilization ?? 0 > 0.9)
        #expect(try before.node("app").busiestServer > 0.97)
        #expect(before.errors > 0)
        // The autoscaler steers toward 0.6: about 9,500 × 20 ms / 8 / 0.6 = 40 servers. It
        // acts outside 0.7 to 1.1 times the target, so utilization settles within 0.42 to
        // 0.66.
        let after = Stage.run(stage7, seconds: 240, warmup: 180).summary()
        let app = try after.node("app")
        #expect(after.errors == 0)
        #expect((33...48).contains(app.servers), "\(app.servers) servers")
        #expect(app.utilization ?? 0 > 0.42 && app.utilization ?? 1 < 0.66)
    }

    @Test func stage7SessionStoreLosesNoSessionWhenAServerGoes() throws {
        // Remove 4 of 24 servers at 70 s under stage 6's load (not overloaded). Sticky
        // sessions: the ring moves the removed servers' users (4/24 of 90,000), and each of
        // them who comes back within the next 20 s (1 - e^-2 = 86%) is logged out: ~13,000.
        let workload = try Stage.spec("06")
        let remove: [(at: Int, command: SimCommand)] = [(70, .removeServers(node: "app", count: 4))]
        let sticky = Stage.run(workload, seconds: 90, warmup: 60, commands: remove).summary()
        #expect(try sticky.node("app").sessionsLost > 8_000)
        let stateless = Stage.run(Stage.spec(try Stage.spec("07"), under: workload), seconds: 90, warmup: 60, commands: remove)
            .summary()
        #expect(try stateless.node("app").sessionsLost == 0)
        #expect(stateless.errors == 0)
    }

    @Test func stage8SecondDataCenterServesEuropeNearby() throws {
        let stage7 = try Stage.spec("07")
        let stage8 = try Stage.spec("08")
        // 20,000 requests/s: 13,000 reads/s leave about 3,000 to 3,500/s after the cache for
        // two replicas of 1,600/s in stage 7's one data center.
        let before = Stage.run(Stage.spec(stage7, under: stage8), seconds: 120, warmup: 60).summary()
        #expect(try before.node("db-replica").utilization ?? 0 > 0.95)
        #expect(before.errors > 0)
        let after = Stage.run(stage8, seconds: 120, warmup: 60).summary()
        #expect(after.errors == 0)
        #expect(try after.node("db-replica").utilization ?? 1 < 0.8)
        #expect(try after.node("db-replica-eu").utilization ?? 1 < 0.8)

        // European users only (100,000, their share of stage 8): a read pays 2 × 80 ms to
        // us-east, or 2 × 10 ms to eu-west.
        func europeanReadP99(_ spec: SystemSpec) throws -> Double {
            var spec = spec
            spec.workload.users = 100_000
            spec.workload.regions = [RegionShare(name: "eu", share: 1)]
            let summary = Stage.run(spec, seconds: 120, warmup: 60).summary()
            return Double(try #require(try summary.requestClass(.read).p99)) / 1e6
        }
        let far = try europeanReadP99(Stage.spec(stage7, under: stage8))
        let near = try europeanReadP99(stage8)
        #expect(far > 160, "\(far) ms")
        #expect(near < far - 100, "\(near) ms against \(far) ms")
    }

    @Test func stage8DataCenterOutageFailsOverAndCountsLostWrites() throws {
        // us-east dies at 70 s. Geo-DNS notices after 10 s and sends everyone to eu-west.
        // The primary dies with it: the writes committed in the last 80 ms (the replication
        // delay to eu-west) never got there, about 1,000 writes/s × 0.08 s = 80, and are
        // counted lost when a European replica is promoted, 30 s later.
        let engine = Stage.run(try Stage.spec("08"), seconds: 105, warmup: 85, commands: [(70, .killDataCenter("us-east"))])
        #expect(engine.errors(from: 60, to: 70) == 0)
        #expect(engine.errors(from: 70, to: 80) > 0)
        let summary = engine.summary()
        #expect(try summary.node("lb").arrivals == 0)
        #expect(try summary.node("lb-eu").arrivals > 0)
        #expect(summary.writesLost >= 40 && summary.writesLost <= 200, "\(summary.writesLost) writes lost")
    }

    /// Stage 9 under a job-only workload: 6,400 users send 640 jobs/s, half to each data
    /// center, whose queue has 64 consumers at 50 ms (1,280 jobs/s, 0.25 busy).
    static func jobBurst(synchronous: Bool) throws -> SystemSpec {
        var spec = try Stage.spec("09")
        spec.script = []
        spec.workload.mix = [.job: 1]
        spec.workload.users = 6_400
        // Ten times the jobs for 5 s, from 20 s.
        spec.workload.shape = .spike(at: 20 * Nanos.perSecond, duration: 5 * Nanos.perSecond, factor: 10)
        if synchronous {
            // The same service B called while the user waits, who gives up after 2 s.
            spec.nodes = spec.nodes.map { node in
                var node = node
                if node.kind == .queue {
                    node.kind = .station
                    node.timeout = 2 * Nanos.perSecond
                }
                return node
            }
        }
        return spec
    }

    @Test func stage9QueueAbsorbsATenfoldBurst() throws {
        // During the burst 3,200 jobs/s reach each queue, which takes 1,280: the backlog
        // grows by 1,920/s, to about 9,600 jobs by 25 s, and drains at 1,280 - 320 = 960
        // jobs/s, in about 10 s.
        var queued = Engine(spec: try Self.jobBurst(synchronous: false), seed: 7)
        queued.run(until: 25 * Nanos.perSecond)
        let peak = try queued.summary().node("jobs").queueLength
        #expect(peak > 7_000 && peak < 12_000, "\(peak) jobs queued")
        queued.run(until: 45 * Nanos.perSecond)
        let end = queued.summary()
        #expect(end.errors == 0)
        #expect(try end.node("jobs").queueLength < 100)

        // Called synchronously, the backlog's wait passes 2 s and requests fail.
        let synchronous = Stage.run(try Self.jobBurst(synchronous: true), seconds: 45).summary()
        #expect(synchronous.errors > 1_000)
    }

    @Test func stage9BacklogDrainsOnceWorkersAreAdded() throws {
        // 1,920 jobs/s per data center, 1.5 times the consumers: the backlog grows by
        // 640/s, to about 19,200 by 30 s. Doubling the workers (2,560/s) drains it at
        // 640/s, in about 30 s.
        var spec = try Self.jobBurst(synchronous: false)
        spec.workload.shape = .steady
        spec.workload.users = 38_400
        var engine = Engine(spec: spec, seed: 7)
        engine.run(until: 30 * Nanos.perSecond)
        let backlog = try engine.summary().node("jobs").queueLength
        #expect(backlog > 15_000 && backlog < 23_000, "\(backlog) jobs queued")
        #expect(engine.execute(.setWorkers(node: "jobs", count: 32)) == .applied)
        engine.run(until: 75 * Nanos.perSecond)
        let drained = engine.summary()
        #expect(try drained.node("jobs").queueLength < 100)
        #expect(drained.errors == 0)
    }
}
