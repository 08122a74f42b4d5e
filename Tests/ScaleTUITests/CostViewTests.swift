import ScaleSim
import Testing
@testable import ScaleTUI

/// The cost on the dashboard (docs/cost.md): the status bar's running cost per month, the
/// inspector's cost of the selected node and its share, and the advisor's priced remedies.
@Suite struct CostViewTests {
    @Test func theStatusBarShowsTheCostPerMonthWhenThereIsRoom() async throws {
        let state = try await Fixtures.state("03", width: 200, height: 40, seconds: 5)
        let snapshot = try #require(state.snapshot)
        // 24 app servers ($1,752), a database ($292), a load balancer ($18.25) and its requests.
        #expect(snapshot.costPerMonth > 1_752 + 292 + 18.25)
        let bar = DashboardView.render(state).line(0)
        #expect(bar.contains("cost \(Format.money(snapshot.costPerMonth))/month"), "\(bar)")
        // It gives way before every other figure on a narrow screen.
        let narrow = DashboardView.render(try await Fixtures.state("03", width: 80, height: 24, seconds: 5)).line(0)
        #expect(!narrow.contains("$") && narrow.contains("err"), "\(narrow)")
    }

    @Test func theInspectorShowsTheNodesCostAndShare() async throws {
        var state = try await Fixtures.state("03", width: 120, height: 40, seconds: 5)
        let snapshot = try #require(state.snapshot)
        let db = try #require(snapshot.nodes.first { $0.id == "db" })
        #expect(abs(db.costPerMonth - 292) < 1e-9)
        #expect(InspectorView.costLine(db, total: 1_000) == "$292/month, 29% of $1.0k")
        state.selection = "db"
        state.inspectorOpen = true
        let screen = DashboardView.render(state)
        let expected = "$292/month, \(Format.percent(292 / snapshot.costPerMonth)) of \(Format.money(snapshot.costPerMonth))"
        #expect((0..<screen.height).contains { screen.line($0).contains("cost        " + expected) }, "\(expected)")
    }

    @Test func theAdvisorPricesItsRemedies() async throws {
        // Stage 03 past its database's knee (22,857 users).
        let snapshot = try await Fixtures.snapshot("03", seconds: 20, commands: [.setUsers(30_000)])
        let advice = Advisor.advice(for: snapshot)
        #expect(advice.text.hasPrefix("db "), "\(advice.text)")
        // A replica is a copy of the $0.40 database; a cache node $0.15 an hour.
        #expect(advice.text.hasSuffix(": r adds a read replica (+$292/month), c adds a cache (+\(Format.perMonth(109.5)))"))
        let app = try #require(snapshot.nodes.first { $0.id == "app" })
        #expect(Advisor.addedCost(of: .addAppServer, for: app, in: snapshot) == 73)
        #expect(abs((Advisor.addedCost(of: .scaleUp, for: app, in: snapshot) ?? 0) - 24 * 73) < 1e-9)
        #expect(Advisor.addedCost(of: .toggleAutoscale, for: app, in: snapshot) == nil)
    }
}
