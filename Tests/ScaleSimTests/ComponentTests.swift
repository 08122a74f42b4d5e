import Testing
@testable import ScaleSim

/// Each component of the scaling path, checked through the figures the simulation produces.
@Suite struct ComponentTests {
    static let second = Nanos.perSecond

    /// Clients → a pool of 4 web servers (DNS or a balancer) → a roomy database.
    static func webTier(balancer: Bool, users: Int = 8_000) -> SystemSpec {
        var nodes = [
            NodeSpec(
                id: "web", kind: .app, servers: 4, workers: 4, service: .exponential(mean: 10 * Nanos.perMillisecond),
                routes: [RouteSpec(to: "db")]),
            NodeSpec(id: "db", kind: .db, workers: 64, service: .exponential(mean: Nanos.perMillisecond)),
        ]
        if balancer {
            nodes.insert(
                NodeSpec(
                    id: "lb", kind: .lb, service: .none, policy: .roundRobin,
                    routes: [RouteSpec(to: "web")], healthCheck: 2 * second), at: 0)
        }
        return SystemSpec(
            name: "web tier",
            workload: WorkloadSpec(
                users: users, ratePerUser: 0.1, entry: balancer ? "lb" : "web",
                dns: DNSSpec(ttl: 60 * second, resolvers: 12)),
            nodes: nodes)
    }

    static func spread(_ utilizations: [Double]) -> Double {
        (utilizations.max() ?? 0) - (utilizations.min() ?? 0)
    }

    @Test func dnsSpreadsUnevenlyAndABalancerEvenly() throws {
        var dns = Engine(spec: Self.webTier(balancer: false), seed: 3)
        dns.run(until: 300 * Self.second)
        var lb = Engine(spec: Self.webTier(balancer: true), seed: 3)
        lb.run(until: 300 * Self.second)
        let dnsSpread = Self.spread(dns.summary().nodes[0].serverUtilization)
        let lbUtilization = lb.summary().nodes[1].serverUtilization
        // 800 req/s over 16 workers of 10 ms: 0.5 on average.
        #expect(dnsSpread > 0.1, "DNS caching makes load uneven: \(dns.summary().nodes[0].serverUtilization)")
        for u in lbUtilization { #expect(abs(u - 0.5) < 0.05, "round-robin keeps each server within 10%: \(lbUtilization)") }
    }

    /// Failures at the web tier in each second after one server dies at t = 60 s.
    static func failuresAfterKill(balancer: Bool) -> [Int] {
        var spec = webTier(balancer: balancer)
        spec.script = [ScheduledCommand(at: 60 * second, command: .kill(node: "web", server: 0))]
        var engine = Engine(spec: spec, seed: 5)
        engine.run(until: 180 * second)
        let web = balancer ? 1 : 0
        return engine.nodes[web].history.elements.map(\.failed)
    }

    @Test func aDeadServerFailsUntilTheBalancerNoticesButUntilTheTTLBehindDNS() {
        let lb = Self.failuresAfterKill(balancer: true)
        // Window k ends at k + 1 s: the kill at 60 s falls in window 59.
        #expect(lb[..<59].allSatisfy { $0 == 0 }, "\(lb)")
        #expect(lb[60..<62].allSatisfy { $0 > 0 }, "in rotation until the 2 s health check")
        #expect(lb[63...].allSatisfy { $0 == 0 }, "then no more failures")
        let dns = Self.failuresAfterKill(balancer: false)
        #expect(dns[70..<110].reduce(0, +) > 0, "cached DNS answers keep sending traffic to it")
        #expect(dns[125...].allSatisfy { $0 == 0 }, "until every resolver's 60 s TTL has run out")
    }

    @Test func killedServersCountTheirRequestsAndConserve() {
        var spec = Self.webTier(balancer: true, users: 14_000)
        spec.script = [
            ScheduledCommand(at: 10 * Self.second, command: .kill(node: "web", server: nil)),
            ScheduledCommand(at: 12 * Self.second, command: .restore(node: "web", server: nil)),
        ]
        var engine = Engine(spec: spec, seed: 2)
        for t in stride(from: 1, through: 30, by: 1) {
            engine.run(until: SimTime(t) * Self.second)
            let o = engine.totalOutcomes
            #expect(o.requests == o.completed + o.dropped + o.timedOut + o.failed + engine.liveRequests)
        }
        let summary = engine.summary()
        #expect(summary.endToEnd.counts.failed > 2_000)
        #expect(summary.nodes[1].failed == summary.endToEnd.counts.failed)
        // Back in rotation after the health check: the last seconds fail nothing.
        #expect(engine.nodes[1].history.elements.suffix(10).allSatisfy { $0.failed == 0 })
    }

    @Test func retriesTurnFailuresIntoARetryStorm() {
        func run(retries: Int) -> (failed: Int, webArrivals: Int, requests: Int) {
            var spec = Self.webTier(balancer: true)
            spec.workload.retries = RetrySpec(limit: retries, backoff: 200 * Nanos.perMillisecond)
            spec.script = [
                ScheduledCommand(at: 20 * Self.second, command: .kill(node: "web", server: nil)),
                ScheduledCommand(at: 25 * Self.second, command: .restore(node: "web", server: nil)),
            ]
            var engine = Engine(spec: spec, seed: 9)
            engine.run(until: 60 * Self.second)
            let s = engine.summary()
            return (s.endToEnd.counts.failed, s.nodes[0].arrivals, s.endToEnd.counts.requests)
        }
        let plain = run(retries: 0)
        let retried = run(retries: 3)
        #expect(plain.webArrivals == plain.requests)
        #expect(retried.webArrivals > retried.requests + 1_000, "each failure comes back up to 3 times")
        #expect(retried.failed < plain.failed, "retries rescue the requests sent late in the outage")
    }

    @Test func verticalScalingDoublesWorkersUpToTheTop() {
        var engine = Engine(spec: Self.webTier(balancer: true), seed: 1)
        #expect(engine.execute(.resize(node: "db", steps: 1)) == .applied)
        #expect(engine.summary().nodes[2].workers == 128)
        #expect(engine.execute(.setSize(node: "db", size: 5)) == .applied)
        #expect(engine.summary().nodes[2].workers == 64 << 5)
        #expect(
            engine.execute(.resize(node: "db", steps: 1))
                == .refused("db is at the largest instance size (5): scale out instead"))
        #expect(engine.execute(.setSize(node: "db", size: 0)) == .applied)
        #expect(engine.summary().nodes[2].workers == 64)
    }
}

