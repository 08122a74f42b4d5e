import ScaleFiles
@testable import ScaleSim
import Testing

/// Commands in a partitioned run apply at a barrier in every partition, as one engine
/// applies them after every event at or before their time; those that could reach across
/// partitions at once are refused, saying why (docs/architecture.md, "Windows and messages").
@Suite struct PartitionedCommandTests {
    /// What the dashboard's keys send most: more users, more app servers, a bigger size.
    static let taken: [SimCommand] = [
        .setUsers(300_000), .addServers(node: "app-eu", count: 3), .removeServers(node: "app", count: 2),
        .setWorkers(node: "app", count: 12), .resize(node: "app-eu", steps: 1), .setRatePerUser(0.03),
    ]

    /// 08-multi-dc partitioned is the one engine's run; with the commands taken, applied at
    /// the same times, it still is, figure for figure, on any number of threads.
    @Test func commandsTakenGiveTheOneEngineRun() throws {
        var whole = Engine(spec: try Stage.spec("08-multi-dc"))
        let partitioned = try #require(PartitionedEngine(whole, threads: 2))
        let single = try #require(PartitionedEngine(whole, threads: 1))
        for (k, command) in Self.taken.enumerated() {
            let time = SimTime(k + 1) * Nanos.perSecond / 2
            whole.run(until: time)
            partitioned.run(until: time)
            single.run(until: time)
            #expect(whole.execute(command) == .applied, "\(command)")
            #expect(partitioned.execute(command) == .applied, "\(command)")
            #expect(single.execute(command) == .applied, "\(command)")
        }
        let end = 4 * Nanos.perSecond
        whole.run(until: end)
        partitioned.run(until: end)
        single.run(until: end)
        #expect(partitioned.spec == whole.spec)
        #expect(partitioned.summary() == whole.summary())
        #expect(single.summary() == partitioned.summary())
        #expect(partitioned.summary().nodes.first { $0.id == "app" }?.workers == 12)
        #expect(partitioned.spec.workload.users == 300_000)
    }

    /// A command on a node that holds data, or any other kind, is refused with the reason,
    /// and kept with the refused commands as one engine keeps its own refusals.
    @Test func commandsThatReachAcrossAreRefused() throws {
        let partitioned = try #require(PartitionedEngine(Engine(spec: try Stage.spec("08-multi-dc")), threads: 2))
        partitioned.run(until: Nanos.perSecond)
        let before = partitioned.spec
        let refused: [(SimCommand, String)] = [
            (.setRetryPolicy(budget: 0.1, jitter: .full), "retries with full jitter can come back at once"),
            (.setRetries(limit: 3, backoff: Nanos.perMillisecond), "retries after a 1 ms backoff with half jitter"),
        ]
        for (command, reason) in refused {
            guard case .refused(let said) = partitioned.execute(command) else {
                Issue.record("\(command) was applied")
                continue
            }
            #expect(said.hasPrefix(reason), "\(said)")
        }
        // The engine's own words for a node it does not know.
        #expect(partitioned.execute(.addServers(node: "nope", count: 1)) != .applied)
        #expect(partitioned.spec == before)
        partitioned.run(until: 2 * Nanos.perSecond)
        #expect(partitioned.summary().refused.map(\.command) == refused.map(\.0) + [.addServers(node: "nope", count: 1)])
    }
}

extension PartitionedCommandTests {
    /// A script of commands a partitioned run takes runs partitioned, each command after
    /// every event at or before its time, as `Engine.run(until:applying:)` applies it: the
    /// same run as one engine's. A script with any other command keeps the system in one
    /// engine, and says which command.
    @Test func aScriptOfCommandsTakenRunsPartitioned() throws {
        let spec = try Stage.spec("08-multi-dc")
        let script = Self.taken.enumerated().map { k, command in
            ScheduledCommand(at: SimTime(k + 1) * Nanos.perSecond / 2, command: command)
        }
        let scripted = Engine(spec: spec, script: script)
        #expect(scripted.reasonNotPartitioned == nil)
        let partitioned = try #require(PartitionedEngine(scripted, threads: 2))
        partitioned.run(until: 4 * Nanos.perSecond)
        var whole = Engine(spec: spec)
        whole.run(until: 4 * Nanos.perSecond, applying: script)
        #expect(partitioned.summary() == whole.summary())
        // Each command is told in the notices, as one engine running the script tells it.
        var oneScripted = scripted
        oneScripted.run(until: 4 * Nanos.perSecond)
        let told = { (notices: [EngineNotice]) in
            notices.compactMap { if case .scheduledCommand = $0.event { $0.time } else { nil } }
        }
        #expect(told(partitioned.simulationSnapshot().notices) == script.map(\.at))
        #expect(told(partitioned.simulationSnapshot().notices) == told(oneScripted.simulationSnapshot().notices))

        let kill = ScheduledCommand(at: 2 * Nanos.perSecond, command: .addReplicas(primary: "db", count: 1))
        let reason = Engine(spec: spec, script: script + [kill]).reasonNotPartitioned
        #expect(reason == "its script adds or removes nodes at 2.0 s, which a partitioned run takes only live", "\(reason ?? "")")
    }
}

