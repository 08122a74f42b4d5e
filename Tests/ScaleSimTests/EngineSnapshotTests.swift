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