/// The data tier: caches, replicas, failover, shards, queues.
@Suite struct DataTierTests {
    static let second = Nanos.perSecond

    /// web → (cache →) db, with reads and writes over Zipf keys.
    static func shop(cache: CacheSpec?, writes: Double = 0.1, replicas: Int = 0, applyMean: SimTime? = nil) -> SystemSpec {
        var nodes = [
            NodeSpec(
                id: "web", kind: .app, workers: 64, service: .exponential(mean: 2 * Nanos.perMillisecond),
                routes: [RouteSpec(to: cache == nil ? "db" : "cache", classes: [.read]), RouteSpec(to: "db", classes: [.write])]),
            NodeSpec(id: "db", kind: .db, workers: 32, service: .exponential(mean: 5 * Nanos.perMillisecond)),
        ]
        if let cache {
            nodes.append(
                NodeSpec(
                    id: "cache", kind: .cache, workers: 16, service: .exponential(mean: 200 * Nanos.perMicrosecond),
                    routes: [RouteSpec(to: replicas > 0 ? "replicas" : "db", outcome: .miss)], cache: cache))
        } else if replicas > 0 {
            nodes[0].routes[0].to = "replicas"
        }
        if replicas > 0 {
            nodes.append(
                NodeSpec(
                    id: "replicas", kind: .replica, servers: replicas, workers: 32,
                    service: .exponential(mean: 5 * Nanos.perMillisecond), replicaOf: "db",
                    apply: applyMean.map { .exponential(mean: $0) }, failover: 10 * second))
        }
        return SystemSpec(
            name: "shop",
            workload: WorkloadSpec(
                users: 20_000, ratePerUser: 0.1, mix: [.read: 1 - writes, .write: writes],
                keys: KeySpace(count: 100_000, zipf: 0.9), entry: "web"),
            nodes: nodes)
    }

