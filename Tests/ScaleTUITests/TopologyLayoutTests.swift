@testable import ScaleSim
import Testing
@testable import ScaleTUI

/// Large topologies fit: pools collapse to one box, boxes shrink to one line, then scroll.
@Suite struct TopologyLayoutTests {
    /// Four data centers, each a balancer, an 80-server app pool, a cache, a database with
    /// replicas, a queue and its workers; CDN edges in front.
    static func fourDataCenters() -> SimulationSnapshot {
        var nodes: [NodeSnapshot] = []
        func node(_ id: String, _ kind: NodeKind, servers: Int = 1, dc: String?, region: String? = nil, to targets: [String] = [])
        {
            let spec = NodeSpec(
                id: id, kind: kind, servers: servers, service: .exponential(mean: Nanos.perMillisecond),
                routes: targets.map { RouteSpec(to: $0) }, dc: dc, region: region)
            nodes.append(
                NodeSnapshot(
                    spec: spec, servers: servers, downServers: 0, warmingServers: 0, workers: 8, size: 0,
                    slowFactor: 1, cacheEntries: nil, window: nil, bottleneck: false, history: []))
        }
        let centers = ["us-east", "us-west", "eu-west", "ap-south"]
        for dc in centers {
            node("cdn-\(dc)", .cdn, dc: nil, region: dc)
            node("lb-\(dc)", .lb, dc: dc, to: ["web-\(dc)"])
            node("web-\(dc)", .app, servers: 80, dc: dc, to: ["cache-\(dc)", "db-\(dc)", "queue-\(dc)", "sessions-\(dc)"])
            node("sessions-\(dc)", .sessionStore, servers: 4, dc: dc)
            node("cache-\(dc)", .cache, dc: dc, to: ["replicas-\(dc)"])
            node("replicas-\(dc)", .replica, servers: 3, dc: dc)
            node("db-\(dc)", .db, dc: dc)
            node("queue-\(dc)", .queue, dc: dc, to: ["workers-\(dc)"])
            node("workers-\(dc)", .station, servers: 12, dc: dc)
        }
        return SimulationSnapshot(
            time: 0, workload: WorkloadSpec(users: 1, ratePerUser: 1, entry: "lb-us-east"), paused: false, speed: 1,
            behind: false, system: nil, systemHistory: [], nodes: nodes,
            datacenters: centers.map { DataCenterStatus(name: $0, down: false) }, notices: [])
    }

    @Test(arguments: [(80, 24), (120, 40), (160, 48), (200, 60)])
    func everyNodeHasOneBoxInsideTheScreenColumns(width: Int, height: Int) {
        let snapshot = Self.fourDataCenters()
        let state = DashboardState(
            preset: PresetInfo(name: "t", title: "", description: "", explanation: ""), width: width, height: height)
        let layout = state.topologyLayout(snapshot)
        #expect(layout.boxes.map(\.id).sorted() == snapshot.nodes.map(\.id).sorted())
        for box in layout.boxes {
            #expect(
                box.rect.x >= layout.area.x && box.rect.maxX <= layout.area.maxX,
                "\(box.id) leaves the screen at \(width)x\(height)")
        }
        for (i, a) in layout.boxes.enumerated() {
            for b in layout.boxes[(i + 1)...] {
                let overlap = a.rect.x < b.rect.maxX && b.rect.x < a.rect.maxX && a.rect.y < b.rect.maxY && b.rect.y < a.rect.maxY
                #expect(!overlap, "\(a.id) and \(b.id) overlap at \(width)x\(height)")
            }
        }
        // What does not fit scrolls: every box can be brought into view.
        for box in layout.boxes {
            let shown = state.topologyLayout(snapshot, keepVisible: box.id)
            let rect = shown.box(box.id)!.rect
            #expect(rect.y >= shown.area.y && rect.maxY <= shown.area.maxY, "\(box.id) cannot be scrolled into view")
        }
        // The pool of 80 app servers is one box, not 80.
        let screen = DashboardView.render(
            {
                var s = state; _ = s.reduce(.snapshotArrived(snapshot)); return s
            }())
        #expect(screen.text.contains("web-us-east x80"))
    }

    @Test func aLongChainHasOneTierPerHopAndUnreachedNodesGoBelow() {
        // 2,000 nodes in a chain, then two that nothing routes to: grouping is linear in
        // the nodes (it was quadratic, a core's worth of CPU per frame at this size).
        var nodes: [NodeSnapshot] = []
        for i in 0..<2_002 {
            let routes = i < 1_999 ? [RouteSpec(to: "n\(i + 1)")] : []
            let spec = NodeSpec(id: "n\(i)", kind: .app, service: .exponential(mean: Nanos.perMillisecond), routes: routes)
            nodes.append(
                NodeSnapshot(
                    spec: spec, servers: 1, downServers: 0, warmingServers: 0, workers: 1, size: 0,
                    slowFactor: 1, cacheEntries: nil, window: nil, bottleneck: false, history: []))
        }
        // n2000 and n2001 call each other and nothing reaches them: each gets a tier below all.
        nodes[2_000].spec.routes = [RouteSpec(to: "n2001")]
        nodes[2_001].spec.routes = [RouteSpec(to: "n2000")]
        let snapshot = SimulationSnapshot(
            time: 0, workload: WorkloadSpec(users: 1, ratePerUser: 1, entry: "n0"), paused: false, speed: 1,
            behind: false, system: nil, systemHistory: [], nodes: nodes, datacenters: [], notices: [])
        let groups = TopologyLayout.grouped(snapshot)
        #expect(groups.count == 1)
        let tiers = groups[0].tiers
        #expect(tiers.count == 2_002)
        #expect(tiers[0] == ["n0"])
        #expect(tiers[1_999] == ["n1999"])
        #expect(tiers[2_000] == ["n2000"] && tiers[2_001] == ["n2001"])
    }
}
