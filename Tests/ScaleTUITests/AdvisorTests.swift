import Foundation
import ScaleFiles
@testable import ScaleSim
import Testing
@testable import ScaleTUI

@Suite struct AdvisorTests {
    @Test func namesTheBottleneckAndTheKeyThatRelievesIt() async throws {
        let overloaded = try await Fixtures.snapshot("00", seconds: 20, commands: [.setUsers(20_000)])
        let advice = Advisor.advice(for: overloaded)
        #expect(advice.tone == .bottleneck)
        #expect(advice.text.hasPrefix("app 100% busy"))
        #expect(advice.text.contains("a adds an app server"))
        // The database still runs inside the app's servers: moving it out comes first.
        #expect(advice.text.contains(": b moves its database out"))
        let split = try await Fixtures.snapshot("01", seconds: 20, commands: [.setUsers(20_000)])
        #expect(!Advisor.advice(for: split).text.contains("database out"))
    }

    /// The key the advice names acts on the node it names: in a system of two app pools,
    /// `a` with nothing selected adds to the busy one, not the first; a selection still
    /// decides, and of equals (before any second has closed) the first is taken.
    @Test func theAdvisedKeyRelievesTheNodeTheAdviceNames() async throws {
        // app-eu keeps 6 of its 24 servers: about 100% busy, where app runs near 27%.
        let hot = try await Fixtures.snapshot("08-multi-dc", seconds: 8, commands: [.removeServers(node: "app-eu", count: 18)])
        let advice = Advisor.advice(for: hot)
        #expect(advice.text.hasPrefix("app-eu"), "\(advice.text)")
        #expect(advice.text.contains("a adds"), "\(advice.text)")
        func add(_ snapshot: SimulationSnapshot, selection: String?) -> Result<SimCommand, NoTarget> {
            CommandTargets(snapshot: snapshot, selection: selection).command(for: .addAppServer)
        }
        #expect(add(hot, selection: nil) == .success(.addServers(node: "app-eu", count: 1)))
        #expect(add(hot, selection: "app") == .success(.addServers(node: "app", count: 1)))
        let idle = try await Fixtures.snapshot("08-multi-dc", seconds: 0)
        #expect(add(idle, selection: nil) == .success(.addServers(node: "app", count: 1)))
    }

    @Test func aHealthySystemInvitesMoreUsers() async throws {
        let advice = Advisor.advice(for: try await Fixtures.snapshot("00", seconds: 5))
        #expect(advice.tone == .healthy)
        #expect(advice.text.contains("+ doubles them"))
    }

    /// Stage 03 at 1,800 requests/s behind a load balancer limited to 1,500/s (its burst of
    /// 1,500 spent after 5 s): the advisor
    /// names the rejections and the key, before the database that is merely warm.
    @Test func aRateLimitTurningRequestsAwayIsNamedWithItsKey() async throws {
        let limited = try await Fixtures.snapshot(
            "03", seconds: 10, commands: [.setRateLimit(node: "lb", rate: 1_500, burst: nil)])
        let lb = try #require(limited.nodes.first { $0.id == "lb" })
        let rejected = try #require(lb.window?.rejected)
        // Poisson arrivals at 1,800/s against a bucket of 1,500/s: about 300/s turned away.
        #expect((200...400).contains(rejected), "\(rejected)")
        let advice = Advisor.advice(for: limited)
        #expect(advice.tone == .warm)
        #expect(
            advice.text.hasPrefix("lb turns away \(Format.rate(Double(rejected))) at its rate limit of 1.5k/s"), "\(advice.text)")
        #expect(advice.text.hasSuffix(": g raises or removes it"))
        // Whole on an 80-column screen, with a three-digit rate and a short node name.
        #expect(advice.text.count <= 79, "\(advice.text.count)")
        // Without the limit, nothing is turned away and the advice is about load again.
        #expect(!Advisor.advice(for: try await Fixtures.snapshot("03", seconds: 5)).text.contains("turns away"))
    }

    @Test func aDataCenterOutageSaysHowToRestoreIt() async throws {
        var snapshot = try await Fixtures.snapshot("08", seconds: 3)
        #expect(Advisor.advice(for: snapshot).tone != .down)
        snapshot.datacenters[0].down = true
        for i in snapshot.nodes.indices { snapshot.nodes[i].bottleneck = false }
        let advice = Advisor.advice(for: snapshot)
        #expect(advice.tone == .down)
        #expect(advice.text.contains("data center \(snapshot.datacenters[0].name) is down"))
        #expect(advice.text.contains("d on one of its nodes"))
    }
}

