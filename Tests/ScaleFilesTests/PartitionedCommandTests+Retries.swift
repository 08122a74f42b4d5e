import ScaleFiles
@testable import ScaleSim
import Testing

/// Retries in a partitioned run: an attempt that fails in another partition than its
/// region's goes home as a message when its backoff is over, and starts there
/// (docs/architecture.md, "Retries in a partitioned run").
extension PartitionedCommandTests {
    /// Runs 08-multi-dc (or `spec`) to `end` in one engine and partitioned on 1, 2 and 3
    /// threads, applying `commands` at their times; returns the four runs' summaries, one
    /// engine's first.
    static func runFourWays(_ spec: SystemSpec? = nil, _ commands: [ScheduledCommand], to end: SimTime) throws
        -> [RunSummary]
    {
        var whole = Engine(spec: try spec ?? Stage.spec("08-multi-dc"))
        let runs = try [1, 2, 3].map { try #require(PartitionedEngine(whole, threads: $0)) }
        for scheduled in commands {
            whole.run(until: scheduled.at)
            #expect(whole.execute(scheduled.command) == .applied, "\(scheduled.command)")
            for run in runs {
                run.run(until: scheduled.at)
                #expect(run.execute(scheduled.command) == .applied, "\(scheduled.command)")
            }
        }
        whole.run(until: end)
        for run in runs {
            run.run(until: end)
            #expect(run.spec == whole.spec)
        }
        return [whole.summary()] + runs.map { $0.summary() }
    }

    /// The primary dies while retries are on: Europe's writes fail in us-east and go back
    /// to eu-west for each retry, some failed by the kill itself at the barrier. Without
    /// jitter or a budget a retry's start is the one engine's, so the run is the one
    /// engine's, figure for figure, on any number of threads.
    @Test func retriesWithoutJitterGiveTheOneEngineRun() throws {
        let second = Nanos.perSecond
        let commands = [
            ScheduledCommand(at: second / 4, command: .setRetryPolicy(budget: nil, jitter: .none)),
            ScheduledCommand(at: second / 2, command: .setRetries(limit: 3, backoff: 100 * Nanos.perMillisecond)),
            ScheduledCommand(at: 3 * second / 2 + 1_234, command: .kill(node: "db", server: nil)),
        ]
        let summaries = try Self.runFourWays(nil, commands, to: 4 * second)
        #expect(summaries[1] == summaries[0])
        #expect(summaries[2] == summaries[1])
        #expect(summaries[3] == summaries[1])
        let clients = summaries[1].clients
        #expect(clients.retries > 1_000, "\(clients)")
        #expect(summaries[1].endToEnd.counts.failed > 0)
    }

    /// With half jitter and a retry budget, a partition draws a retry's jitter from the
    /// request's own generator and decides on the budget against the others' attempts as
    /// of the last barrier: the same run on any number of threads, close to one engine's.
    ///
    /// The tolerance: the jitter draws differ from one engine's, and a partition hears of
    /// the other's retries up to a window (80 ms) late, so it may grant a few retries one
    /// engine refuses; both move only retried writes, about 5% of the requests, so the
    /// retries and their denials stay within 5% and completions within 1%.
    @Test func retriesWithJitterAndABudgetAreCloseToOneEngine() throws {
        let second = Nanos.perSecond
        let commands = [
            ScheduledCommand(at: second / 4, command: .setRetryPolicy(budget: 0.02, jitter: .half)),
            ScheduledCommand(at: second / 2, command: .setRetries(limit: 3, backoff: 200 * Nanos.perMillisecond)),
            ScheduledCommand(at: 3 * second / 2, command: .kill(node: "db", server: nil)),
        ]
        let summaries = try Self.runFourWays(nil, commands, to: 5 * second)
        #expect(summaries[2] == summaries[1])
        #expect(summaries[3] == summaries[1])
        let (whole, partitioned) = (summaries[0].clients, summaries[1].clients)
        #expect(partitioned.retries > 300 && partitioned.retriesDenied > 500, "\(partitioned) \(whole)")
        #expect(partitioned.firstAttempts == whole.firstAttempts, "\(partitioned) \(whole)")
        #expect(abs(Double(partitioned.retries) / Double(whole.retries) - 1) < 0.05, "\(partitioned) \(whole)")
        #expect(
            abs(Double(partitioned.retriesDenied) / Double(whole.retriesDenied) - 1) < 0.05, "\(partitioned) \(whole)")
        let (completed, completedWhole) = (summaries[1].endToEnd.counts.completed, summaries[0].endToEnd.counts.completed)
        #expect(abs(Double(completed) / Double(completedWhole) - 1) < 0.01, "\(completed) \(completedWhole)")
    }

