import ScaleFiles
@testable import ScaleSim
import Testing
@testable import ScaleTUI

/// Nodes coming and going between frames (`remove ...`, `add dc`): the engine compacts its
/// node arrays and ids stay unique, so nothing on screen may hold a node by position or keep
/// one that went. Synthetic snapshots edited from real ones, drawn at 80x24 and 200x60.
@Suite struct NodeChurnTests {
    static let sizes = [(80, 24), (200, 60)]

    /// `snapshot` without the nodes `gone` (or a whole data center's), with no route, call or
    /// link left naming them unless `keepingReferences`, as the engine leaves it.
    static func removing(
        _ gone: Set<String>, dataCenter: String? = nil, from snapshot: SimulationSnapshot, keepingReferences: Bool = false
    ) -> SimulationSnapshot {
        var next = snapshot
        let removed = gone.union(snapshot.nodes.filter { dataCenter != nil && $0.spec.dc == dataCenter }.map(\.id))
        next.nodes.removeAll { removed.contains($0.id) }
        next.datacenters.removeAll { $0.name == dataCenter }
        guard !keepingReferences else { return next }
        for i in next.nodes.indices {
            next.nodes[i].spec.routes.removeAll { removed.contains($0.to) }
            if let calls = next.nodes[i].spec.calls, removed.contains(calls) { next.nodes[i].spec.calls = nil }
        }
        next.links.removeAll { removed.contains($0.to) || $0.from.map(removed.contains) == true }
        next.latencies.removeAll { $0.dc == dataCenter }
        return next
    }

    /// `snapshot` with a new data center `name` holding a fresh copy of `model`'s nodes (new
    /// ids, no history yet), reached from users in `region` at 10 ms.
    static func addingDataCenter(_ name: String, copying model: String, near region: String, to snapshot: SimulationSnapshot)
        -> SimulationSnapshot
    {
        var next = snapshot
        let copied = snapshot.nodes.filter { $0.spec.dc == model }
        let ids = Set(copied.map(\.id))
        func renamed(_ id: String) -> String { ids.contains(id) ? "\(id)-\(name)" : id }
        for node in copied {
            var copy = node
            copy.spec.id = renamed(node.id)
            copy.spec.dc = name
            for r in copy.spec.routes.indices { copy.spec.routes[r].to = renamed(copy.spec.routes[r].to) }
            copy.spec.calls = copy.spec.calls.map(renamed)
            copy.spec.replicaOf = copy.spec.replicaOf.map(renamed)
            copy.window = nil
            copy.history = []
            copy.members = []
            copy.bottleneck = false
            next.nodes.append(copy)
            for route in copy.spec.routes {
                next.links.append(LinkSnapshot(from: copy.id, to: route.to, kind: .requests, rate: 0, latency: route.latency))
            }
        }
        next.datacenters.append(DataCenterStatus(name: name, down: false))
        next.latencies.append(RegionLatency(region: region, dc: name, latency: 10 * Nanos.perMillisecond))
        return next
    }