@Suite struct AdvisorHotSpotTests {
    @Test func anOverloadedStage07SaysWhatHelpsTheAutoscalerNotToTurnItOn() async throws {
        let snapshot = try await Fixtures.snapshot("07", seconds: 90, commands: [.setUsers(260_000)])
        let app = try #require(snapshot.nodes.first { $0.id == "app" })
        #expect(app.spec.autoscale != nil)
        let advice = Advisor.advice(for: snapshot)
        #expect(advice.text.hasPrefix("app"), "\(advice.text)")
        #expect(!advice.text.contains("turns on the autoscaler"))
        #expect(advice.text.contains("autoscal"))
        #expect(advice.text.contains(":autoscale app ") || advice.text.contains("warming up"), "\(advice.text)")
    }

    @Test func anAutoscalerAtItsMaximumIsToldToRaiseIt() throws {
        let policy = AutoscaleSpec(target: 0.6, min: 24, max: 40)
        var spec = NodeSpec(
            id: "app", kind: .app, servers: 40, workers: 8, service: .exponential(mean: 20 * Nanos.perMillisecond))
        spec.autoscale = policy
        let node = NodeSnapshot(
            spec: spec, servers: 40, downServers: 0, warmingServers: 0, workers: 8, size: 0, slowFactor: 1,
            cacheEntries: nil, window: nil, bottleneck: true, history: [])
        let text = Advisor.wordings(Advisor.autoscalerRemedy(node, policy, keyMap: .standard))[0]
        #expect(text.contains("maximum (40)"))
        #expect(text.contains("`:autoscale app 0.6 24 80 30s 1m`"), "\(text)")
        var lower = node
        lower.servers = 30
        #expect(
            Advisor.wordings(Advisor.autoscalerRemedy(lower, policy, keyMap: .standard))[0].contains(
                "`:autoscale app 0.45 24 40 30s 1m` lowers its target"))
    }

    @Test func anEvenlyLoadedPoolGetsMoreServersNotABalancer() async throws {
        let overloaded = try await Fixtures.snapshot("00", seconds: 20, commands: [.setUsers(20_000)])
        let app = try #require(overloaded.nodes.first { $0.id == "app" })
        #expect(!app.showsSpread)
        #expect(Advisor.advice(for: overloaded).text.contains("a adds an app server"))
    }
}

@Suite struct StampedeAdviceTests {
    /// The second after `cache-stampede` flushes its cache (at 60 s): the database is the
    /// bottleneck, but the advisor names the stampede and the key at the cache.
    @Test func aStampedeIsNamedWithTheCoalescingKey() async throws {
        let flushed = try await Fixtures.snapshot("cache-stampede", seconds: 61)
        let cache = try #require(flushed.nodes.first { $0.id == "cache" })
        let advice = Advisor.advice(for: flushed)
        #expect(advice.text.hasPrefix("stampede: cache hits fell to"), "hit ratio \(cache.window?.hitRatio ?? -1)")
        #expect(advice.text.hasSuffix("misses swamp db: C coalesces them"))
        #expect(advice.text.count <= 79, "\(advice.text.count)")
        // With coalescing on, the same moment is no stampede.
        let coalesced = try await Fixtures.snapshot(
            "cache-stampede", seconds: 61, commands: [.setCoalescing(node: "cache", on: true)])
        #expect(!Advisor.advice(for: coalesced).text.contains("stampede"))
    }

    /// The seconds after the stampede: the database is idle again but stays flagged for ten
    /// seconds for what it dropped, and the advisor says so instead of "db 7% busy".
    @Test func aBottleneckFlaggedForItsDropsSaysWhatItDropped() throws {
        var engine = Engine(spec: try Fixtures.preset("cache-stampede").spec, seed: 1)
        var seen = 0
        for second in 61...75 {
            engine.run(until: SimTime(second) * Nanos.perSecond)
            let snapshot = engine.simulationSnapshot(historyLimit: SimulationDriver.historyLimit)
            let db = try #require(snapshot.nodes.first { $0.id == "db" })
            let advice = Advisor.advice(for: snapshot).text
            guard db.bottleneck, db.peakLoad < Engine.bottleneckUtilization, !advice.hasPrefix("stampede") else { continue }
            seen += 1
            let drops = Advisor.recentDrops(db)
            #expect(drops > 0)
            #expect(advice.hasPrefix("db dropped \(Format.count(drops)) in 10 s, "), "\(advice)")
            #expect(advice.contains("busy now: "), "\(advice)")
        }
        #expect(seen > 0, "the database was never flagged for its drops alone after the stampede")
    }
}

@Suite struct RetryStormAdviceTests {
    /// `metastable-retry-storm` 20 s after its slowdown ended (at 90 s): the clients still
    /// send some three attempts per request, and the advisor names the storm and `j`.
    @Test func aRetryStormIsNamedWithTheDefendedRetriesKey() async throws {
        let storm = try await Fixtures.snapshot("metastable-retry-storm", seconds: 110)
        let amplification = try #require(storm.clientsLastSecond.amplification)
        #expect(amplification >= 2, "\(amplification)")
        let advice = Advisor.advice(for: storm)
        #expect(advice.text.hasPrefix("retry storm: \(String(format: "%.1f", amplification)) attempts per request"))
        #expect(advice.text.hasSuffix(": j adds a retry budget and jitter"), "\(advice.text)")
        #expect(advice.text.count <= 79)
        // Before the slowdown, one attempt per request: no storm.
        let calm = try await Fixtures.snapshot("metastable-retry-storm", seconds: 50)
        #expect(!Advisor.advice(for: calm).text.contains("retry storm"))
    }
}

