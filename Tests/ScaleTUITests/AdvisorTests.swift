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
    }

    @Test func aHealthySystemInvitesMoreUsers() async throws {
        let advice = Advisor.advice(for: try await Fixtures.snapshot("00", seconds: 5))
        #expect(advice.tone == .healthy)
        #expect(advice.text.contains("+ doubles them"))
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
