import ScaleFiles
@testable import ScaleSim
import Testing

/// Network cuts between data centers in a partitioned run: `partition` and `heal` apply in
/// every copy, what a cut holds back waits in the partition it was for, and the coordinator
/// finishes each catch-up at a barrier (docs/architecture.md, "Network cuts in a
/// partitioned run").
extension PartitionedCommandTests {
    /// The `partition` preset with its script twelve times sooner: cut at 5 s, healed at 10 s.
    static func shortPartition() throws -> SystemSpec {
        var spec = try Stage.spec("partition")
        spec.script = spec.script.map { ScheduledCommand(at: $0.at / 12, command: $0.command) }
        return spec
    }

    /// The partition preset runs partitioned, the same on 1, 2 and 3 threads, and its
    /// episode comes out as one engine's: the writes at risk, the writes held, the catch-up
    /// and the stale reads; each command and the catch-up are told once.
    @Test func thePartitionPresetRunsPartitioned() throws {
        let second = Nanos.perSecond
        let engine = Engine(spec: try Self.shortPartition())
        #expect(engine.reasonNotPartitioned == nil)
        #expect(engine.partitionPlan.partitions == [["us-east"], ["eu-west"]])
        var whole = engine
        whole.run(until: 20 * second)
        let runs = try [1, 2, 3].map { try #require(PartitionedEngine(engine, threads: $0)) }
        for run in runs { run.run(until: 20 * second) }
        let summaries = runs.map { $0.summary() }
        #expect(summaries[1] == summaries[0])
        #expect(summaries[2] == summaries[1])
        // Nothing a cut does waits for a message it would not wait for in one engine: a
        // held write waits where it was going, so the run is the one engine's.
        #expect(summaries[0] == whole.summary())

        let one = try #require(whole.partitionEpisodes.first)
        #expect(summaries[0].partitions.count == 1)
        let episode = try #require(summaries[0].partitions.first)
        #expect(episode.cutAt == 5 * second && episode.healedAt == 10 * second)
        #expect(Set(episode.cutOff) == ["cache-eu", "db-replica-eu"])
        // About 50 European writes a second fail across the cut, and 50 American ones wait.
        #expect(episode.failedWrites > 200 && episode.failedRequests == episode.failedWrites)
        #expect(abs(episode.failedWrites - one.failedWrites) <= max(5, one.failedWrites * 3 / 100))
        #expect(episode.writesHeld > 200)
        #expect(abs(episode.writesHeld - one.writesHeld) <= max(5, one.writesHeld * 3 / 100))
        #expect(episode.resyncs == one.resyncs)
        let catchUp = try #require(episode.catchUpTime)
        let oneCatchUp = try #require(one.catchUpTime)
        #expect(catchUp > 80 * Nanos.perMillisecond)
        #expect(abs(catchUp - oneCatchUp) <= second / 5, "\(catchUp) vs \(oneCatchUp)")
        #expect(episode.staleReads > 0)
        #expect(episode.staleReads <= 2 * one.staleReads && one.staleReads <= 2 * episode.staleReads)
        // The failed writes are the run's only failures, as in one engine.
        #expect(summaries[0].endToEnd.counts.failed == episode.failedWrites)

        // The catch-up is told once, with the run's figures; the commands once each.
        let notices = runs[1].simulationSnapshot().notices
        let caughtUp = notices.filter { if case .partitionCaughtUp = $0.event { true } else { false } }
        #expect(
            caughtUp.map(\.event) == [
                .partitionCaughtUp(dataCenters: ["us-east", "eu-west"], writes: episode.writesHeld, after: catchUp)
            ])
        #expect(caughtUp.map(\.time) == [10 * second + catchUp])
        #expect(notices.filter { if case .scheduledCommand = $0.event { true } else { false } }.count == 2)
        // A heal of no cut is refused in one engine's words.
        #expect(runs[2].execute(.heal("us-east", "eu-west")) == whole.execute(.heal("us-east", "eu-west")))
        #expect(runs[2].summary().refused.map(\.reason) == whole.summary().refused.map(\.reason))
    }

    /// `partition` and `heal` taken live on 08-multi-dc: the one engine's run on 1 and 2
    /// threads, each episode's figures with it; a second cut of the link healed already is
    /// taken, and each catch-up is told once.
    @Test func cutsTakenLiveOnTheMultiDataCenterSystem() throws {
        let second = Nanos.perSecond
        let script = [
            ScheduledCommand(at: second + 1_234, command: .partition("us-east", "eu-west")),
            ScheduledCommand(at: 3 * second, command: .heal("us-east", "eu-west")),
            ScheduledCommand(at: 4 * second + 500, command: .partition("eu-west", "us-east")),
            ScheduledCommand(at: 5 * second, command: .heal("us-east", "eu-west")),
        ]
        let summaries = try Self.runThreeWays(nil, script, to: 7 * second) { whole, run in
            let caughtUp = { (notices: [EngineNotice]) in
                notices.filter { if case .partitionCaughtUp = $0.event { true } else { false } }.count
            }
            #expect(caughtUp(run.simulationSnapshot().notices) == 2)
        }
        #expect(summaries[1] == summaries[0])
        #expect(summaries[2] == summaries[1])
        let episodes = summaries[1].partitions
        #expect(episodes.count == 2 && summaries[0].partitions.count == 2)
        for (episode, one) in zip(episodes, summaries[0].partitions) {
            #expect(episode.failedRequests > 0 && episode.writesHeld > 0)
            #expect(abs(episode.failedWrites - one.failedWrites) <= max(5, one.failedWrites * 3 / 100))
            #expect(abs(episode.writesHeld - one.writesHeld) <= max(5, one.writesHeld * 3 / 100))
            let catchUp = try #require(episode.catchUpTime)
            #expect(abs(catchUp - (one.catchUpTime ?? 0)) <= second / 5)
        }
    }
}
