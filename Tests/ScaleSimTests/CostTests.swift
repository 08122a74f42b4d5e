import ScaleSim
import Testing

/// The cost model's arithmetic, checkable by hand (docs/cost.md): servers billed second by
/// second at their size, dead ones included, request prices following the traffic.
@Suite struct CostTests {
    static let hour = 3_600 * Nanos.perSecond

    /// Three app servers at size 0 in front of a database, lightly loaded.
    static func appAndDatabase(appSize: Int = 0, autoscale: AutoscaleSpec? = nil, users: Int = 100) -> SystemSpec {
        SystemSpec(
            name: "app and db",
            workload: WorkloadSpec(users: users, ratePerUser: 0.1, entry: "app"),
            nodes: [
                NodeSpec(
                    id: "app", kind: .app, servers: 3, workers: 8 << appSize,
                    service: .exponential(mean: 20 * Nanos.perMillisecond),
                    routes: [RouteSpec(to: "db")], size: appSize, autoscale: autoscale),
                NodeSpec(id: "db", kind: .db, workers: 16, service: .exponential(mean: 10 * Nanos.perMillisecond)),
            ])
    }

    static func run(_ spec: SystemSpec, until end: SimTime, commands: [(SimTime, SimCommand)] = []) -> RunSummary {
        var engine = Engine(spec: spec, seed: 3)
        for (at, command) in commands {
            engine.run(until: at)
            #expect(engine.execute(command) == .applied)
        }
        engine.run(until: end)
        return engine.summary()
    }

    static func cost(_ summary: RunSummary, _ id: String) throws -> NodeCost {
        try #require(summary.nodes.first { $0.id == id }).cost
    }

    @Test func threeAppServersAndADatabaseForAnHourCostSeventyCents() throws {
        let summary = Self.run(Self.appAndDatabase(), until: Self.hour)
        // 3 × $0.10 + $0.40 for one hour.
        #expect(abs(try Self.cost(summary, "app").servers - 0.30) < 1e-9)
        #expect(abs(try Self.cost(summary, "db").servers - 0.40) < 1e-9)
        #expect(abs(summary.cost.total - 0.70) < 1e-9)
        // 730 hours a month.
        #expect(abs((summary.cost.perMonth ?? 0) - 511) < 1e-6)
        #expect(abs((try Self.cost(summary, "app").perMonth ?? 0) - 219) < 1e-6)
        let completed = Double(summary.endToEnd.counts.completed)
        #expect(abs((summary.cost.perMillionRequests ?? 0) - 0.70 / completed * 1e6) < 1e-9)
    }

    @Test func aSizeUpDoublesThePriceFromThatSecondOn() throws {
        let sized = Self.run(Self.appAndDatabase(appSize: 1), until: Self.hour)
        #expect(abs(try Self.cost(sized, "app").servers - 0.60) < 1e-9)
        // Half an hour at size 0, then half an hour at size 1.
        let resized = Self.run(
            Self.appAndDatabase(), until: Self.hour, commands: [(Self.hour / 2, .resize(node: "app", steps: 1))])
        #expect(abs(try Self.cost(resized, "app").servers - 0.45) < 1e-9)
        #expect(abs(try Self.cost(resized, "db").servers - 0.40) < 1e-9)
    }

    @Test func aSizeFactorFromThePricingReplacesTheDoubling() throws {
        var spec = Self.appAndDatabase(appSize: 2)
        spec.pricing = PricingSpec(serverHour: [.app: 1], sizeFactor: 1.5)
        let summary = Self.run(spec, until: Self.hour)
        #expect(abs(try Self.cost(summary, "app").servers - 3 * 2.25) < 1e-9)
    }

