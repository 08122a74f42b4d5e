import Testing
@testable import ScaleSim

@Suite struct EngineTests {
    /// An overloaded two-tier system with small queues and timeouts, so every outcome occurs.
    static var stressed: SystemSpec {
        SystemSpec(
            name: "stressed",
            workload: WorkloadSpec(
                users: 10_000, ratePerUser: 0.1, mix: [.static: 1, .read: 2, .write: 1],
                shape: .spike(at: 5 * Nanos.perSecond, duration: 5 * Nanos.perSecond, factor: 3), entry: "web"
            ),
            nodes: [
                NodeSpec(
                    id: "web", kind: .app, servers: 3, workers: 2, service: .lognormal(mean: 4_000_000, cv: 1.5),
                    queueCapacity: 20, timeout: 50 * Nanos.perMillisecond, policy: .leastConnections,
                    routes: [RouteSpec(to: "db", classes: [.read, .write], latency: Nanos.perMillisecond)]
                ),
                NodeSpec(
                    id: "db", kind: .db, workers: 4, service: .gamma(mean: 6_000_000, cv: 0.5),
                    queueCapacity: 30, timeout: 40 * Nanos.perMillisecond
                ),
            ]
        )
    }

    @Test func conservationHoldsAtEveryWindow() {
        var engine = Engine(spec: Self.stressed, seed: 7)
        var sawEveryOutcome = (dropped: false, timedOut: false)
        for second in 1...20 {
            engine.run(until: SimTime(second) * Nanos.perSecond)
            let t = engine.totalOutcomes
            #expect(t.requests == t.completed + t.dropped + t.timedOut + t.failed + engine.liveRequests)
            let w = try! #require(engine.systemHistory.last)
            #expect(w.end == SimTime(second) * Nanos.perSecond)
            sawEveryOutcome.dropped = sawEveryOutcome.dropped || t.dropped > 0
            sawEveryOutcome.timedOut = sawEveryOutcome.timedOut || t.timedOut > 0
        }
        #expect(sawEveryOutcome.dropped && sawEveryOutcome.timedOut, "the stress spec must exercise drops and timeouts")
    }

    @Test func conservationHoldsAfterWarmup() {
        var engine = Engine(spec: Self.stressed, seed: 3, warmup: 4 * Nanos.perSecond)
        engine.run(until: 15 * Nanos.perSecond)
        let e = engine.summary().endToEnd
        #expect(e.counts.requests == e.counts.completed + e.counts.dropped + e.counts.timedOut + e.counts.failed + e.inFlight)
        #expect(e.counts.requests < engine.totalOutcomes.requests)
    }

    @Test func sameSeedSameRunDifferentSeedDifferentRun() {
        func run(_ seed: UInt64) -> RunSummary {
            var engine = Engine(spec: Self.stressed, seed: seed)
            engine.run(until: 10 * Nanos.perSecond)
            return engine.summary()
        }
        #expect(run(11) == run(11))
        #expect(run(11) != run(12))
    }

    @Test func roundRobinSpreadsExactlyEvenly() {
        var spec = TestNetworks.reference
        spec.nodes[0].policy = .roundRobin
        spec.workload.requestLimit = 4_000
        var engine = Engine(spec: spec, seed: 1)
        engine.runUntilDrained()
        let perServer = engine.nodes[1].activeServers.map { engine.serverTraffic[Int($0)].completions }
        #expect(perServer == [1_000, 1_000, 1_000, 1_000])
    }

