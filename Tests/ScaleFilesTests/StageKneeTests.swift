import ScaleFiles
@testable import ScaleSim
import Testing

/// Where each stage's bottleneck appears, found by sweeping users rather than assumed.
///
/// Theory gives each stage a knee: the users at which its bottleneck's demand reaches its
/// capacity (servers × workers / mean service time), with 0.1 requests per user per second
/// and the class mix deciding which share of the requests reaches the node. The sweep
/// runs each stage at 0.8 and 1.2 times its knee: below, no request fails and the
/// bottleneck stays under 0.88; above, it saturates (at least 0.95) and requests fail.
/// Each stage's knee lies beyond the one before, and each stage holds at 1.2 times the
/// previous stage's knee.
@Suite(.serialized) struct StageKneeTests {
    struct Knee: CustomStringConvertible {
        var preset: String
        /// Users at the knee, by theory.
        var users: Double
        /// The bottleneck's utilization in a run.
        var probe: @Sendable (RunSummary) throws -> Double
        var seconds = 60
        var warmup = 0

        var description: String { "\(preset) knee at \(Int(users)) users" }
    }

    /// The share of users the busiest server gets from consistent hashing over 24 servers:
    /// a property of the ring's 64 virtual nodes per server, counted over the users.
    static func busiestRingShare(users: Int) -> Double {
        let ring = ConsistentHashRing(servers: 24)
        var counts = [Int](repeating: 0, count: 24)
        for user in 0..<users {
            if let owner = ring.position(for: UInt32(user), eligible: { _ in true }) { counts[owner] += 1 }
        }
        return Double(counts.max() ?? 0) / Double(users)
    }

    static let knees: [Knee] = {
        let ringShare = busiestRingShare(users: 100_000)
        return [
            // One box, 8 workers at 40 ms: 200 requests/s.
            Knee(preset: "00", users: 200 / 0.1) { try $0.node("app").utilization ?? 0 },
            // One web server, 8 workers at 20 ms: 400 requests/s (the database's 1,600/s of
            // the 70% that reach it is 22,857 users away).
            Knee(preset: "01", users: 400 / 0.1) { try $0.node("app").utilization ?? 0 },
            // DNS: the biggest of 16 resolvers holds a quarter of the users on one server,
            // which fills at 400 / (0.1 × 0.25) users, whatever the cluster's size.
            Knee(preset: "02", users: 400 / (0.1 * 0.25), probe: { try $0.node("app").busiestServer }, seconds: 50),
            // Load balanced: the database, 1,600/s for the 70% of requests that are reads
            // and writes.
            Knee(preset: "03", users: 1_600 / (0.1 * 0.7)) { try $0.node("db").utilization ?? 0 },
            // Replicas: 2 × 1,600 reads/s for the 65% that are reads.
            Knee(preset: "04", users: 3_200 / (0.1 * 0.65)) { try $0.node("db-replica").utilization ?? 0 },
            // Cache: the data tier has room to 3,200 / (0.1 × 0.65 × 0.23) = 214,000 users,
            // so the busiest web server comes first.
            Knee(
                preset: "05", users: 400 / (0.1 * ringShare), probe: { try $0.node("app").busiestServer },
                seconds: 120, warmup: 60),
            // CDN: static requests (30%) end at the edges, so the web tier fills later.
            Knee(
                preset: "06", users: 400 / (0.1 * 0.7 * ringShare), probe: { try $0.node("app").busiestServer },
                seconds: 120, warmup: 60),
        ]
    }()

    static func run(_ knee: Knee, users: Double) throws -> RunSummary {
        var spec = try Stage.spec(knee.preset)
        spec.workload.users = Int(users.rounded())
        return Stage.run(spec, seconds: knee.seconds, warmup: knee.warmup).summary()
    }

    @Test(arguments: knees)
    func kneeLiesWhereTheoryPutsIt(_ knee: Knee) throws {
        let below = try Self.run(knee, users: 0.8 * knee.users)
        #expect(below.errors == 0)
        #expect(try knee.probe(below) < 0.88)
        let above = try Self.run(knee, users: 1.2 * knee.users)
        #expect(try knee.probe(above) >= 0.95)
        #expect(above.errors > 0)
    }

    @Test func eachStageHoldsBeyondThePreviousKnee() throws {
        for (previous, knee) in zip(Self.knees, Self.knees.dropFirst()) {
            #expect(knee.users > previous.users * 1.2, "\(knee) against \(previous)")
            let summary = try Self.run(knee, users: 1.2 * previous.users)
            #expect(summary.errors == 0, "\(knee.preset) at \(Int(1.2 * previous.users)) users")
        }
    }
}
