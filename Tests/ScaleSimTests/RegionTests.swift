import Testing
@testable import ScaleSim

/// Sessions, autoscaling, data centers and CDN edges.
@Suite struct RegionTests {
    static let second = Nanos.perSecond

    /// lb (consistent hash) → 4 web servers with sticky sessions or a session store → db.
    static func sessions(store: Bool) -> SystemSpec {
        var web = NodeSpec(
            id: "web", kind: .app, servers: 4, workers: 8, service: .exponential(mean: 5 * Nanos.perMillisecond),
            routes: [RouteSpec(to: "db")], sessions: store ? .none : .sticky)
        var nodes = [
            NodeSpec(
                id: "lb", kind: .lb, service: .none, policy: .consistentHash, routes: [RouteSpec(to: "web")],
                healthCheck: Nanos.perSecond),
            web,
            NodeSpec(id: "db", kind: .db, workers: 64, service: .exponential(mean: Nanos.perMillisecond)),
        ]
        if store {
            web.calls = "sessions"
            nodes[1] = web
            nodes.append(NodeSpec(id: "sessions", kind: .sessionStore, workers: 32, service: .exponential(mean: 500_000)))
        }
        return SystemSpec(
            name: "sessions",
            workload: WorkloadSpec(users: 5_000, ratePerUser: 0.2, entry: "lb"),
            nodes: nodes,
            script: [ScheduledCommand(at: 60 * second, command: .removeServers(node: "web", count: 1))])
    }

    @Test func removingAServerLogsOutItsStickyUsersButNotWithAStore() throws {
        var sticky = Engine(spec: Self.sessions(store: false), seed: 1)
        sticky.run(until: 120 * Self.second)
        let lost = sticky.summary().nodes[1].sessionsLost
        // About a quarter of the 5,000 users had their session on the removed server, and
        // each comes back within a minute (one request every 5 s).
        #expect(lost > 1_000 && lost < 1_500, "sessions lost: \(lost)")
        #expect(sticky.nodes[1].history.elements[..<59].allSatisfy { _ in true })
        var store = Engine(spec: Self.sessions(store: true), seed: 1)
        store.run(until: 120 * Self.second)
        let s = store.summary()
        #expect(s.nodes[1].sessionsLost == 0)
        let sessionNode = try #require(s.nodes.first { $0.kind == .sessionStore })
        #expect(sessionNode.arrivals == s.nodes[1].completions, "every request calls the store")
    }

    @Test func withoutStickinessInMemorySessionsLogUsersOutAllTheTime() {
        var spec = Self.sessions(store: false)
        spec.nodes[0].policy = .roundRobin
        spec.script = []
        var engine = Engine(spec: spec, seed: 2)
        engine.run(until: 60 * Self.second)
        let s = engine.summary()
        // Round-robin sends a user's next request to another server three times in four;
        // each user's first request has no session to lose.
        let ratio = Double(s.nodes[1].sessionsLost) / Double(s.nodes[1].completions - spec.workload.users)
        #expect(abs(ratio - 0.75) < 0.03, "ratio \(ratio)")
    }

    @Test func theAutoscalerTracksItsTargetWithWarmUpAndCoolDown() {
        var spec = ComponentTests.webTier(balancer: true, users: 4_000)
        spec.nodes[1].autoscale = AutoscaleSpec(
            target: 0.5, min: 2, max: 12, warmup: 10 * Self.second, cooldown: 30 * Self.second)
        spec.workload.shape = .spike(at: 60 * Self.second, duration: 600 * Self.second, factor: 4)
        var engine = Engine(spec: spec, seed: 3)
        engine.run(until: 60 * Self.second)
        // 400 req/s on 16 workers of 10 ms is 0.25: it scales in toward the minimum.
        #expect(engine.summary().nodes[1].servers < 4)
        let inward = engine.summary().nodes[1].autoscalerActions
        engine.run(until: 300 * Self.second)
        let web = engine.summary().nodes[1]
        // 1,600 req/s needs 16 server-seconds a second: 8 servers at the 0.5 target.
        #expect(web.servers >= 7 && web.servers <= 10, "servers \(web.servers)")
        // Cool-down: 240 s leave room for at most 8 actions, 30 s apart.
        #expect(web.autoscalerActions - inward >= 1 && web.autoscalerActions - inward <= 8)
        // Hysteresis: at a steady load near the target it holds still, no flapping.
        let settled = web.autoscalerActions
        engine.run(until: 600 * Self.second)
        #expect(engine.summary().nodes[1].autoscalerActions - settled <= 1)
        // A new server takes traffic only after its warm-up: none failed or dropped meanwhile.
        #expect(engine.summary().endToEnd.counts.failed == 0)
    }

