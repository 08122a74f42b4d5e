import Testing
@testable import ScaleSim

@Suite struct SimulationTests {
    @Test func commandsInSnapshotsOut() async {
        let simulation = Simulation(spec: TestNetworks.reference, seed: 4)
        await simulation.advance(by: 5 * Nanos.perSecond)
        var snapshot = await simulation.snapshot()
        #expect(snapshot.time == 5 * Nanos.perSecond)
        #expect(snapshot.nodes.map(\.id) == ["lb", "app", "cache", "db"])
        #expect(snapshot.nodes[1].history.count == 5)
        #expect(snapshot.system?.arrivals ?? 0 > 800)

        #expect(await simulation.apply(.setServers(node: "app", count: 6)) == .applied)
        #expect(await simulation.apply(.setServers(node: "app", count: 0)) != .applied)
        await simulation.advance(by: Nanos.perSecond)
        snapshot = await simulation.snapshot()
        #expect(snapshot.nodes[1].servers == 6)
    }

    @Test func tickFollowsSpeedAndPause() async {
        let simulation = Simulation(spec: TestNetworks.reference, seed: 4)
        await simulation.setSpeed(10)
        await simulation.tick(wallSeconds: 0.1)
        #expect(await simulation.now == Nanos.perSecond)
        await simulation.pause()
        await simulation.tick(wallSeconds: 0.1)
        let snapshot = await simulation.snapshot()
        #expect(snapshot.time == Nanos.perSecond)
        #expect(snapshot.paused)
        #expect(!snapshot.behind)
    }

    @Test func tooFastASpeedIsMarkedBehind() async {
        var spec = TestNetworks.reference
        spec.workload.users = 20_000_000  // 2M requests/s: beyond any budget at this speed
        let simulation = Simulation(spec: spec, seed: 1)
        await simulation.setSpeed(1_000)
        await simulation.tick(wallSeconds: 1)
        let snapshot = await simulation.snapshot()
        #expect(snapshot.behind)
        #expect(snapshot.time < 1_000 * Nanos.perSecond)
    }

    @Test func snapshotsFlagABottleneck() async {
        var spec = TestNetworks.reference
        spec.workload.users = 14_000  // 1,400 req/s: the app pool runs at 0.98
        spec.nodes[2].workers = 2  // cache at 0.49
        spec.nodes[3].workers = 8  // db at 0.49
        let simulation = Simulation(spec: spec, seed: 2)
        await simulation.advance(by: 30 * Nanos.perSecond)
        let nodes = await simulation.snapshot().nodes
        #expect(nodes[1].bottleneck)
        #expect(!nodes[2].bottleneck)
    }
}