    @Test func aCacheTakesReadsOffTheDatabaseByItsHitRatio() throws {
        var engine = Engine(spec: Self.shop(cache: CacheSpec(entries: 10_000)), seed: 4, warmup: 30 * Self.second)
        engine.run(until: 150 * Self.second)
        let s = engine.summary()
        let cache = try #require(s.nodes.first { $0.id == "cache" })
        let db = try #require(s.nodes.first { $0.id == "db" })
        let counters = try #require(cache.cache)
        let hitRatio = try #require(counters.hitRatio)
        #expect(hitRatio > 0.5 && hitRatio < 0.9, "Zipf(0.9), 10% of keys cached: \(hitRatio)")
        // The database sees the misses plus the writes, nothing else.
        let writes = s.endToEnd.classes.first { $0.requestClass == .write }!.counts.requests
        let expected = Double(counters.misses + writes)
        #expect(abs(Double(db.arrivals) - expected) / expected < 0.01)
    }

    @Test func invalidationKeepsReadsFreshAndTTLOnlyServesStaleData() throws {
        func staleReads(_ policy: WritePolicy) throws -> Int {
            var engine = Engine(
                spec: Self.shop(cache: CacheSpec(entries: 10_000, ttl: 30 * Self.second, writePolicy: policy)), seed: 6)
            engine.run(until: 60 * Self.second)
            return try #require(engine.summary().nodes.first { $0.id == "cache" }).staleReads
        }
        let invalidate = try staleReads(.invalidate)
        let writeThrough = try staleReads(.writeThrough)
        let ttlOnly = try staleReads(.ttlOnly)
        #expect(ttlOnly > 1_000)
        // With invalidation only a read racing a write can refill an old version.
        #expect(invalidate * 20 < ttlOnly)
        #expect(writeThrough * 20 < ttlOnly)
    }

    @Test func flushingACacheSendsAMissStormToTheDatabase() {
        var spec = Self.shop(cache: CacheSpec(entries: 20_000))
        spec.script = [ScheduledCommand(at: 60 * Self.second, command: .flush(node: "cache"))]
        var engine = Engine(spec: spec, seed: 8)
        engine.run(until: 70 * Self.second)
        let db = engine.nodes[1].history.elements
        let before = db[50..<60].map(\.arrivals).reduce(0, +) / 10
        // Window 59 ends at the flush; in the next second the hot keys miss until refilled.
        #expect(db[60].arrivals * 2 > before * 3, "the second after the flush: \(db[60].arrivals) vs \(before)")
    }

    @Test func replicasLagAndServeStaleReadsWhenApplyIsSlow() throws {
        // 200 writes/s against an apply time of 4 ms: each replica is 80% busy applying.
        var engine = Engine(spec: Self.shop(cache: nil, replicas: 2, applyMean: 4 * Nanos.perMillisecond), seed: 3)
        engine.run(until: 60 * Self.second)
        let s = engine.summary()
        let replicas = try #require(s.nodes.first { $0.id == "replicas" })
        let db = try #require(s.nodes.first { $0.id == "db" })
        let lag = try #require(replicas.replicationLag)
        // 50 ms shipping, then an M/M/1 apply queue at 0.8: 4 ms / (1 - 0.8) = 20 ms.
        #expect(lag > 62 * 1e6 && lag < 85 * 1e6, "lag \(lag / 1e6) ms, theory 70 ms")
        #expect(replicas.staleReads > 0)
        #expect(replicas.arrivals > 15 * db.arrivals / 2, "reads go to the replicas, writes to the primary")
    }