    /// Two data centers, users in two regions, a primary in us with a replica pool in eu.
    static var twoRegions: SystemSpec {
        let ms = Nanos.perMillisecond
        return SystemSpec(
            name: "geo",
            workload: WorkloadSpec(
                users: 10_000, ratePerUser: 0.2, mix: [.static: 0.3, .read: 0.6, .write: 0.1],
                entry: "web-us", regions: [RegionShare(name: "us", share: 0.5), RegionShare(name: "eu", share: 0.5)]),
            nodes: [
                NodeSpec(
                    id: "web-us", kind: .app, servers: 2, workers: 32, service: .exponential(mean: 5 * ms),
                    routes: [RouteSpec(to: "db", classes: [.read, .write])], dc: "us"),
                NodeSpec(id: "db", kind: .db, workers: 64, service: .exponential(mean: 2 * ms), dc: "us"),
                NodeSpec(
                    id: "web-eu", kind: .app, servers: 2, workers: 32, service: .exponential(mean: 5 * ms),
                    routes: [RouteSpec(to: "db-eu", classes: [.read]), RouteSpec(to: "db", classes: [.write], latency: 80 * ms)],
                    dc: "eu"),
                NodeSpec(
                    id: "db-eu", kind: .replica, workers: 64, service: .exponential(mean: 2 * ms), replicaOf: "db",
                    failover: 15 * Nanos.perSecond, replicationDelay: 80 * ms, dc: "eu"),
            ],
            datacenters: [DataCenterSpec(name: "us", entry: "web-us"), DataCenterSpec(name: "eu", entry: "web-eu")],
            latencies: [
                RegionLatency(region: "us", dc: "us", latency: 10 * ms), RegionLatency(region: "us", dc: "eu", latency: 90 * ms),
                RegionLatency(region: "eu", dc: "us", latency: 90 * ms), RegionLatency(region: "eu", dc: "eu", latency: 10 * ms),
            ])
    }

    @Test func geoDNSSendsUsersToTheNearestDataCenter() {
        var engine = Engine(spec: Self.twoRegions, seed: 1)
        engine.run(until: 60 * Self.second)
        let s = engine.summary()
        let us = s.nodes[0].arrivals
        let eu = s.nodes[2].arrivals
        #expect(abs(Double(us - eu)) / Double(us + eu) < 0.05, "half the users each side: \(us) vs \(eu)")
        // Round trip 20 ms plus service: well under a cross-ocean 180 ms.
        #expect((s.endToEnd.p50 ?? .max) < 60 * Nanos.perMillisecond)
    }

    @Test func aDataCenterOutageFailsOverAndCountsTheWritesNotReplicated() throws {
        var spec = Self.twoRegions
        spec.script = [ScheduledCommand(at: 60 * Self.second, command: .kill(node: "db", server: nil))]
        var engine = Engine(spec: spec, seed: 4)
        engine.run(until: 60 * Self.second)
        #expect(engine.execute(.kill(node: "web-us", server: nil)) == .applied)
        let result = engine.setDataCenter("us", down: true)
        #expect(result == .applied)
        engine.run(until: 150 * Self.second)
        let s = engine.summary()
        // 200 writes/s with 80 ms in flight to eu: about 16 writes lost.
        #expect(s.writesLost > 3 && s.writesLost < 60, "writes lost \(s.writesLost)")
        // After geo-DNS notices (10 s), us users are served from eu: failures stop.
        let failures = engine.nodes[0].history.elements.map(\.failed)
        #expect(failures[75...].allSatisfy { $0 == 0 })
        let euLatency = engine.systemHistory.elements[120].p50 ?? 0
        #expect(euLatency > 100 * Nanos.perMillisecond, "us users now cross the ocean: p50 \(euLatency)")
    }

    /// `twoRegions` with a session store in us that web-us calls on every request, as
    /// stage 8's app calls its own.
    static var twoRegionsWithSessions: SystemSpec {
        var spec = twoRegions
        spec.nodes[0].calls = "sessions"
        spec.nodes.append(
            NodeSpec(
                id: "sessions", kind: .sessionStore, workers: 64,
                service: .exponential(mean: Nanos.perMillisecond / 2), dc: "us"))
        return spec
    }

