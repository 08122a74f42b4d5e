import ScaleSim
import Testing
@testable import ScaleFiles

/// What the dashboard's building keys do to a stage, checked the way a person would see it.
@Suite struct DashboardKeyCommandTests {
    /// `r` on stage 03 (`add replica db`): the new replica applies writes in 1/50 of the
    /// database's 10 ms, 0.2 ms each; stage 03 sends about 90 writes/s, so one apply worker
    /// is 2% busy and the lag stays near the 50 ms replication delay instead of growing.
    @Test func aReplicaAddedByKeyKeepsUpWithTheWrites() throws {
        let spec = try Stage.spec("03")
        let engine = Stage.run(spec, seconds: 60, commands: [(at: 0, command: .addReplicas(primary: "db", count: 1))])
        let replica = try #require(engine.spec.nodes.first { $0.replicaOf == "db" })
        #expect(replica.apply == .deterministic(mean: 200 * Nanos.perMicrosecond))
        let lags = engine.snapshot(historyLimit: 30).first { $0.id == replica.id }?.history.compactMap(\.replicationLag) ?? []
        #expect(lags.count >= 20)
        for lag in lags {
            #expect(lag < Double(100 * Nanos.perMillisecond), "lag \(lag / 1e6) ms")
        }
    }
}
