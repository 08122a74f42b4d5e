import ScaleSim
import Testing
@testable import ScaleTUI

/// The inspector's region section shows the engine's per-region figures for the selected
/// node's data center.
@Suite struct InspectorRegionsTests {
    /// The screen row that starts, inside the inspector, with `label`.
    func inspectorRow(_ screen: ScreenBuffer, _ state: DashboardState, startingWith label: String) -> String? {
        let panel = ScreenLayout(width: state.screenWidth, height: state.screenHeight, inspectorOpen: true).inspector!
        return (panel.y..<panel.maxY).map { screen.line($0) }
            .map { String($0.dropFirst(panel.x + 2).prefix(panel.width - 3)) }
            .first { $0.hasPrefix(label) }
    }

    @Test func aDataCentersNodeShowsTheRequestsSentThere() async throws {
        var state = try await Fixtures.state("08", width: 120, height: 40, seconds: 6)
        state.selection = "app-eu"
        state.inspectorOpen = true
        let screen = DashboardView.render(state)
        ScreenSnapshot.assertMatches(screen, named: "08-inspector-regions-120x40")
        let snapshot = try #require(state.snapshot)
        #expect(inspectorRow(screen, state, startingWith: "to eu-west") != nil)
        for region in snapshot.regions {
            let w = try #require(region.byDataCenter["eu-west"])
            let row = try #require(inspectorRow(screen, state, startingWith: region.name + " "), "no row for \(region.name)")
            let cells = row.split(separator: " ").map(String.init)
            #expect(
                cells == [
                    region.name, Format.count(Double(w.arrivals)), w.p50.map(Format.duration) ?? "-",
                    w.p99.map(Format.duration) ?? "-", Format.percent(w.errorRate ?? 0),
                ], "\(row)")
        }
        // Geo-DNS sends Europeans to eu-west, Americans to us-east.
        let eu = try #require(snapshot.regions.first { $0.name == "eu" })
        let us = try #require(snapshot.regions.first { $0.name == "us" })
        #expect(eu.byDataCenter["eu-west"]?.arrivals ?? 0 > 0)
        #expect(us.byDataCenter["eu-west"]?.arrivals == 0)
    }

    @Test func aNodeOutsideDataCentersShowsEveryRequest() async throws {
        var state = try await Fixtures.state("08", width: 120, height: 40, seconds: 3)
        let node = try #require(state.snapshot?.nodes.first { $0.id == "cdn-eu" })
        let table = try #require(InspectorView.regionTable(state, node: node))
        #expect(table.title == "regions")
        #expect(table.rows.map(\.window) == state.snapshot?.regions.map(\.window))
        state.selection = "cdn-eu"
        state.inspectorOpen = true
        let screen = DashboardView.render(state)
        #expect(inspectorRow(screen, state, startingWith: "regions") != nil)
    }

    /// A cache across the ocean from its primary says why it reads stale: its
    /// invalidations travel `dc_latency`, and how many are on their way.
    @Test func aFarCacheShowsTheWritesOnTheirWayToIt() async throws {
        var state = try await Fixtures.state("08", width: 120, height: 40, seconds: 6)
        state.inspectorOpen = true
        state.selection = "cache-eu"
        let far = try #require(state.snapshot?.nodes.first { $0.id == "cache-eu" }?.remoteWrites)
        #expect(far.primary == "db" && far.delay == 80 * Nanos.perMillisecond)
        let row = try #require(inspectorRow(DashboardView.render(state), state, startingWith: "writes in"))
        #expect(row.contains("\(Format.count(far.inFlight)) in flight, 80ms from db"), "\(row)")
        // 08 commits some 300 writes/s at 6 s (the ramp), so dozens are in flight over 80 ms.
        #expect(far.inFlight > 5, "\(far.inFlight) in flight")
        state.selection = "cache"
        #expect(state.snapshot?.nodes.first { $0.id == "cache" }?.remoteWrites == nil)
        #expect(inspectorRow(DashboardView.render(state), state, startingWith: "writes in") == nil)
    }

    @Test func noRegionsNoSection() async throws {
        let state = try await Fixtures.state("bench-network", width: 120, height: 40, seconds: 2)
        let node = try #require(state.snapshot?.nodes.first)
        #expect(InspectorView.regionTable(state, node: node) == nil)
    }
}