extension PartitionedCommandTests {
    /// The commands on nodes that hold no data, and `slow` on any node, as a lesson sends
    /// them: failures, balancing, limits, the autoscaler, sessions.
    static let takenOnNodes: [SimCommand] = [
        .kill(node: "app-eu", server: 3), .slow(node: "app", factor: 3), .setPolicy(node: "lb-eu", policy: .leastConnections),
        .setHealthCheck(node: "lb", interval: Nanos.perSecond / 2), .setRateLimit(node: "lb-eu", rate: 6_000, burst: nil),
        .setConcurrencyLimit(node: "app", limit: 20), .setQueueDeadline(node: "app-eu", deadline: 50 * Nanos.perMillisecond),
        .setAutoscale(node: "app-eu", policy: AutoscaleSpec(target: 0.5, min: 8, max: 40, warmup: Nanos.perSecond)),
        .kill(node: "sessions", server: nil), .slow(node: "db-replica-eu", factor: 2), .setSessions(node: "app-eu", mode: .none),
        .restore(node: "app-eu", server: 3), .restore(node: "sessions", server: nil), .removeRateLimit(node: "lb-eu"),
        .setPolicy(node: "lb", policy: .random), .kill(node: "lb-eu", server: nil), .restore(node: "lb-eu", server: nil),
    ]

    /// Runs `spec` (08-multi-dc unless given) to `end` in one engine and partitioned on 1
    /// and 2 threads, applying `commands` at their times (each applied everywhere); returns
    /// the three runs' summaries.
    static func runThreeWays(
        _ spec: SystemSpec? = nil, _ commands: [ScheduledCommand], to end: SimTime,
        check: (Engine, PartitionedEngine) -> Void = { _, _ in }
    ) throws -> [RunSummary] {
        var whole = Engine(spec: try spec ?? Stage.spec("08-multi-dc"))
        let runs = try [1, 2].map { try #require(PartitionedEngine(whole, threads: $0)) }
        for scheduled in commands {
            whole.run(until: scheduled.at)
            let expected = whole.execute(scheduled.command)
            #expect(expected == .applied, "\(scheduled.command): \(expected)")
            for run in runs {
                run.run(until: scheduled.at)
                #expect(run.execute(scheduled.command) == expected, "\(scheduled.command)")
            }
        }
        whole.run(until: end)
        for run in runs {
            run.run(until: end)
            #expect(run.spec == whole.spec)
            check(whole, run)
        }
        return [whole.summary()] + runs.map { $0.summary() }
    }

    /// Each command taken on a node, applied to 08-multi-dc at the same times in one engine
    /// and partitioned, gives the one engine's run figure for figure on any number of
    /// threads; the autoscaler then acts in the owner's partition alone.
    @Test func commandsOnNodesGiveTheOneEngineRun() throws {
        let script = Self.takenOnNodes.enumerated().map { k, command in
            ScheduledCommand(at: SimTime(k + 1) * Nanos.perSecond / 4 + 1_234, command: command)
        }
        let summaries = try Self.runThreeWays(nil, script, to: 6 * Nanos.perSecond)
        #expect(summaries[1] == summaries[0])
        #expect(summaries[2] == summaries[1])
        // The commands did something: the session store's kill failed requests, and the
        // autoscaler shrank app-eu below its 24 servers.
        let appEU = try #require(summaries[2].nodes.first { $0.id == "app-eu" })
        #expect(appEU.servers < 24, "\(appEU.servers)")
        #expect(summaries[2].nodes.first { $0.id == "sessions" }.map { $0.failed > 0 } == true)
    }
}

extension PartitionedCommandTests {
    /// 08-multi-dc with a tenth of its users and a failover after 3 s instead of 30 s, so
    /// the lesson's steps fit a short run.
    static func quickFailover(edges: Bool) throws -> SystemSpec {
        var spec = try Stage.spec("08-multi-dc")
        spec.workload.users = 20_000
        for n in spec.nodes.indices where spec.nodes[n].kind == .replica { spec.nodes[n].failover = 3 * Nanos.perSecond }
        if !edges { spec.nodes.removeAll { $0.kind == .cdn } }
        return spec
    }

