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
            (.addServers(node: "db-replica-eu", count: 1), "db-replica-eu holds data"),
            (.setSize(node: "db", size: 3), "db holds data"),
            (.killDataCenter("eu-west"), "a partitioned run does not take this command yet"),
            (.addReplicas(primary: "db", count: 1), "a partitioned run does not take this command yet"),
            (.setRetries(limit: 3, backoff: Nanos.perMillisecond), "a partitioned run does not take this command yet"),
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

        let kill = ScheduledCommand(at: 2 * Nanos.perSecond, command: .killDataCenter("eu-west"))
        let reason = Engine(spec: spec, script: script + [kill]).reasonNotPartitioned
        #expect(reason == "its script has a command at 2.0 s that a partitioned run does not take yet", "\(reason ?? "")")
    }
}
