import Testing
@testable import ScaleSim

/// Hostile but valid systems: replicas that cannot keep up, values at the documented
/// maxima, floods of nodes and routes. Each runs in bounded memory and time, or its
/// command is refused with a reason; never a trap (docs/presets.md, Limits).
@Suite struct EngineLimitsTests {
    /// An app pool sending `writesPerSecond` writes to `db` and as many reads to its
    /// replica pool of `replicas` servers, each applying a write in `apply`.
    static func replicated(replicas: Int, apply: SimTime, writesPerSecond: Double) -> SystemSpec {
        SystemSpec(
            name: "replicated",
            workload: WorkloadSpec(
                users: 1000, ratePerUser: 2 * writesPerSecond / 1000, mix: [.write: 0.5, .read: 0.5],
                keys: KeySpace(count: 1000), entry: "app"),
            nodes: [
                NodeSpec(
                    id: "app", kind: .app, workers: 1000, service: .exponential(mean: 10_000), queueCapacity: nil,
                    routes: [RouteSpec(to: "db", classes: [.write]), RouteSpec(to: "db-replica", classes: [.read])]),
                NodeSpec(id: "db", kind: .db, workers: 1000, service: .exponential(mean: 10_000), queueCapacity: nil),
                NodeSpec(
                    id: "db-replica", kind: .replica, servers: replicas, workers: 100, service: .exponential(mean: 10_000),
                    queueCapacity: nil, replicaOf: "db", apply: .deterministic(mean: apply)),
            ]
        )
    }

    func replicaServers(_ engine: Engine) -> [Int] {
        engine.servers.indices.filter { engine.nodes[Int(engine.servers[$0].node)].kind == .replica }
    }

    /// Replicas that apply slower than writes arrive, from a little to absurdly slower:
    /// the backlog stops at `ApplyLog.limit`, the replicas re-sync, and that is counted.
    @Test(arguments: [Nanos.perMillisecond, Nanos.perSecond, Nanos.longest])
    func aReplicaThatFallsBehindResyncsInsteadOfGrowing(apply: SimTime) {
        // 5,000 writes/s against 1,000 applies/s (at best): 4,000 more a second.
        var engine = Engine(spec: Self.replicated(replicas: 3, apply: apply, writesPerSecond: 5_000))
        var largest = 0
        for second in 1...8 {
            engine.run(until: SimTime(second) * Nanos.perSecond)
            for s in replicaServers(engine) { largest = max(largest, engine.servers[s].applyLog.backlog) }
        }
        #expect(largest <= ApplyLog.limit)
        let pool = engine.summary().nodes.first { $0.id == "db-replica" }
        #expect((pool?.resyncs ?? 0) > 0)
        let notices = engine.notices.recent.filter {
            if case .replicaResync(node: "db-replica", _, _) = $0.event { true } else { false }
        }
        #expect(!notices.isEmpty)
        // Reads still completed (by replicas in service) and nothing was lost track of.
        let total = engine.totalOutcomes
        #expect(total.completed > 0)
        #expect(total.requests == total.completed + total.dropped + total.timedOut + total.failed + engine.requests.live)
    }

    @Test func aReplicaThatKeepsUpNeverResyncs() {
        var engine = Engine(spec: Self.replicated(replicas: 2, apply: 10 * Nanos.perMicrosecond, writesPerSecond: 5_000))
        engine.run(until: 10 * Nanos.perSecond)
        #expect(engine.summary().nodes.first { $0.id == "db-replica" }?.resyncs == 0)
        #expect(engine.summary().nodes.first { $0.id == "db-replica" }?.replicationLag != nil)
    }

    @Test func theMemoryBoundCountsEachReplicasBacklog() {
        let small = Self.replicated(replicas: 2, apply: Nanos.perMillisecond, writesPerSecond: 10)
        let large = Self.replicated(replicas: 10_000, apply: Nanos.perMillisecond, writesPerSecond: 10)
        #expect(large.dataMemoryBound - small.dataMemoryBound == 9_998 * ApplyLog.memoryBound)
        // Growing a pool past the bound is refused and changes nothing: 250M keys take 8 GB
        // at the primary, 4,000 replicas 6.2 GB more, 8,000 of them 12.3 GB.
        var spec = Self.replicated(replicas: 4_000, apply: Nanos.perMillisecond, writesPerSecond: 10)
        spec.workload.keys.count = 250_000_000
        #expect(spec.dataMemoryProblem == nil)
        var engine = Engine(spec: spec)
        guard case .refused(let reason) = engine.execute(.addReplicas(primary: "db", count: 4_000)) else {
            Issue.record("4,000 more replicas were accepted past the bound")
            return
        }
        #expect(reason.contains("replica logs") && reason.contains("the limit is 16 GiB"))
        #expect(engine.spec.nodes[2].servers == 4_000)
        #expect(engine.execute(.addReplicas(primary: "db", count: 1_000)) == .applied)
    }