    /// The failover lesson: us-east dies with the primary, geo-DNS sends its users to
    /// eu-west after 10 s, a European replica is promoted, us-east comes back and its
    /// users return; then eu-west dies and comes back, and us-east again, back before its
    /// failover. Without CDN edges every effect
    /// stays the one engine's, figure for figure, on any number of threads.
    @Test func killingADataCenterGivesTheOneEngineRun() throws {
        let second = Nanos.perSecond
        let script = [
            ScheduledCommand(at: second + 1_234, command: .killDataCenter("us-east")),
            ScheduledCommand(at: 13 * second, command: .restoreDataCenter("us-east")),
            ScheduledCommand(at: 24 * second + 500, command: .killDataCenter("eu-west")),
            ScheduledCommand(at: 27 * second, command: .restoreDataCenter("eu-west")),
            // Back before its failover: the primary takes up again, no replica is promoted.
            ScheduledCommand(at: 28 * second, command: .killDataCenter("us-east")),
            ScheduledCommand(at: 30 * second, command: .restoreDataCenter("us-east")),
        ]
        let summaries = try Self.runThreeWays(try Self.quickFailover(edges: false), script, to: 32 * second) { whole, run in
            // The run tells of the one failover once, as one engine does.
            let failovers = { (notices: [EngineNotice]) in
                notices.filter { if case .failover = $0.event { true } else { false } }.map(\.time)
            }
            let told = failovers(run.simulationSnapshot().notices)
            #expect(told.count == 1)
            #expect(told == failovers(whole.simulationSnapshot().notices))
        }
        #expect(summaries[1] == summaries[0])
        #expect(summaries[2] == summaries[1])
        // The failover happened and lost the writes the replicas had not received, and the
        // users of each dead data center failed, then went to the other.
        #expect(summaries[0].writesLost > 0)
        #expect(summaries[2].writesLost == summaries[0].writesLost)
        #expect(summaries[0].endToEnd.counts.failed > 1_000, "\(summaries[0].endToEnd.counts)")
        #expect(summaries[0].nodes.first { $0.id == "app" }.map { $0.failed > 0 } == true)
        #expect(summaries[0].nodes.first { $0.id == "app-eu" }.map { $0.failed > 0 } == true)
    }

    /// With CDN edges, a region's misses served in the other partition fill its edge a
    /// round trip later instead of at once: the run differs from the one engine's a little,
    /// and stays the same on any number of threads.
    @Test func killingADataCenterWithEdgesIsCloseToOneEngine() throws {
        let script = [
            ScheduledCommand(at: Nanos.perSecond, command: .killDataCenter("us-east")),
            ScheduledCommand(at: 16 * Nanos.perSecond, command: .restoreDataCenter("us-east")),
        ]
        let summaries = try Self.runThreeWays(try Self.quickFailover(edges: true), script, to: 20 * Nanos.perSecond)
        #expect(summaries[2] == summaries[1])
        let whole = summaries[0].endToEnd.counts
        let partitioned = summaries[1].endToEnd.counts
        #expect(abs(Double(partitioned.completed) / Double(whole.completed) - 1) < 0.02, "\(partitioned) \(whole)")
        #expect(abs(Double(partitioned.failed) / Double(whole.failed) - 1) < 0.05, "\(partitioned) \(whole)")
        let hits = summaries.map { $0.nodes.first { $0.id == "cdn-us" }?.cache?.hits ?? 0 }
        #expect(abs(Double(hits[1]) / Double(hits[0]) - 1) < 0.02, "\(hits)")
    }
}

extension PartitionedCommandTests {
    /// A script that kills the primary's data center and restores it after the failover
    /// runs partitioned, the failover coming between its commands: the one engine's run.
    @Test func aScriptThatKillsADataCenterRunsPartitioned() throws {
        let script = [
            ScheduledCommand(at: Nanos.perSecond / 2, command: .killDataCenter("us-east")),
            ScheduledCommand(at: 5 * Nanos.perSecond, command: .restoreDataCenter("us-east")),
        ]
        try Self.expectScriptRunsAsOneEngine(script, spec: try Self.quickFailover(edges: false), to: 7 * Nanos.perSecond)
    }

    /// Runs `script` in `spec`'s system partitioned, as its own script, and in one engine
    /// applying it, to `end`: the primary's writes were lost, and the runs are the same.
    static func expectScriptRunsAsOneEngine(_ script: [ScheduledCommand], spec: SystemSpec, to end: SimTime) throws {
        let scripted = Engine(spec: spec, script: script)
        #expect(scripted.reasonNotPartitioned == nil)
        let partitioned = try #require(PartitionedEngine(scripted, threads: 2))
        partitioned.run(until: end)
        var whole = Engine(spec: spec)
        whole.run(until: end, applying: script)
        #expect(whole.summary().writesLost > 0)
        #expect(partitioned.summary() == whole.summary())
    }
}