    @Test func failoverPromotesAReplicaAndCountsLostWrites() throws {
        var spec = Self.shop(cache: nil, replicas: 2, applyMean: 4 * Nanos.perMillisecond)
        spec.script = [ScheduledCommand(at: 30 * Self.second, command: .kill(node: "db", server: nil))]
        var engine = Engine(spec: spec, seed: 7)
        engine.run(until: 60 * Self.second)
        let s = engine.summary()
        #expect(s.writesLost > 0, "the promoted replica lagged behind")
        let db = engine.nodes[1].history.elements
        #expect(db[31..<39].allSatisfy { $0.completions == 0 }, "writes fail during the 10 s failover delay")
        #expect(db[45..<60].allSatisfy { $0.completions > 100 }, "then the new primary takes writes")
        #expect(s.endToEnd.counts.failed > 1_000)
    }

    @Test func theShardHoldingHotKeysSaturatesFirst() throws {
        var spec = Self.shop(cache: nil, writes: 0.5)
        spec.workload.users = 40_000
        var engine = Engine(spec: spec, seed: 2)
        #expect(engine.execute(.setShards(node: "db", count: 4)) == .applied)
        engine.run(until: 60 * Self.second)
        let db = try #require(engine.summary().nodes.first { $0.id == "db" })
        #expect(db.shards == 4)
        // Key 0 (the hottest) lives on one shard; Zipf(0.9) makes that shard the busiest.
        let hot = Int(SplitMix64.mix(0) % 4)
        #expect(db.serverUtilization[hot] == db.serverUtilization.max())
        #expect(Self.spreadRatio(db.serverUtilization) > 1.2)
    }

    static func spreadRatio(_ u: [Double]) -> Double { (u.max() ?? 0) / max(u.min() ?? 1, 1e-9) }

    @Test func aQueueAbsorbsABurstAndMoreWorkersDrainIt() throws {
        var spec = SystemSpec(
            name: "jobs",
            workload: WorkloadSpec(
                users: 1_000, ratePerUser: 0.1, mix: [.job: 1],
                shape: .spike(at: 10 * Self.second, duration: 10 * Self.second, factor: 10), entry: "api"),
            nodes: [
                NodeSpec(
                    id: "api", kind: .app, workers: 64, service: .exponential(mean: Nanos.perMillisecond),
                    routes: [RouteSpec(to: "jobs")]),
                NodeSpec(
                    id: "jobs", kind: .queue, workers: 4, service: .exponential(mean: 20 * Nanos.perMillisecond),
                    queueCapacity: 1_000_000),
            ])
        spec.script = [ScheduledCommand(at: 40 * Self.second, command: .setWorkers(node: "jobs", count: 16))]
        var engine = Engine(spec: spec, seed: 1)
        engine.run(until: 20 * Self.second)
        let peak = engine.nodes[1].history.last!
        // 1,000 jobs/s against 200/s of consumers: the backlog grows by about 800 a second.
        #expect(peak.queueLength > 5_000)
        // 200 jobs/s served since the burst began: the oldest waiting job is about 8 s old.
        #expect((peak.consumerLag ?? 0) > 5 * Self.second)
        engine.run(until: 120 * Self.second)
        let s = engine.summary()
        #expect(s.endToEnd.counts.failed + s.endToEnd.counts.dropped == 0, "the burst failed no request")
        #expect(s.nodes[1].queueLength < 10, "16 workers drained the backlog")
        // Queue conservation: every job that arrived was served, or is waiting or in service.
        let jobs = s.nodes[1]
        let inService = engine.nodes[1].activeServers.reduce(0) { $0 + Int(engine.servers[Int($1)].busy) }
        #expect(jobs.arrivals == jobs.completions + jobs.dropped + jobs.queueLength + inService)
        #expect(engine.nodes[1].history.elements[39].queueLength > engine.nodes[1].history.elements[60].queueLength)
    }
}

/// Commands that reshape the topology while it runs.
@Suite struct TopologyCommandTests {
    @Test func addingALoadBalancerPutsItInFrontOfThePool() {
        var engine = Engine(spec: ComponentTests.webTier(balancer: false), seed: 1)
        #expect(engine.execute(.addLoadBalancer(pool: "web")) == .applied)
        #expect(engine.spec.workload.entry == "lb")
        #expect(engine.execute(.addLoadBalancer(pool: "web")) == .refused("web already has a load balancer"))
        engine.run(until: 30 * Nanos.perSecond)
        let s = engine.summary()
        #expect(s.nodes.last?.kind == .lb && s.nodes.last!.arrivals > 20_000)
    }