    @Test func consistentHashKeepsAUserOnOneServer() {
        let ring = ConsistentHashRing(servers: 8)
        let before = (0..<10_000).map { ring.position(for: UInt32($0), eligible: { _ in true })! }
        #expect(Set(before).count == 8)
        // Every server gets a fair share: at least half of an even split.
        for s in 0..<8 { #expect(before.filter { $0 == s }.count > 10_000 / 16) }
        // Removing the last server moves only that server's users.
        let smaller = ConsistentHashRing(servers: 7)
        // Taking server 3 out of rotation moves only its users, to their next server.
        for (user, server) in before.enumerated() where server != 7 {
            #expect(smaller.position(for: UInt32(user), eligible: { _ in true }) == server)
            if server != 3 { #expect(ring.position(for: UInt32(user), eligible: { $0 != 3 }) == server) }
        }
    }

    @Test func leastConnectionsPrefersTheIdleServer() {
        var spec = TestNetworks.reference
        spec.nodes[0].policy = .leastConnections
        var engine = Engine(spec: spec, seed: 5)
        engine.run(until: 60 * Nanos.perSecond)
        let utilizations = engine.summary().nodes[1].serverUtilization
        let spread = (utilizations.max() ?? 0) - (utilizations.min() ?? 0)
        #expect(spread < 0.03, "least connections keeps servers within 3 points: \(utilizations)")
    }

    @Test func fullQueueDropsAndCountsExactly() {
        // One worker, no queue, deterministic 10 ms service, arrivals far faster: most drop.
        let spec = SystemSpec(
            name: "drops",
            workload: WorkloadSpec(users: 1, ratePerUser: 1000, entry: "s", requestLimit: 5_000),
            nodes: [NodeSpec(id: "s", kind: .station, service: .deterministic(mean: 10 * Nanos.perMillisecond), queueCapacity: 0)]
        )
        var engine = Engine(spec: spec, seed: 1)
        engine.runUntilDrained()
        let e = engine.summary().endToEnd
        #expect(e.counts.requests == 5_000)
        #expect(e.counts.dropped > 4_000)
        #expect(e.counts.completed + e.counts.dropped == 5_000)
        #expect(engine.summary().nodes[0].dropped == e.counts.dropped)
    }

    @Test func timeoutInServiceStillUsesTheWorker() throws {
        // Deterministic 20 ms service, 10 ms timeout: every request is served to the end and
        // then discarded, so the worker stays busy while nothing completes.
        let spec = SystemSpec(
            name: "timeouts",
            workload: WorkloadSpec(users: 1, ratePerUser: 20, entry: "s"),
            nodes: [
                NodeSpec(
                    id: "s", kind: .station, workers: 4, service: .deterministic(mean: 20 * Nanos.perMillisecond),
                    timeout: 10 * Nanos.perMillisecond
                )
            ]
        )
        var engine = Engine(spec: spec, seed: 2)
        engine.run(until: 100 * Nanos.perSecond)
        let summary = engine.summary()
        #expect(summary.endToEnd.counts.completed == 0)
        #expect(summary.endToEnd.counts.timedOut > 1_900)
        // Utilization = λ·S/c = 20·0.02/4 = 0.1: the work was done although it timed out.
        let utilization = try #require(summary.nodes[0].utilization)
        #expect(abs(utilization - 0.1) < 0.01)
    }

    @Test func queuedRequestsTimeOutAtTheirDeadline() {
        // One worker busy for 1 s; requests queued behind it time out after 100 ms each.
        let spec = SystemSpec(
            name: "queue timeouts",
            workload: WorkloadSpec(users: 1, ratePerUser: 50, entry: "s"),
            nodes: [
                NodeSpec(
                    id: "s", kind: .station, service: .deterministic(mean: Nanos.perSecond),
                    timeout: 100 * Nanos.perMillisecond
                )
            ]
        )
        var engine = Engine(spec: spec, seed: 4)
        engine.run(until: 10 * Nanos.perSecond)
        let node = engine.summary().nodes[0]
        // A queue never holds more than 100 ms of arrivals (about 5 at 50/s).
        #expect(engine.nodes[0].history.elements.allSatisfy { $0.queueLength < 20 })
        #expect(node.timedOut > 400)
        let t = engine.totalOutcomes
        #expect(t.requests == t.completed + t.dropped + t.timedOut + t.failed + engine.liveRequests)
    }

    @Test func addingServersKeepsTheArrivalRateAndEveryRequest() {
        var spec = TestNetworks.reference
        spec.workload.users = 30_000  // 3,000 req/s: the app pool of 4 is overloaded
        var engine = Engine(spec: spec, seed: 9)
        engine.run(until: 10 * Nanos.perSecond)
        #expect(engine.execute(.setServers(node: "app", count: 12)) == .applied)
        engine.run(until: 20 * Nanos.perSecond)
        #expect(engine.execute(.setServers(node: "app", count: 10)) == .applied)
        engine.run(until: 40 * Nanos.perSecond)
        let arrivals = engine.systemHistory.elements.map(\.arrivals)
        let before = Double(arrivals[0..<10].reduce(0, +)) / 10
        let after = Double(arrivals[20..<40].reduce(0, +)) / 20
        #expect(abs(before - 3000) < 150 && abs(after - 3000) < 150)
        let t = engine.totalOutcomes
        #expect(t.dropped == 0 && t.timedOut == 0 && t.failed == 0)
        #expect(t.requests == t.completed + engine.liveRequests)
        #expect(engine.summary().nodes[1].servers == 10)
    }

    @Test func refusedCommandsSayWhy() {
        var engine = Engine(spec: TestNetworks.reference)
        #expect(engine.execute(.setServers(node: "app", count: 0)) == .refused("app needs at least one server"))
        #expect(engine.execute(.setServers(node: "nope", count: 2)) == .refused("no node named nope"))
        #expect(engine.execute(.setUsers(0)) != .applied)
        #expect(engine.execute(.setWorkers(node: "db", count: 8)) == .applied)
        #expect(engine.summary().nodes[3].workers == 8)
    }

    @Test func usersChangeTheArrivalRateAtOnce() {
        var engine = Engine(spec: TestNetworks.reference, seed: 3)
        engine.run(until: 20 * Nanos.perSecond)
        _ = engine.execute(.setUsers(2_000))  // 200 req/s
        engine.run(until: 60 * Nanos.perSecond)
        let arrivals = engine.systemHistory.elements.map(\.arrivals)
        let after = Double(arrivals[20..<60].reduce(0, +)) / 40
        #expect(abs(after - 200) < 15)
    }

    @Test func spikeMultipliesTheRateOnlyDuringTheSpike() {
        var spec = TestNetworks.reference
        spec.workload.users = 1_000  // 100 req/s
        spec.workload.shape = .spike(at: 20 * Nanos.perSecond, duration: 10 * Nanos.perSecond, factor: 5)
        var engine = Engine(spec: spec, seed: 8)
        engine.run(until: 40 * Nanos.perSecond)
        let arrivals = engine.systemHistory.elements.map(\.arrivals)
        let base = Double(arrivals[0..<20].reduce(0, +)) / 20
        let spike = Double(arrivals[20..<30].reduce(0, +)) / 10
        #expect(abs(base - 100) < 10)
        #expect(abs(spike - 500) < 30)
    }

    @Test func rampAndDiurnalFactors() {
        let ramp = TrafficShape.ramp(from: 0.2, over: 10 * Nanos.perSecond)
        #expect(ramp.factor(at: 0) == 0.2)
        #expect(abs(ramp.factor(at: 5 * Nanos.perSecond) - 0.6) < 1e-12)
        #expect(ramp.factor(at: 11 * Nanos.perSecond) == 1)
        let day = TrafficShape.diurnal(period: 100 * Nanos.perSecond, trough: 0.25)
        #expect(abs(day.factor(at: 0) - 0.25) < 1e-12)
        #expect(abs(day.factor(at: 50 * Nanos.perSecond) - 1) < 1e-12)
        #expect(day.maxFactor == 1)
    }
}