    /// Retries that could come back sooner than the run's 80 ms windows shorten the windows
    /// from their command on: the dashboard's `t` (a 100 ms backoff under half jitter, 50 ms
    /// at least) is taken and the windows last 50 ms, the same run on any number of threads.
    /// Retries that would need windows shorter than `PartitionedEngine.shortestWindow`, and
    /// full jitter (at once, even while retries are off), are refused, saying why.
    @Test func retriesFasterThanTheWindowsShortenThemOrAreRefused() throws {
        let spec = try Stage.spec("08-multi-dc")
        let runs = try [1, 2].map { try #require(PartitionedEngine(Engine(spec: spec), threads: $0)) }
        let refused: [(SimCommand, String)] = [
            (
                .setRetries(limit: 3, backoff: 15 * Nanos.perMillisecond),
                "retries after a 15 ms backoff with half jitter can come back after 7.5 ms, and a partitioned run's "
                    + "windows last at least 10 ms"
            ),
            (
                .setRetryPolicy(budget: 0.1, jitter: .full),
                "retries with full jitter can come back at once, and a partitioned run's windows last at least 10 ms"
            ),
        ]
        for run in runs {
            run.run(until: Nanos.perSecond)
            #expect(run.simulation.lookahead == 80 * Nanos.perMillisecond)
            for (command, reason) in refused {
                guard case .refused(let said) = run.execute(command) else {
                    Issue.record("\(command) was applied")
                    continue
                }
                #expect(said.hasPrefix(reason), "\(said)")
            }
            #expect(run.spec.workload.retries == RetrySpec())
            #expect(run.simulation.lookahead == 80 * Nanos.perMillisecond)
            #expect(run.execute(.setRetries(limit: 3, backoff: 100 * Nanos.perMillisecond)) == .applied)
            #expect(run.simulation.lookahead == 50 * Nanos.perMillisecond)
            #expect(run.plan.limitedBy?.hasPrefix("retries of") == true)
            run.run(until: 2 * Nanos.perSecond)
            // Windows only get shorter: retries turned off leave them as they are.
            #expect(run.execute(.setRetries(limit: 0, backoff: 0)) == .applied)
            #expect(run.simulation.lookahead == 50 * Nanos.perMillisecond)
            run.run(until: 3 * Nanos.perSecond)
        }
        #expect(runs[0].summary() == runs[1].summary())
    }

    /// 08-multi-dc with retries and a budget in its workload, and a script killing the
    /// primary, runs partitioned: with half jitter of 100 ms its windows shrink to 50 ms,
    /// the same on any number of threads. A script turning on retries faster than the
    /// shortest windows keeps the system in one engine, saying why.
    @Test func aSystemWithRetriesRunsPartitioned() throws {
        var spec = try Stage.spec("08-multi-dc")
        spec.workload.retries = RetrySpec(limit: 3, backoff: 100 * Nanos.perMillisecond, budget: 0.1)
        spec.script = [ScheduledCommand(at: Nanos.perSecond, command: .kill(node: "db", server: nil))]
        let engine = Engine(spec: spec)
        #expect(engine.reasonNotPartitioned == nil)
        #expect(engine.partitionPlan.lookahead == 50 * Nanos.perMillisecond)
        #expect(engine.partitionPlan.limitedBy?.hasPrefix("retries of") == true)
        let runs = try [1, 2].map { try #require(PartitionedEngine(engine, threads: $0)) }
        for run in runs { run.run(until: 3 * Nanos.perSecond) }
        #expect(runs[0].summary() == runs[1].summary())
        #expect(runs[0].summary().clients.retries > 500, "\(runs[0].summary().clients)")
        #expect(runs[0].summary().clients.retriesDenied > 0, "\(runs[0].summary().clients)")

        var slow = try Stage.spec("08-multi-dc")
        slow.script = [ScheduledCommand(at: Nanos.perSecond, command: .setRetries(limit: 2, backoff: 15 * Nanos.perMillisecond))]
        let reason = Engine(spec: slow).reasonNotPartitioned ?? ""
        #expect(reason.hasPrefix("its script changes the retries at 1.0 s: retries after a 15 ms backoff"), "\(reason)")
        slow.script = [ScheduledCommand(at: Nanos.perSecond, command: .setRetries(limit: 2, backoff: 60 * Nanos.perMillisecond))]
        #expect(Engine(spec: slow).reasonNotPartitioned == nil)
    }
}