    /// Draws `state` at every size, checking no box, inspector or filter shows a node the
    /// snapshot lacks.
    static func expectNoGhost(_ state: DashboardState, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let snapshot = try #require(state.snapshot, sourceLocation: sourceLocation)
        let ids = Set(snapshot.nodes.map(\.id))
        if let selection = state.selection { #expect(ids.contains(selection), "ghost selection", sourceLocation: sourceLocation) }
        for (width, height) in sizes {
            var sized = state
            _ = sized.reduce(.resized(width: width, height: height))
            let layout = sized.topologyLayout(snapshot)
            #expect(Set(layout.boxes.map(\.id)) == ids, "\(width)x\(height)", sourceLocation: sourceLocation)
            let screen = DashboardView.render(sized)
            #expect(screen.width == width && screen.height == height, sourceLocation: sourceLocation)
            if sized.inspectorOpen, sized.selection == nil {
                #expect(screen.text.contains("Tab or the arrows select a node"), sourceLocation: sourceLocation)
            }
            #expect(!screen.text.contains("events: only"), "filter on a ghost", sourceLocation: sourceLocation)
        }
    }

    @Test func aSelectedNodeThatGoesTakesTheSelectionWithIt() async throws {
        var state = try await Fixtures.state("08", width: 200, height: 60)
        let before = try #require(state.snapshot)
        state.selection = "cache-eu"
        _ = state.reduce(.keyPressed(.enter))
        _ = state.reduce(.keyPressed(.character("/")))
        #expect(DashboardView.render(state).text.contains("events: only cache-eu"))
        _ = state.reduce(.snapshotArrived(Self.removing(["cache-eu"], from: before)))
        #expect(state.selection == nil)
        #expect(state.inspectorOpen)
        try Self.expectNoGhost(state)
        // Keys that need a selection say so rather than act on the ghost.
        #expect(state.reduce(.keyPressed(.character("k"))).isEmpty)
        #expect(state.log.last?.text.hasPrefix("select a node first") == true)
        #expect(state.reduce(.keyPressed(.character("X"))).isEmpty)
        #expect(state.prompt == nil)
        // Tab starts again from a node that is there, and the filter follows it.
        _ = state.reduce(.keyPressed(.tab))
        let selected = try #require(state.selection)
        #expect(state.snapshot?.nodes.contains { $0.id == selected } == true)
        #expect(DashboardView.render(state).text.contains("events: only \(selected)"))
    }

    @Test func routesAndLinksStillNamingAGoneNodeAreDrawnWithoutIt() async throws {
        var state = try await Fixtures.state("08", width: 200, height: 60)
        let before = try #require(state.snapshot)
        // The snapshot the frame after a removal might show: app still routes to the cache.
        _ = state.reduce(.snapshotArrived(Self.removing(["cache", "sessions"], from: before, keepingReferences: true)))
        state.selection = "app"
        _ = state.reduce(.keyPressed(.enter))
        try Self.expectNoGhost(state)
        for (width, height) in Self.sizes {
            _ = state.reduce(.resized(width: width, height: height))
            #expect(DashboardView.render(state).text.contains("app"))
        }
    }

    @Test func aWholeDataCenterAppearsAtOnceAndEveryNewNodeCanBeSelected() async throws {
        var state = try await Fixtures.state("07", width: 200, height: 60)
        let before = try #require(state.snapshot)
        state.selection = "app"
        _ = state.reduce(.keyPressed(.enter))
        let grown = Self.addingDataCenter("eu-west", copying: "us-east", near: "eu", to: before)
        let added = Set(grown.nodes.map(\.id)).subtracting(before.nodes.map(\.id))
        #expect(added.count >= 5, "\(added)")
        _ = state.reduce(.snapshotArrived(grown))
        // The selection stays on its node, wherever the new data center put its box.
        #expect(state.selection == "app")
        try Self.expectNoGhost(state)
        for (width, height) in Self.sizes {
            var sized = state
            _ = sized.reduce(.resized(width: width, height: height))
            // Tab visits every node once, the new ones included, each drawn in the inspector
            // with no history yet.
            var visited: [String] = []
            for _ in grown.nodes.indices {
                _ = sized.reduce(.keyPressed(.tab))
                let selected = try #require(sized.selection)
                visited.append(selected)
                let screen = DashboardView.render(sized)
                if added.contains(selected) { #expect(screen.text.contains("\(selected) ("), "\(width)x\(height)") }
                // The selected box is scrolled into the topology's view.
                let layout = sized.topologyLayout(grown)
                let box = try #require(layout.box(selected))
                #expect(box.rect.y >= layout.area.y && box.rect.y < layout.area.maxY, "\(selected) at \(width)x\(height)")
            }
            #expect(Set(visited) == Set(grown.nodes.map(\.id)), "\(width)x\(height)")
            #expect(visited.count == Set(visited).count)
        }
    }

    @Test func aDataCenterGoingWhileScrolledLeavesTheScrollInReach() async throws {
        var state = try await Fixtures.state("ten-million-users", width: 80, height: 24, seconds: 2)
        let before = try #require(state.snapshot)
        // A node of eu-west selected, and the topology scrolled to its bottom.
        state.selection = "lb-eu"
        for _ in 0..<10 { _ = state.reduce(.keyPressed(.pageDown)) }
        let scrolled = state.topologyScroll
        #expect(scrolled > 0)
        let shrunk = Self.removing([], dataCenter: "eu-west", from: before)
        _ = state.reduce(.snapshotArrived(shrunk))
        #expect(state.selection == nil)
        try Self.expectNoGhost(state)
        // The scroll as drawn is clamped to the smaller topology, and PgUp moves from there
        // at once rather than from the scroll the larger one had.
        let clamped = state.topologyLayout(shrunk).scroll
        #expect(clamped < scrolled)
        _ = state.reduce(.keyPressed(.pageUp))
        #expect(state.topologyScroll == max(0, clamped - 24 / 3))
        #expect(state.topologyLayout(shrunk).scroll == state.topologyScroll)
    }

    /// The engine's own snapshots after each key's command: the screen before, then after.
    @Test func theEnginesSnapshotsAfterEachComponentCommandDrawWithoutAGhost() async throws {
        let cases: [(preset: String, selected: String, command: SimCommand)] = [
            ("00", "app", .addDatabase(node: "app")),
            ("01", "db", .removeDatabase("db")),
            ("03", "lb", .removeLoadBalancer("lb")),
            ("05", "cache", .removeCache("cache")),
            ("06", "cdn-eu", .removeCDN(region: "eu")),
            ("07", "sessions", .removeSessionStore("sessions")),
            ("07", "app", .addDataCenter(DataCenterCopy(name: "eu-dc", model: "us-east", region: "eu", latency: 10_000_000))),
            ("08", "app", .addQueue(node: "app", requestClass: .job, workers: 16)),
            ("08", "lb-eu", .removeDataCenter("eu-west")),
            ("09", "jobs-eu", .removeQueue("jobs-eu")),
        ]
        for (preset, selected, command) in cases {
            var state = try await Fixtures.state(preset, width: 200, height: 60, seconds: 3)
            #expect(state.snapshot?.nodes.contains { $0.id == selected } == true, "\(preset) has no \(selected)")
            state.selection = selected
            _ = state.reduce(.keyPressed(.enter))
            let after = try await Fixtures.snapshot(preset, seconds: 3, commands: [command])
            // Applied: the structure changed.
            #expect(
                Set(after.nodes.map(\.id)) != Set(try #require(state.snapshot).nodes.map(\.id)),
                "\(preset): \(CommandGrammar.encode(command)) changed nothing")
            _ = state.reduce(.snapshotArrived(after))
            #expect(state.selection == (after.nodes.contains { $0.id == selected } ? selected : nil), "\(preset)")
            try Self.expectNoGhost(state)
        }
    }

    @Test func aRemovedBottleneckIsForgottenAndANewOneLogged() async throws {
        var state = try await Fixtures.state("05", width: 200, height: 60)
        var snapshot = try #require(state.snapshot)
        let cache = try #require(snapshot.nodes.firstIndex { $0.kind == .cache })
        let id = snapshot.nodes[cache].id
        snapshot.nodes[cache].bottleneck = true
        _ = state.reduce(.snapshotArrived(snapshot))
        #expect(state.log.filter { $0.text.hasPrefix("\(id) ") && $0.tone == .bottleneck }.count == 1)
        _ = state.reduce(.snapshotArrived(Self.removing([id], from: snapshot)))
        #expect(!state.bottlenecks.contains(id))
        try Self.expectNoGhost(state)
        // The same kind added again and at once hot: a new node, logged anew.
        _ = state.reduce(.snapshotArrived(snapshot))
        #expect(state.log.filter { $0.text.hasPrefix("\(id) ") && $0.tone == .bottleneck }.count == 2)
    }
}
