import ScaleFiles
import ScaleSim
import Testing

/// `capacity`'s search, run on the engine, finds the knees the README lists with an
/// error-rate objective (docs/capacity.md, "Checked against the stages").
///
/// The points are shorter than the command's default (10 minutes after the warm-up) so
/// the suite stays fast, and the physics allows it: beyond a knee by a fraction e, the
/// bottleneck's backlog grows by e times its capacity each second, and errors begin once
/// a 1,000-request queue is full (or a request waits its 5 s timeout). The database and
/// the replicas serve 1,600 requests/s per server, so at 1.01 times the knee their queue
/// fills in about a minute: 90 s runs find these knees within about 1%. Stage 0's box
/// serves 200/s, so its queue holds 5 s of work and fills only after 5 / e seconds: 300 s
/// runs put the first failing load within about 2% of its knee, and cost little at its
/// 200 requests/s. One seed suffices: near the knee the outcome turns on the queue
/// filling, not on the dice.
@Suite(.serialized) struct CapacityKneeTests {
    struct Case: CustomStringConvertible, Sendable {
        var preset: String
        /// The knee the README lists.
        var knee: Double
        var bottleneck: String
        var seconds: Int
        var warmup: Int

        var description: String { "stage \(preset) knee at \(Int(knee)) users" }
    }

    static let cases = [
        Case(preset: "00", knee: 2_000, bottleneck: "app", seconds: 300, warmup: 30),
        Case(preset: "03", knee: 22_857, bottleneck: "db", seconds: 90, warmup: 15),
        Case(preset: "04", knee: 49_231, bottleneck: "db-replica", seconds: 90, warmup: 15),
    ]

    @Test(arguments: cases)
    func capacityFindsTheKneeWithAnErrorObjective(_ stage: Case) throws {
        let objective = try Objective(parsing: "errors<0.1%")
        let spec = try Stage.spec(stage.preset)
        let walk = CapacitySearch(start: spec.workload.users, maxUsers: 10_000_000).run { users in
            var loaded = spec
            loaded.workload.users = users
            let summary = Stage.run(loaded, seconds: stage.seconds, warmup: stage.warmup, seed: spec.seed).summary()
            return CapacityMeasure.evaluate(
                reports: [RunReport(summary: summary, preset: UntrustedText(stage.preset)).json], objectives: [objective])
        }
        guard case .capacity(let users, _) = walk.outcome else {
            Issue.record("\(stage): \(walk.outcome)")
            return
        }
        #expect(abs(Double(users) / stage.knee - 1) <= 0.05, "\(stage): capacity \(users)")
        let knee = try #require(walk.capacityPoint?.measured.bottleneck)
        #expect(knee.id == stage.bottleneck)
        #expect(knee.utilization > 0.9, "\(stage): \(knee)")
    }
}
