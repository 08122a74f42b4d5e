import Testing

@testable import ScaleSim

/// What the dashboard is shown of a running engine.
@Suite struct EngineSnapshotTests {
    @Test func commandsInSnapshotsOut() {
        var engine = Engine(spec: TestNetworks.reference, seed: 4)
        engine.run(until: 5 * Nanos.perSecond)
        var snapshot = engine.simulationSnapshot()
        #expect(snapshot.time == 5 * Nanos.perSecond)
        #expect(snapshot.nodes.map(\.id) == ["lb", "app", "cache", "db"])
        #expect(snapshot.nodes[1].history.count == 5)
        #expect(snapshot.system?.arrivals ?? 0 > 800)

        #expect(engine.execute(.setServers(node: "app", count: 6)) == .applied)
        #expect(engine.execute(.setServers(node: "app", count: 0)) != .applied)
        engine.run(until: 6 * Nanos.perSecond)
        snapshot = engine.simulationSnapshot()
        #expect(snapshot.nodes[1].servers == 6)
    }

    /// A copy of the engine (a dashboard snapshot, a report) keeps its figures while the
    /// original runs on, and runs on itself as if never copied: the per-request metrics
    /// are written without copy-on-write checks, so this is what `makeStorageUnique()`
    /// must guarantee. Copies are taken in the warm-up and mid-window after it, in a design
    /// with regions, data centers, links and every request class.
    @Test func aCopyOfTheEngineKeepsItsFiguresWhileTheOriginalRuns() {
        let second = Nanos.perSecond
        for copiedAt in [3 * second + second / 2, 12 * second + second / 2] {
            var engine = Engine(spec: RegionTests.twoRegions, seed: 7, warmup: 5 * second)
            engine.run(until: copiedAt)
            let copy = engine
            let summary = copy.summary()
            let snapshot = copy.simulationSnapshot()
            let digest = copy.digest()
            engine.run(until: 30 * second)
            #expect(copy.summary() == summary, "copied at \(copiedAt)")
            #expect(copy.simulationSnapshot() == snapshot, "copied at \(copiedAt)")
            #expect(copy.digest() == digest, "copied at \(copiedAt)")
            var resumed = copy
            resumed.run(until: 30 * second)
            #expect(resumed.summary() == engine.summary(), "copied at \(copiedAt)")
            #expect(resumed.simulationSnapshot() == engine.simulationSnapshot(), "copied at \(copiedAt)")
            #expect(copy.summary() == summary, "copied at \(copiedAt)")
        }
    }

    @Test func theSnapshotCarriesWhatItIsGiven() {
        let engine = Engine(spec: TestNetworks.reference, seed: 4)
        let snapshot = engine.simulationSnapshot(paused: true, speed: 4, behind: true, speedReached: 3.5)
        #expect(snapshot.paused && snapshot.behind)
        #expect(snapshot.speed == 4)
        #expect(snapshot.speedReached == 3.5)
    }

    @Test func snapshotsFlagABottleneck() {
        var spec = TestNetworks.reference
        spec.workload.users = 14_000  // 1,400 req/s: the app pool runs at 0.98
        spec.nodes[2].workers = 2  // cache at 0.49
        spec.nodes[3].workers = 8  // db at 0.49
        var engine = Engine(spec: spec, seed: 2)
        engine.run(until: 30 * Nanos.perSecond)
        let nodes = engine.simulationSnapshot().nodes
        #expect(nodes[1].bottleneck)
        #expect(!nodes[2].bottleneck)
    }
}