    /// Values at their documented maxima, alone and together: a few simulated seconds run
    /// (figures may be all errors) without trapping.
    @Test(arguments: 0..<8)
    func valuesAtTheirMaximaRun(combination: Int) {
        var spec = Self.replicated(replicas: 2, apply: Nanos.perMillisecond, writesPerSecond: 1_000)
        if combination & 1 != 0 {
            // Every duration at ten years.
            spec.nodes[0].timeout = Nanos.longest
            spec.nodes[0].healthCheck = Nanos.longest
            spec.nodes[2].apply = .deterministic(mean: Nanos.longest)
            spec.nodes[2].replicationDelay = Nanos.longest
            spec.nodes[2].failover = Nanos.longest
            spec.nodes[1].service = .deterministic(mean: Nanos.longest)
            spec.workload.retries = RetrySpec(limit: RetrySpec.maxLimit, backoff: Nanos.longest)
            spec.workload.dns = DNSSpec(ttl: Nanos.longest, resolvers: 16)
        }
        if combination & 2 != 0 {
            // The largest pool of the largest servers: 10^9 workers' capacity every second.
            spec.nodes[0].servers = Engine.maxServers
            spec.nodes[0].workers = Engine.maxWorkers
        }
        if combination & 4 != 0 {
            // An autoscaler steering to a tiny target under a heavy load.
            spec.nodes[0].autoscale = AutoscaleSpec(
                target: 1e-300, min: 1, max: Engine.maxServers, warmup: Nanos.longest, cooldown: 0)
            spec.nodes[0].service = .exponential(mean: Nanos.longest)
        }
        var engine = Engine(spec: spec)
        engine.execute(.kill(node: "db", server: nil))
        engine.execute(.setRatePerUser(1e300))
        engine.execute(.slow(node: "db-replica", factor: 1_000))
        engine.run(until: 12 * Nanos.perSecond)
        #expect(engine.now == 12 * Nanos.perSecond)
        #expect(engine.refusedCommands.contains { $0.reason.contains("the limit is 50000000") })
        let total = engine.totalOutcomes
        #expect(total.requests == total.completed + total.dropped + total.timedOut + total.failed + engine.requests.live)
    }

    /// A flood of `add cache`: each rewires the chain of caches in front of `db`, and the
    /// one past `SystemSpec.maxNodes` is refused with its reason, changing nothing.
    @Test func aNodeFloodStopsAtTheNodeLimit() {
        var engine = Engine(spec: Self.replicated(replicas: 1, apply: Nanos.perMillisecond, writesPerSecond: 10))
        var refusals: [String] = []
        for _ in 0..<(SystemSpec.maxNodes + 50) {
            if case .refused(let reason) = engine.execute(.addCache(front: "db", entries: 1)) { refusals.append(reason) }
        }
        #expect(engine.spec.nodes.count == SystemSpec.maxNodes)
        #expect(refusals.count == 53)
        #expect(Set(refusals) == ["the system already has 1000 nodes, the most it may hold"])
        #expect(engine.refusedCommands.count == 53)
        // Every other kind of node is refused the same way.
        for command in [
            SimCommand.addLoadBalancer(pool: "app"), .addSessionStore(pool: "app"), .addCDN(region: "all", entries: 10),
        ] {
            #expect(engine.execute(command) == .refused("the system already has 1000 nodes, the most it may hold"))
        }
        engine.run(until: 2 * Nanos.perSecond)
        #expect(engine.totalOutcomes.completed > 0)
    }

    /// Routes are limited over all nodes: a command that would split routes past
    /// `SystemSpec.maxRoutes` is refused.
    @Test func aRouteFloodStopsAtTheRouteLimit() {
        var spec = Self.replicated(replicas: 1, apply: Nanos.perMillisecond, writesPerSecond: 10)
        // 9,998 more routes to db: with the app's two, the system is at the limit.
        spec.nodes[0].routes += Array(
            repeating: RouteSpec(to: "db", classes: [.write], probability: 0), count: SystemSpec.maxRoutes - 2)
        #expect(spec.routeCount == SystemSpec.maxRoutes)
        var engine = Engine(spec: spec)
        #expect(
            engine.execute(.addCache(front: "db", entries: 10))
                == .refused("the system would have more than 10000 routes, the most it may hold"))
        #expect(
            engine.execute(.addLoadBalancer(pool: "app"))
                == .refused("the system would have more than 10000 routes, the most it may hold"))
        #expect(engine.spec.nodes.count == 3)
        // A node without routes still fits.
        #expect(engine.execute(.addSessionStore(pool: "app")) == .applied)
        engine.run(until: Nanos.perSecond)
    }
}
