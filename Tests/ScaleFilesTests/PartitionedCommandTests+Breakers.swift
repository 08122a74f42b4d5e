@testable import ScaleFiles
@testable import ScaleSim
import Testing

/// Circuit breakers in a partitioned run: each lives in its `from` node's partition, and the
/// outcomes of calls whose attempt ended in another partition come back to it by message
/// (docs/architecture.md, "Circuit breakers in a partitioned run").
extension PartitionedCommandTests {
    /// The opening notices of the breaker on `from`'s link to `to`, by time.
    static func breakerOpenings(_ notices: [EngineNotice], from: String, to: String) -> [SimTime] {
        notices.compactMap { notice in
            guard case .breakerChanged(from, to, .open, _) = notice.event else { return nil }
            return notice.time
        }
    }

    /// A breaker put on app's link to the primary in us-east, a link inside one partition,
    /// opens when the primary dies and probes after it is back: the one engine's run,
    /// breaker and notices included, on any number of threads.
    @Test func aBreakerInsideOnePartitionGivesTheOneEngineRun() throws {
        let second = Nanos.perSecond
        let breaker = BreakerSpec(threshold: 0.5, window: 20, minRequests: 10, openFor: second, probes: 3)
        let script = [
            ScheduledCommand(at: second / 2 + 17, command: .setBreaker(from: "app", to: "db", breaker: breaker)),
            ScheduledCommand(at: 2 * second, command: .kill(node: "db", server: nil)),
            ScheduledCommand(at: 3 * second + 5, command: .restore(node: "db", server: nil)),
        ]
        let summaries = try Self.runThreeWays(try Self.quickFailover(edges: true), script, to: 6 * second) { whole, run in
            let told = Self.breakerOpenings(run.simulationSnapshot().notices, from: "app", to: "db")
            #expect(!told.isEmpty)
            #expect(told == Self.breakerOpenings(whole.simulationSnapshot().notices, from: "app", to: "db"))
            #expect(run.simulationSnapshot().breakers == whole.simulationSnapshot().breakers)
        }
        #expect(summaries[1] == summaries[0])
        #expect(summaries[2] == summaries[1])
        let guarded = try #require(summaries[0].breakers.first)
        #expect(guarded.from == "app" && guarded.to == "db")
        #expect(guarded.timesOpened > 0 && guarded.shortCircuited > 0)
    }

    /// A breaker on app-eu's link to the primary in us-east, across partitions: its calls'
    /// outcomes come back from us-east 80 ms later (`dc_latency`), so it opens when the
    /// primary dies, later than one engine's does, the same on 1, 2 and 3 threads. The
    /// dashboard shows it as eu-west, its owner, has it.
    @Test func aBreakerAcrossPartitionsHearsItsOutcomesByMessage() throws {
        let second = Nanos.perSecond
        var whole = Engine(spec: try Self.quickFailover(edges: true))
        let runs = try [1, 2, 3].map { try #require(PartitionedEngine(whole, threads: $0)) }
        let commands: [(SimTime, SimCommand)] = [
            (second / 2 + 17, .setBreaker(from: "app-eu", to: "db", breaker: .standard)),
            (2 * second, .kill(node: "db", server: nil)),
        ]
        for (time, command) in commands {
            whole.run(until: time)
            #expect(whole.execute(command) == .applied, "\(command)")
            for run in runs {
                run.run(until: time)
                #expect(run.execute(command) == .applied, "\(command)")
            }
        }
        let end = 4 * second
        whole.run(until: end)
        for run in runs { run.run(until: end) }
        let summaries = runs.map { $0.summary() }
        #expect(summaries[1] == summaries[0])
        #expect(summaries[2] == summaries[1])
        #expect(runs[0].plan.partitions.count == 2 && runs[0].plan.lookahead == 80 * Nanos.perMillisecond)

        let opened = Self.breakerOpenings(runs[1].simulationSnapshot().notices, from: "app-eu", to: "db")
        let openedInOne = Self.breakerOpenings(whole.simulationSnapshot().notices, from: "app-eu", to: "db")
        #expect(opened == Self.breakerOpenings(runs[0].simulationSnapshot().notices, from: "app-eu", to: "db"))
        // The outcomes of the calls that failed at the dead primary reach eu-west 80 ms on.
        let first = try #require(opened.first)
        let firstInOne = try #require(openedInOne.first)
        #expect(first > 2 * second && first > firstInOne)
        let guarded = try #require(summaries[1].breakers.first)
        #expect(guarded.from == "app-eu" && guarded.to == "db" && guarded.state == .open)
        #expect(guarded.timesOpened > 0 && guarded.shortCircuited > 0)
        let shown = try #require(runs[1].simulationSnapshot().breakers.first)
        #expect(shown.state == .open && shown.timesOpened == guarded.timesOpened)
        // Only eu-west's copy of the breaker is live: us-east's never heard a call.
        #expect(runs[1].engines[0].breakers.first?.machine.timesOpened == 0)
        // One engine's breaker opened too, hearing the same failures sooner.
        #expect(whole.breakerSummaries().first?.timesOpened ?? 0 > 0)
    }

    /// A preset whose YAML puts a breaker on app-eu's writes to the primary runs
    /// partitioned: the breaker's outcomes cross in `dc_latency`, the lookahead.
    @Test func aPresetWithABreakerRunsPartitioned() throws {
        let source = try PresetCatalog(environment: [:]).resolve("08-multi-dc")
        let route = "- {to: db, class: write, latency: 80ms}"
        #expect(source.text.contains(route))
        let text = source.text.replacingOccurrences(
            of: route,
            with: "- {to: db, class: write, latency: 80ms, breaker: {threshold: 0.5, window: 20, min_requests: 10, "
                + "open_for: 2s, probes: 3}}")
        let spec = try PresetDecoder.decode(text, file: "08-multi-dc-breaker.yaml")
        let engine = Engine(spec: spec)
        #expect(engine.breakers.count == 1)
        #expect(engine.reasonNotPartitioned == nil)
        #expect(engine.partitionPlan.partitions.count == 2)
        let effects = engine.crossDataCenterEffects().filter { $0.kind == .breakerOutcomes }
        #expect(effects.map(\.name) == ["outcomes for breaker app-eu -> db"])
        #expect(effects.map(\.delay) == [80 * Nanos.perMillisecond])
    }

    /// A script that puts a breaker on app's writes to the primary and kills the primary
    /// runs partitioned (its breaker tried on a copy at the start): the one engine's run,
    /// the breaker opened.
    @Test func aScriptThatPutsABreakerRunsPartitioned() throws {
        let second = Nanos.perSecond
        let script = [
            ScheduledCommand(at: second / 4, command: .setBreaker(from: "app", to: "db", breaker: .standard)),
            ScheduledCommand(at: second, command: .kill(node: "db", server: nil)),
        ]
        let spec = try Self.quickFailover(edges: true)
        let scripted = Engine(spec: spec, script: script)
        #expect(scripted.reasonNotPartitioned == nil)
        let partitioned = try #require(PartitionedEngine(scripted, threads: 2))
        partitioned.run(until: 3 * second)
        var whole = Engine(spec: spec)
        whole.run(until: 3 * second, applying: script)
        #expect(partitioned.summary() == whole.summary())
        #expect(whole.summary().breakers.first.map { $0.state == .open && $0.timesOpened == 1 } == true)
    }
}
