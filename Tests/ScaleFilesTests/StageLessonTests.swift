import ScaleFiles
import ScaleSim
import Testing

/// Stages 1 to 4: each stage's step fixes what stage N-1 cannot carry under stage N's
/// workload, by the numbers queueing theory predicts (capacity = servers × workers /
/// mean service time; utilization = arrival rate × mean service time / workers).
///
/// Shared figures: a web server has 8 workers at 20 ms (400 requests/s), the database 16
/// at 10 ms (1,600/s); the mix is 30% static, 65% read, 5% write; 0.1 requests per user
/// per second.
@Suite(.serialized) struct StageLessonTests {
    @Test func stage1SplitTakesTheLoadOffTheSingleBox() throws {
        let stage0 = try Stage.spec("00")
        let stage1 = try Stage.spec("01")
        // 3,000 users: 300 requests/s against the box's 8 / 40 ms = 200/s, demand 1.5.
        let before = Stage.run(Stage.spec(stage0, under: stage1), seconds: 60).summary()
        #expect(try before.node("app").utilization ?? 0 > 0.97)
        #expect(before.errors > 0)
        // Split: web 300 × 20 ms / 8 = 0.75; database 210 × 10 ms / 16 = 0.131.
        let after = Stage.run(stage1, seconds: 60).summary()
        #expect(abs((try after.node("app").utilization ?? 0) - 0.75) < 0.05)
        #expect(abs((try after.node("db").utilization ?? 0) - 0.131) < 0.02)
        #expect(after.errors == 0)
    }

    @Test func stage2DNSRoundRobinAddsCapacityButSpreadsItUnevenly() throws {
        let stage1 = try Stage.spec("01")
        let stage2 = try Stage.spec("02")
        // 1,000 requests/s against one web server's 400.
        let before = Stage.run(Stage.spec(stage1, under: stage2), seconds: 50).summary()
        #expect(try before.node("app").utilization ?? 0 > 0.97)
        #expect(before.errors > 0)
        // 24 servers average 1,000 × 20 ms / 192 = 0.104. Within one 60 s TTL each of the 16
        // resolvers holds one server: 8 servers get nothing, and the biggest resolver (a
        // quarter of the users: a uniform u squared falls below 1/16 with probability 1/4)
        // sends its server 250 requests/s, 250 × 20 ms / 8 = 0.625.
        let after = Stage.run(stage2, seconds: 50).summary()
        let app = try after.node("app")
        #expect(after.errors == 0)
        #expect(abs((app.utilization ?? 0) - 0.104) < 0.01)
        #expect(app.busiestServer > 0.55)
        #expect(app.serverUtilization.filter { $0 < 0.001 }.count >= 8)
    }

    @Test func stage2DNSKeepsSendingUsersToADeadServer() throws {
        // Server 0 is the first DNS answer. Killed at 10 s, it is out of the DNS rotation
        // after the 5 s health check, but resolvers that cached it keep sending users there
        // until their 60 s TTL runs out: requests keep failing long after 15 s.
        let engine = Stage.run(try Stage.spec("02"), seconds: 50, commands: [(10, .kill(node: "app", server: 0))])
        #expect(engine.errors(from: 0, to: 10) == 0)
        #expect(engine.errors(from: 20, to: 50) > 100)
    }