    @Test func addingAReplicaCreatesThePoolAndSendsReadsToIt() throws {
        var engine = Engine(spec: DataTierTests.shop(cache: nil), seed: 1)
        #expect(engine.execute(.addReplicas(primary: "db", count: 2)) == .applied)
        #expect(engine.execute(.addReplicas(primary: "db", count: 1)) == .applied)
        engine.run(until: 30 * Nanos.perSecond)
        let s = engine.summary()
        let replicas = try #require(s.nodes.first { $0.kind == .replica })
        #expect(replicas.servers == 3)
        let reads = s.endToEnd.classes.first { $0.requestClass == .read }!.counts.requests
        #expect(abs(replicas.arrivals - reads) < 100)
        #expect(engine.execute(.addReplicas(primary: "web", count: 1)) == .refused("web is not a database"))
    }

    @Test func addingACacheSendsReadsThroughIt() throws {
        var engine = Engine(spec: DataTierTests.shop(cache: nil), seed: 1)
        #expect(engine.execute(.addCache(front: "db", entries: 5_000)) == .applied)
        #expect(engine.execute(.setEviction(node: "cache", policy: .lfu)) == .applied)
        #expect(engine.execute(.setEviction(node: "db", policy: .lfu)) == .refused("db is not a cache"))
        engine.run(until: 30 * Nanos.perSecond)
        let cache = try #require(engine.summary().nodes.first { $0.kind == .cache })
        #expect((cache.cache?.hitRatio ?? 0) > 0.3)
    }

    /// A cache or replicas put in front of the database's reads of a network that splits
    /// its traffic by probability (the reference network: 80% to a cache station, 20% to the
    /// database) take the reads of the database's 20% only: the station keeps its 80% of
    /// every class. Revision 3, which replays of its recordings follow, let the new route
    /// take every read, and the station got none.
    @Test(arguments: [SimCommand.addCache(front: "db", entries: 500), .addReplicas(primary: "db", count: 1)])
    func aSplitRouteLeavesItsProbabilisticSiblingItsShare(command: SimCommand) throws {
        for revision in [Engine.revision, 3] {
            var engine = Engine(spec: TestNetworks.reference, seed: 1)
            engine.followsRevision = revision
            #expect(engine.execute(command) == .applied)
            engine.run(until: 20 * Nanos.perSecond)
            let nodes = engine.summary().nodes
            let app = try #require(nodes.first { $0.id == "app" })
            let station = try #require(nodes.first { $0.id == "cache" })
            let added = try #require(nodes.first { $0.kind == .cache || $0.kind == .replica })
            if revision == 3 {
                #expect(station.arrivals == 0)
                #expect(abs(Double(added.arrivals) / Double(app.completions) - 0.2) < 0.02)
            } else {
                #expect(abs(Double(station.arrivals) / Double(app.completions) - 0.8) < 0.02)
                #expect(abs(Double(added.arrivals) / Double(app.completions) - 0.2) < 0.02)
            }
        }
    }

    @Test func refusedCommandsChangeNothingAndAreRecorded() {
        var spec = ComponentTests.webTier(balancer: true)
        spec.script = [
            ScheduledCommand(at: Nanos.perSecond, command: .removeServers(node: "web", count: 4)),
            ScheduledCommand(at: 2 * Nanos.perSecond, command: .kill(node: "nope", server: nil)),
            ScheduledCommand(at: 3 * Nanos.perSecond, command: .setUsers(-1)),
        ]
        var engine = Engine(spec: spec, seed: 1)
        engine.run(until: 5 * Nanos.perSecond)
        #expect(
            engine.refusedCommands.map(\.reason) == [
                "web needs at least one server", "no node named nope", "users must be 1 to 100000000, got -1",
            ])
        #expect(engine.refusedCommands.map(\.at) == [1, 2, 3].map { $0 * Nanos.perSecond })
        #expect(engine.summary().nodes[1].servers == 4)
    }
}
