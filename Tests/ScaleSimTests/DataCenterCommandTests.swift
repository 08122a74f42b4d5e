import Testing
@testable import ScaleSim

/// Topology commands in a system with data centers: what they add reaches that data
/// center's users and goes down with it.
@Suite struct DataCenterCommandTests {
    /// Users reach a 4-server web pool in data center `us` directly (DNS round-robin).
    static var oneDataCenter: SystemSpec {
        SystemSpec(
            name: "one data center",
            workload: WorkloadSpec(users: 1_000, ratePerUser: 1, entry: "web"),
            nodes: [
                NodeSpec(
                    id: "web", kind: .app, servers: 4, workers: 8, service: .exponential(mean: Nanos.perMillisecond),
                    routes: [RouteSpec(to: "db", classes: [.read])], dc: "us"),
                NodeSpec(id: "db", kind: .db, workers: 8, service: .exponential(mean: Nanos.perMillisecond), dc: "us"),
            ],
            datacenters: [DataCenterSpec(name: "us", entry: "web")])
    }

    @Test func addedLoadBalancerReceivesTheDataCentersUsers() throws {
        var engine = Engine(spec: Self.oneDataCenter, seed: 1)
        #expect(engine.execute(.addLoadBalancer(pool: "web")) == .applied)
        #expect(engine.spec.datacenters == [DataCenterSpec(name: "us", entry: "lb")])
        #expect(engine.spec.node("lb")?.dc == "us")
        engine.run(until: 10 * Nanos.perSecond)
        let summary = engine.summary()
        let lb = try #require(summary.nodes.first { $0.id == "lb" })
        // Every request now passes the balancer: about 1,000/s for 10 s.
        #expect(lb.arrivals == summary.endToEnd.counts.requests)
        #expect(lb.arrivals > 9_000)
    }

    @Test func addedCacheRunsInItsDatabasesDataCenter() throws {
        var engine = Engine(spec: Self.oneDataCenter, seed: 1)
        #expect(engine.execute(.addCache(front: "db", entries: 100)) == .applied)
        #expect(engine.spec.node("cache")?.dc == "us")
        #expect(engine.execute(.killDataCenter("us")) == .applied)
        #expect(engine.nodeIsDown(Int(try #require(engine.nodeIndex["cache"]))))
    }
}
