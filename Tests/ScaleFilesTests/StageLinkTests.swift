@testable import ScaleFiles
import ScaleSim
import Testing

/// The per-link counters agree with the node figures and show the data tier's streams.
@Suite struct StageLinkTests {
    /// Every request a node receives came along one of its incoming links, so the links
    /// into a node carry exactly its arrivals of the last closed second.
    @Test(arguments: ["00", "02", "03", "05", "06", "07", "08", "09"])
    func incomingLinksCarryEachNodesArrivals(stage: String) throws {
        let engine = Stage.run(try Stage.spec(stage), seconds: 8)
        let snapshot = engine.simulationSnapshot()
        for node in snapshot.nodes {
            let incoming = snapshot.links.filter { $0.to == node.id && $0.kind == .requests }.reduce(0) { $0 + $1.rate }
            #expect(incoming == Double(node.window?.arrivals ?? -1), "\(stage) \(node.id)")
        }
        #expect(snapshot.links.contains { $0.from == nil && $0.rate > 0 }, "users' requests enter somewhere")
    }

    /// Stage 04's primary ships each committed write to its replica pool: the stream's
    /// rate follows the writes arriving at the primary, with the pool's delay as latency.
    @Test func replicationStreamFollowsWrites() throws {
        let spec = try Stage.spec("04")
        let engine = Stage.run(spec, seconds: 10)
        let links = engine.simulationSnapshot().links
        let replica = try #require(spec.nodes.first { $0.kind == .replica })
        let stream = try #require(links.first { $0.kind == .replication && $0.to == replica.id })
        let primary = try #require(stream.from)
        let writesIn = links.filter { $0.to == primary && $0.kind == .requests }.reduce(0) { $0 + $1.writes }
        #expect(writesIn > 0)
        #expect(abs(stream.rate - writesIn) <= 0.2 * writesIn, "replicated \(stream.rate)/s for \(writesIn) writes/s")
        #expect(stream.latency == replica.replicationDelay)
    }

    /// Caches in front of a primary get its invalidations (stages 05 and 08), and stage
    /// 08's European app writes to the US primary across data centers.
    @Test(arguments: ["05", "08"])
    func invalidationsAndCrossDataCenterWrites(stage: String) throws {
        let spec = try Stage.spec(stage)
        let engine = Stage.run(spec, seconds: 10)
        let snapshot = engine.simulationSnapshot()
        let invalidations = snapshot.links.filter { $0.kind == .invalidation }
        #expect(!invalidations.isEmpty)
        for link in invalidations {
            #expect(spec.nodes.first { $0.id == link.to }?.kind == .cache, "\(link.to) is a cache")
            #expect(link.rate > 0, "\(link.from ?? "-") -> \(link.to)")
        }
        #expect(snapshot.links.contains { $0.kind == .replication && $0.rate > 0 })
        guard stage == "08" else { return }
        let dc = Dictionary(uniqueKeysWithValues: spec.nodes.map { ($0.id, $0.dc) })
        let crossing = snapshot.links.filter { link in link.from.map { dc[$0] != dc[link.to] } ?? false }
        #expect(
            crossing.contains { $0.kind == .requests && $0.writes > 0 && ($0.latency ?? 0) > 0 },
            "writes cross from one data center to the other: \(crossing)")
    }
}