    @Test func stage3LoadBalancerEvensTheLoad() throws {
        let stage2 = try Stage.spec("02")
        let stage3 = try Stage.spec("03")
        // 1,800 requests/s: the biggest resolver's quarter is 450/s for a 400/s server.
        let before = Stage.run(Stage.spec(stage2, under: stage3), seconds: 50).summary()
        #expect(try before.node("app").busiestServer > 0.97)
        #expect(before.errors > 0)
        // Behind the balancer every server gets its 1/24 share (0.1875) by consistent
        // hashing, whose ring gives the busiest server at most 17% more; users stay on their
        // server, so no session is lost.
        let after = Stage.run(stage3, seconds: 50).summary()
        let app = try after.node("app")
        #expect(after.errors == 0)
        #expect(app.busiestServer < 0.1875 * 1.17 + 0.03)
        #expect(app.sessionsLost == 0)
        // Round-robin: 75 requests/s per server, 3,750 in 50 s; the spread of 24 servers'
        // utilizations stays within 10% of their mean.
        let roundRobin = Stage.run(stage3, seconds: 50, commands: [(0, .setPolicy(node: "lb", policy: .roundRobin))])
        let even = try roundRobin.summary().node("app").serverUtilization
        let mean = even.reduce(0, +) / Double(even.count)
        #expect(((even.max() ?? 0) - (even.min() ?? 0)) / mean < 0.10)
    }

    @Test func stage3LoadBalancerStopsSendingToADeadServer() throws {
        // Killed at 10 s: what it held fails at once; after the 2 s health check the
        // balancer sends it nothing, so nothing fails from then on.
        let engine = Stage.run(try Stage.spec("03"), seconds: 40, commands: [(10, .kill(node: "app", server: 3))])
        #expect(engine.errors(from: 0, to: 10) == 0)
        #expect(engine.errors(from: 10, to: 13) > 0)
        #expect(engine.errors(from: 13, to: 40) == 0)
    }

    @Test func stage4ReplicasTakeTheReadsOffThePrimary() throws {
        let stage3 = try Stage.spec("03")
        let stage4 = try Stage.spec("04")
        // 2,600 requests/s: reads and writes, 70%, are 1,820/s for a 1,600/s database.
        let before = Stage.run(Stage.spec(stage3, under: stage4), seconds: 40).summary()
        #expect(try before.node("db").utilization ?? 0 > 0.97)
        #expect(before.errors > 0)
        // Reads 1,690/s over 2 replicas × 16 workers at 10 ms: 0.528. Writes 130/s at the
        // primary: 0.081. Replicas apply writes 20 ms after commit, so some reads are stale.
        let after = Stage.run(stage4, seconds: 40).summary()
        let replicas = try after.node("db-replica")
        #expect(after.errors == 0)
        #expect(abs((replicas.utilization ?? 0) - 0.528) < 0.04)
        #expect(abs((try after.node("db").utilization ?? 0) - 0.081) < 0.015)
        #expect(replicas.staleReads > 0)
        #expect(replicas.replicationLag ?? 0 >= 20e6)
    }

    @Test func stage4EachReplicaAddsReadsButWritesStayBoundByThePrimary() throws {
        // Enough web servers that only the data tier limits; 6,000 requests/s, far more
        // than any of these data tiers serves, so each serves at capacity.
        var base = try Stage.spec("04")
        base.nodes = base.nodes.map { node in
            var node = node
            if node.id == "app" { node.servers = 100 }
            return node
        }
        base.workload.users = 60_000
        func throughput(replicas: Int, mix: [RequestClass: Double], node: String) throws -> Double {
            var spec = base
            spec.workload.mix = mix
            spec.nodes = spec.nodes.map { n in
                var n = n
                if n.id == "db-replica" { n.servers = replicas }
                return n
            }
            return try Stage.run(spec, seconds: 20, warmup: 5).summary().node(node).throughputRps ?? 0
        }
        // Reads: one replica serves 16 / 10 ms = 1,600/s, each more adds as much.
        for replicas in 1...3 {
            let reads = try throughput(replicas: replicas, mix: [.read: 1], node: "db-replica")
            #expect(abs(reads / (1_600 * Double(replicas)) - 1) < 0.05, "\(replicas) replicas: \(reads) reads/s")
        }
        // Writes: 1,600/s at the one primary, with one replica or three.
        for replicas in [1, 3] {
            let writes = try throughput(replicas: replicas, mix: [.write: 1], node: "db")
            #expect(abs(writes / 1_600 - 1) < 0.05, "\(replicas) replicas: \(writes) writes/s")
        }
    }
}