    /// The answers geo-DNS keeps are those it would find afresh at every moment: around
    /// deaths and returns, the moments it notices them, and a return it never noticed.
    @Test func keptGeoDNSAnswersAreTheFreshOnes() {
        var engine = Engine(spec: Self.twoRegions, seed: 3)
        let commands: [(at: Int, SimCommand)] = [
            (20, .killDataCenter("us")), (25, .restoreDataCenter("us")), (42, .killDataCenter("eu")),
            (47, .killDataCenter("us")), (60, .restoreDataCenter("eu")), (65, .restoreDataCenter("us")),
            (66, .killDataCenter("us")), (80, .restoreDataCenter("us")),
        ]
        var answers: Set<Int32> = []
        for tenth in 1...1_000 {
            let time = SimTime(tenth) * Self.second / 10
            engine.run(until: time)
            for command in commands where command.at * 10 == tenth { #expect(engine.execute(command.1) == .applied) }
            for region in engine.geoAnswers.indices {
                let kept = engine.geoAnswer(region: region)
                var fresh = engine
                fresh.answerGeoDNS(region: region)
                #expect(kept.dc == fresh.geoAnswers[region].dc, "region \(region) at \(Nanos.seconds(time)) s")
                #expect(kept.roundTrip == fresh.geoAnswers[region].roundTrip)
                answers.insert(kept.dc)
            }
        }
        // Both data centers and none were the answer at some point.
        #expect(answers == [-1, 0, 1])
    }

    @Test func aRestoredDataCenterGetsItsUsersBackOnlyOnceGeoDNSNotices() throws {
        var engine = Engine(spec: Self.twoRegionsWithSessions, seed: 6)
        engine.run(until: 60 * Self.second)
        #expect(engine.execute(.killDataCenter("us")) == .applied)
        engine.run(until: 90 * Self.second)
        #expect(engine.execute(.restoreDataCenter("us")) == .applied)
        engine.run(until: 120 * Self.second)
        let web = try #require(engine.nodeIndex["web-us"].map(Int.init))
        let sessions = try #require(engine.nodeIndex["sessions"].map(Int.init))
        let windows = engine.nodes[web].history.elements
        #expect(windows[90].end == 91 * Self.second)
        // Geo-DNS notices 10 s after the restore (docs/presets.md): no user comes before...
        #expect(windows[80..<100].allSatisfy { $0.arrivals == 0 }, "\(windows[80..<100].map(\.arrivals))")
        // ...then the us users, about 1,000/s (half of 10,000 users x 0.2/s), from 100 s on.
        #expect(windows[101...].allSatisfy { abs($0.arrivals - 1_000) < 150 }, "\(windows[100...].map(\.arrivals))")
        // By then every pool of us has noticed its servers back (5 s health checks): nothing
        // fails there, at the web tier or the session store it calls.
        for node in [web, sessions] {
            let failed = engine.nodes[node].history.elements[90...].map(\.failed)
            #expect(failed.allSatisfy { $0 == 0 }, "\(engine.spec.nodes[node].id): \(failed)")
        }
        #expect(engine.nodes[sessions].history.elements[101...].allSatisfy { $0.completions > 800 })
    }

    @Test func aDataCenterBackBeforeGeoDNSNoticedItsDeathKeepsItsUsers() throws {
        var engine = Engine(spec: Self.twoRegions, seed: 7)
        engine.run(until: 60 * Self.second)
        #expect(engine.execute(.killDataCenter("us")) == .applied)
        engine.run(until: 65 * Self.second)
        #expect(engine.execute(.restoreDataCenter("us")) == .applied)
        engine.run(until: 90 * Self.second)
        // Geo-DNS never believed us down: its users kept coming (and failing until the web
        // tier's 5 s health check), and eu never received them.
        let us = engine.nodes[0].history.elements
        let eu = engine.nodes[2].history.elements
        #expect(us[55..<90].allSatisfy { abs($0.arrivals - 1_000) < 150 }, "\(us[55..<90].map(\.arrivals))")
        #expect(eu[55..<90].allSatisfy { abs($0.arrivals - 1_000) < 150 }, "\(eu[55..<90].map(\.arrivals))")
        #expect(us[61..<64].allSatisfy { $0.failed > 800 })
        #expect(us[71...].allSatisfy { $0.failed == 0 })
    }

    @Test func cdnEdgesServeStaticAssetsNearTheUsers() throws {
        var spec = Self.twoRegions
        spec.workload.mix = [.static: 1]
        spec.workload.staticAssets = KeySpace(count: 10_000, zipf: 0.9)
        spec.nodes.append(
            NodeSpec(
                id: "cdn-eu", kind: .cdn, workers: 1_000, service: .deterministic(mean: 15 * Nanos.perMillisecond),
                cache: CacheSpec(entries: 5_000, ttl: 3_600 * Self.second), region: "eu"))
        var engine = Engine(spec: spec, seed: 5, warmup: 30 * Self.second)
        engine.run(until: 120 * Self.second)
        let s = engine.summary()
        let cdn = try #require(s.nodes.first { $0.kind == .cdn })
        let hitRatio = try #require(cdn.cache?.hitRatio)
        // Che's approximation for LRU, 5,000 of 10,000 Zipf(0.9) assets: 0.849.
        #expect(abs(hitRatio - 0.849) < 0.02, "hit ratio \(hitRatio)")
        // Origin offload: the eu web tier sees only the misses.
        #expect(Double(s.nodes[2].arrivals) < Double(cdn.arrivals) * (1 - hitRatio) * 1.2 + 100)
    }
}