    @Test func anAutoscaledPoolIsBilledForTheServersItHadEachSecond() throws {
        // 4,000 requests/s for 3 servers of 400/s: the autoscaler grows the pool.
        let spec = Self.appAndDatabase(
            autoscale: AutoscaleSpec(target: 0.6, min: 3, max: 30, warmup: 5 * Nanos.perSecond, cooldown: 10 * Nanos.perSecond),
            users: 40_000)
        var engine = Engine(spec: spec, seed: 3)
        var serverSeconds = 0
        for second in 1...300 {
            // Second `second` is billed for the servers the pool had after the tick before it.
            serverSeconds += engine.simulationSnapshot().nodes[0].servers
            engine.run(until: SimTime(second) * Nanos.perSecond)
        }
        let summary = engine.summary()
        #expect(try #require(summary.nodes.first).autoscalerActions > 0)
        #expect(serverSeconds > 3 * 300)
        #expect(abs(try Self.cost(summary, "app").servers - Double(serverSeconds) * 0.10 / 3_600) < 1e-9)
    }

    @Test func aKilledNodeIsStillRented() throws {
        let killed = Self.run(
            Self.appAndDatabase(), until: Self.hour, commands: [(Self.hour / 4, .kill(node: "db", server: nil))])
        #expect(try #require(killed.nodes.first { $0.id == "db" }).failed > 0)
        #expect(abs(try Self.cost(killed, "db").servers - 0.40) < 1e-9)
    }

    @Test func theMeasuredPartLeavesTheWarmUpOutAndBillsAPartSecond() throws {
        var engine = Engine(spec: Self.appAndDatabase(), seed: 3, warmup: 30 * Nanos.perSecond)
        engine.run(until: 90 * Nanos.perSecond + Nanos.perSecond / 2)
        let summary = engine.summary()
        // 60.5 s of 3 app servers and a database.
        #expect(abs(summary.cost.total - 0.70 * 60.5 / 3_600) < 1e-12)
    }

    @Test func requestPricesFollowTheTraffic() throws {
        // A load balancer and a queue, each billed per million requests it receives.
        let spec = SystemSpec(
            name: "lb and queue",
            workload: WorkloadSpec(users: 1_000, ratePerUser: 1, mix: [.job: 1], entry: "lb"),
            nodes: [
                NodeSpec(id: "lb", kind: .lb, service: .none, routes: [RouteSpec(to: "jobs")]),
                NodeSpec(id: "jobs", kind: .queue, servers: 2, workers: 8, service: .exponential(mean: Nanos.perMillisecond)),
            ])
        let summary = Self.run(spec, until: 100 * Nanos.perSecond)
        let lb = try #require(summary.nodes.first { $0.id == "lb" })
        let jobs = try #require(summary.nodes.first { $0.id == "jobs" })
        #expect(lb.arrivals > 90_000)
        #expect(abs(lb.cost.requests - Double(lb.arrivals) * 0.40 / 1e6) < 1e-12)
        #expect(abs(lb.cost.servers - 0.025 * 100 / 3_600) < 1e-12)
        #expect(abs(jobs.cost.requests - Double(jobs.arrivals) * 0.40 / 1e6) < 1e-12)
        // The queue's consumers are servers at the app price.
        #expect(abs(jobs.cost.servers - 2 * 0.10 * 100 / 3_600) < 1e-12)
    }

    @Test func theSnapshotPricesTheSystemAtTheRateOfNow() throws {
        var engine = Engine(spec: Self.appAndDatabase(), seed: 3)
        engine.run(until: 10 * Nanos.perSecond)
        let snapshot = engine.simulationSnapshot()
        #expect(abs(snapshot.nodes[0].costPerMonth - 3 * 0.10 * 730) < 1e-9)
        #expect(abs(snapshot.costPerMonth - 0.70 * 730) < 1e-9)
        #expect(snapshot.prices == Pricing.shipped)
    }

    @Test func userPricesGoUnderThePresetsAndOverTheShippedOnes() {
        let user = PricingSpec(serverHour: [.app: 0.2, .db: 1], lbPerMillionRequests: 0.5)
        let preset = PricingSpec(serverHour: [.db: 2], cdnPerGB: 0.05)
        let prices = Pricing.shipped.applying(user.overridden(by: preset))
        #expect(prices.serverHour[.app] == 0.2)
        #expect(prices.serverHour[.db] == 2)
        #expect(prices.serverHour[.cache] == 0.15)
        #expect(prices.lbPerMillionRequests == 0.5)
        #expect(prices.cdnPerGB == 0.05)
        #expect(prices.crossDCPerGB == 0.02)
        #expect(prices.hourly(.replica, size: 3) == 3.2)
    }
}