@Suite struct WastedWorkAdviceTests {
    /// `metastable-retry-storm` with defended retries from 75 s: the storm's amplification
    /// is gone by 110 s, but the slowed database's backlog, attempts their users gave up on,
    /// still keeps it busy for nothing; the advisor names that and `O`.
    @Test func aBacklogOfAbandonedRequestsIsNamedWithTheConcurrencyLimitKey() async throws {
        var engine = Engine(spec: try Fixtures.preset("metastable-retry-storm").spec, seed: 1)
        engine.run(until: 75 * Nanos.perSecond)
        engine.execute(.setRetryPolicy(budget: 0.1, jitter: .full))
        engine.run(until: 110 * Nanos.perSecond)
        let snapshot = engine.simulationSnapshot(historyLimit: SimulationDriver.historyLimit)
        let wasted = snapshot.clientsLastSecond.servedAfterAbandon
        #expect(wasted > (snapshot.system?.completed ?? 0), "\(wasted) served after abandonment")
        let advice = Advisor.advice(for: snapshot)
        #expect(advice.text.hasPrefix("db 100% busy on requests their users gave up on"), "\(advice.text)")
        #expect(advice.text.hasSuffix(": O on it caps its queue"))
        #expect(advice.text.count <= 79)
    }
}

/// The advisor's row at every width from 80 to 200 columns: the longest wording that fits,
/// whole, with the key to press and what it does.
@Suite struct AdvisorWidthTests {
    /// Long advice, each with the key and action (or the command) every wording keeps: a
    /// database to move out, data-tier bottlenecks, an autoscaled pool, a data center down,
    /// a partition and an open breaker.
    static func situations() async throws -> [(name: String, snapshot: SimulationSnapshot, action: String)] {
        let key = { (action: KeyAction) in Advisor.key(action, .standard) }
        let multiDC = try await Fixtures.snapshot("08", seconds: 3)
        func only(_ id: String?, in snapshot: SimulationSnapshot) -> SimulationSnapshot {
            var snapshot = snapshot
            for i in snapshot.nodes.indices { snapshot.nodes[i].bottleneck = snapshot.nodes[i].id == id }
            return snapshot
        }
        var outage = only(nil, in: multiDC)
        outage.datacenters[1].down = true
        return [
            (
                "00 overloaded", try await Fixtures.snapshot("00", seconds: 20, commands: [.setUsers(20_000)]),
                "\(key(.addDatabase)) moves its database out"
            ),
            ("08 db", only("db", in: multiDC), "\(key(.addReplica)) adds a read replica"),
            ("08 replicas", only("db-replica-eu", in: multiDC), "\(key(.addReplica)) adds a read replica"),
            ("08 cache", only("cache-eu", in: multiDC), "\(key(.addWorkers)) adds a server"),
            ("08 autoscaled app", only("app", in: multiDC), "`:autoscale app "),
            ("08 outage", outage, "\(key(.toggleDataCenter)) on one of its nodes restores it"),
            (
                "partition",
                try await Fixtures.snapshot("partition", seconds: 10, commands: [.partition("eu-west", "us-east")]),
                "\(key(.togglePartition)) on a node of either side heals it"
            ),
            ("breaker", BreakerViewTests.snapshot(breaker: .standard), "\(key(.toggleKill)) on it restores it"),
        ]
    }

    @Test func theAdvisorRowShowsAWholeWordingWithItsKeyAtEveryWidth() async throws {
        let situations = try await Self.situations()
        #expect(situations.contains { Advisor.advice(for: $0.snapshot).text.count > 79 }, "all fit 80 columns in full")
        for situation in situations {
            let advice = Advisor.advice(for: situation.snapshot)
            let wordings = [advice.text] + advice.shorter
            #expect(wordings.allSatisfy { $0.contains(situation.action) }, "\(situation.name): \(wordings)")
            var state = DashboardState(
                preset: PresetInfo(name: UntrustedText("advice"), title: "advice", description: "", explanation: ""), width: 80,
                height: 24)
            _ = state.reduce(.snapshotArrived(situation.snapshot))
            for width in 80...200 {
                state.screenWidth = width
                let row = DashboardView.render(state).line(1)
                let shown = row.trimmingCharacters(in: .whitespaces)
                let chosen = try #require(wordings.firstIndex(of: shown), "\(situation.name) at \(width) cut: \(row)")
                // The longest wording that fits: every longer one would not.
                #expect(
                    wordings[..<chosen].allSatisfy { $0.count > width - 1 }, "\(situation.name) at \(width): \(shown)")
            }
        }
    }
}
