@testable import ScaleSim
import Testing
@testable import ScaleTUI

/// The dashboard's side of network partitions: `P`, the advisor, the inspector and the cut
/// link (docs/dashboard.md).
@Suite struct PartitionKeyTests {
    @Test func pCutsTheLinkToThePrimarysDataCenterAndHealsIt() async throws {
        let calm = try await Fixtures.snapshot("partition", seconds: 2)
        func command(_ snapshot: SimulationSnapshot, _ selection: String?) -> Result<SimCommand, NoTarget> {
            CommandTargets(snapshot: snapshot, selection: selection).command(for: .togglePartition)
        }
        #expect(command(calm, "app-eu") == .success(.partition("eu-west", "us-east")))
        #expect(command(calm, "db") == .success(.partition("us-east", "eu-west")))
        // A CDN edge is in no data center: the key names them and does nothing.
        guard case .failure(let reason) = command(calm, "cdn-us") else {
            Issue.record("P acted on a node in no data center")
            return
        }
        #expect(reason.message.contains("us-east, eu-west"))
        let cut = try await Fixtures.snapshot("partition", seconds: 10, commands: [.partition("eu-west", "us-east")])
        #expect(command(cut, "cache") == .success(.heal("eu-west", "us-east")))
        #expect(KeyMap.standard.action(for: .character("P")) == .togglePartition)
    }

    /// Cut at 0 s, seen at 10 s: eu-west's 50 writes/s have failed for about 9 s (the
    /// first second of them was still waiting for the connect timeout).
    @Test func theAdvisorInspectorAndTopologyShowTheCut() async throws {
        let cut = try await Fixtures.snapshot("partition", seconds: 10, commands: [.partition("eu-west", "us-east")])
        let episode = try #require(cut.partitions.first)
        #expect(abs(episode.failedWrites - 450) < 100, "\(episode.failedWrites)")
        let advice = Advisor.advice(for: cut)
        #expect(advice.tone == .down)
        #expect(advice.text.hasPrefix("network partition eu-west | us-east: \(Format.count(episode.failedWrites)) writes failed"))
        #expect(advice.text.hasSuffix("P on a node of either side heals it"))
        let appEU = try #require(cut.nodes.first { $0.id == "app-eu" })
        let lines = InspectorView.partitionLines(appEU, in: cut)
        #expect(lines.first?.0 == "partition")
        #expect(lines.first?.1.hasPrefix("cut from us-east since") == true)
        let across = try #require(cut.links.first { $0.from == "app-eu" && $0.to == "db" })
        let inside = try #require(cut.links.first { $0.from == "app-eu" && $0.to == "cache-eu" })
        #expect(TopologyView.isCut(across, in: cut))
        #expect(!TopologyView.isCut(inside, in: cut))
        let calm = try await Fixtures.snapshot("partition", seconds: 2)
        #expect(!Advisor.advice(for: calm).text.contains("partition"))
    }
}
