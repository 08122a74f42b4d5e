import ScaleFiles
@testable import ScaleSim
import Testing

/// Commands on the nodes that hold a primary's data in a partitioned run: read-replica pools
/// and primaries (docs/architecture.md, "Windows and messages").
extension PartitionedCommandTests {
    /// What a lesson does to the data tier of 08-multi-dc: resize both replica pools and the
    /// primary, kill and restore a European replica (which re-syncs from the primary's
    /// writes as they reached eu-west), limit and rebalance, then kill and restore the whole
    /// European pool.
    static let takenOnData: [SimCommand] = [
        .addServers(node: "db-replica-eu", count: 1), .kill(node: "db-replica-eu", server: 0),
        .setWorkers(node: "db-replica", count: 24), .resize(node: "db", steps: 1),
        .setQueueDeadline(node: "db-replica-eu", deadline: 100 * Nanos.perMillisecond),
        .setConcurrencyLimit(node: "db", limit: 200), .setRateLimit(node: "db-replica-eu", rate: 4_000, burst: nil),
        .setPolicy(node: "db-replica-eu", policy: .leastConnections),
        .setHealthCheck(node: "db-replica-eu", interval: Nanos.perSecond / 2), .restore(node: "db-replica-eu", server: 0),
        .removeReplicas(primary: "db", count: 1), .setServers(node: "db-replica-eu", count: 4),
        .setWorkers(node: "db", count: 24), .removeServers(node: "db-replica-eu", count: 1),
        .setSize(node: "db-replica", size: 1), .resize(node: "db-replica-eu", steps: 1),
        .setHealthCheck(node: "db", interval: Nanos.perSecond), .setQueueDeadline(node: "db", deadline: Nanos.perSecond),
        .removeRateLimit(node: "db-replica-eu"), .kill(node: "db-replica-eu", server: nil),
        .restore(node: "db-replica-eu", server: nil), .kill(node: "db-replica", server: 0),
        .addServers(node: "db-replica", count: 2), .restore(node: "db-replica", server: 0),
    ]

    /// The replica and primary commands, applied to 08-multi-dc at staggered times in one
    /// engine and partitioned, give the one engine's run figure for figure on any number of
    /// threads: each European replica restored or added re-syncs to the writes the primary
    /// had committed, as one engine's does.
    @Test func commandsOnReplicasAndThePrimaryGiveTheOneEngineRun() throws {
        let script = Self.takenOnData.enumerated().map { k, command in
            ScheduledCommand(at: SimTime(k + 1) * Nanos.perSecond / 5 + 4_321, command: command)
        }
        let summaries = try Self.runThreeWays(nil, script, to: 6 * Nanos.perSecond) { whole, run in
            // Each European replica holds the writes one engine's holds, server by server.
            guard let pool = whole.nodeIndex["db-replica-eu"].map(Int.init) else { return }
            let owner = run.engines[Int(run.engines[0].crossing.owners[pool])]
            let applied = { (engine: Engine) in engine.nodes[pool].activeServers.map { engine.servers[Int($0)].applied } }
            #expect(applied(owner) == applied(whole))
            #expect(applied(whole).count == 3 && applied(whole).allSatisfy { $0 > 0 })
        }
        #expect(summaries[1] == summaries[0])
        #expect(summaries[2] == summaries[1])
        let replicaEU = try #require(summaries[2].nodes.first { $0.id == "db-replica-eu" })
        let replica = try #require(summaries[2].nodes.first { $0.id == "db-replica" })
        let db = try #require(summaries[2].nodes.first { $0.id == "db" })
        #expect(replicaEU.servers == 3 && replicaEU.size == 1 && replicaEU.workers == 32)
        #expect(replica.servers == 3 && replica.workers == 48)
        #expect(db.workers == 24 && db.size == 1)
        // The kills failed the reads there, and the European pool still served reads after.
        #expect(replicaEU.failed > 0 && replica.failed > 0)
        #expect(replicaEU.completions > 1_000 && replicaEU.staleReads > 0)
    }
}

extension PartitionedCommandTests {
    /// The primary killed and restored, one of its servers or all of them: a whole kill,
    /// with the American replicas dead, promotes the European one at a barrier after the
    /// failover delay, as one engine's timer does, and a primary back before its failover
    /// promotes none. The one engine's run, figure for figure, on any number of threads.
    @Test func killingThePrimaryGivesTheOneEngineRun() throws {
        let second = Nanos.perSecond
        let script = [
            ScheduledCommand(at: second / 2, command: .setServers(node: "db", count: 2)),
            ScheduledCommand(at: second + 1_234, command: .kill(node: "db", server: 1)),
            ScheduledCommand(at: 3 * second / 2, command: .restore(node: "db", server: 1)),
            // With the American replicas dead, the European one, 80 ms behind, is promoted.
            ScheduledCommand(at: 2 * second, command: .kill(node: "db-replica", server: nil)),
            ScheduledCommand(at: 2 * second + 500, command: .kill(node: "db", server: nil)),
            ScheduledCommand(at: 7 * second, command: .restore(node: "db", server: nil)),
            ScheduledCommand(at: 8 * second, command: .restore(node: "db-replica", server: nil)),
            // Back before its failover: the primary takes up again, no replica is promoted.
            ScheduledCommand(at: 9 * second, command: .kill(node: "db", server: nil)),
            ScheduledCommand(at: 10 * second, command: .restore(node: "db", server: nil)),
            ScheduledCommand(at: 12 * second + 3, command: .removeServers(node: "db", count: 1)),
        ]
        let summaries = try Self.runThreeWays(try Self.quickFailover(edges: true), script, to: 13 * second) { whole, run in
            let failovers = { (notices: [EngineNotice]) in
                notices.filter { if case .failover = $0.event { true } else { false } }.map(\.time)
            }
            let told = failovers(run.simulationSnapshot().notices)
            #expect(told == [5 * second + 500])
            #expect(told == failovers(whole.simulationSnapshot().notices))
        }
        #expect(summaries[1] == summaries[0])
        #expect(summaries[2] == summaries[1])
        #expect(summaries[0].writesLost > 0)
        let db = try #require(summaries[0].nodes.first { $0.id == "db" })
        #expect(db.servers == 1 && db.failed > 0)
    }

    /// A script that kills the primary and restores it after the failover runs
    /// partitioned, the failover coming between its commands: the one engine's run.
    @Test func aScriptThatKillsThePrimaryRunsPartitioned() throws {
        let script = [
            ScheduledCommand(at: Nanos.perSecond / 2, command: .kill(node: "db", server: nil)),
            ScheduledCommand(at: 5 * Nanos.perSecond, command: .restore(node: "db", server: nil)),
        ]
        try Self.expectScriptRunsAsOneEngine(script, spec: try Self.quickFailover(edges: true), to: 6 * Nanos.perSecond)
    }
}

extension PartitionedCommandTests {
    /// ten-million-users with its European replicas resized, one killed and restored (it
    /// re-syncs in eu-west, away from the primary), and the primary and the American pool
    /// changed: the same run on 1 and 2 threads (a partitioned run of it differs from one
    /// engine's a little), and the commanded pools' figures what the commands make them.
    @Test func commandsOnTheDataTierOfTenMillionUsers() throws {
        let spec = try Stage.spec("ten-million-users")
        let milliseconds = Nanos.perMillisecond
        let commands: [(SimTime, SimCommand)] = [
            (300 * milliseconds, .addServers(node: "replicas-eu", count: 2)),
            (600 * milliseconds, .kill(node: "replicas-eu", server: 1)),
            (1_000 * milliseconds, .setWorkers(node: "db", count: 256)),
            (1_200 * milliseconds + 7, .restore(node: "replicas-eu", server: 1)),
            (1_400 * milliseconds, .resize(node: "replicas-eu", steps: 1)),
            (1_600 * milliseconds, .setQueueDeadline(node: "replicas-us", deadline: 50 * milliseconds)),
        ]
        let end = 2 * Nanos.perSecond
        func run(threads: Int) throws -> (RunSummary, SystemSpec) {
            let partitioned = try #require(PartitionedEngine(Engine(spec: spec), threads: threads))
            for (time, command) in commands {
                partitioned.run(until: time)
                #expect(partitioned.execute(command) == .applied, "\(command)")
            }
            partitioned.run(until: end)
            return (partitioned.summary(), partitioned.spec)
        }
        let (summary, design) = try run(threads: 2)
        let (single, singleDesign) = try run(threads: 1)
        #expect(single == summary)
        #expect(singleDesign == design)
        let eu = try #require(summary.nodes.first { $0.id == "replicas-eu" })
        let us = try #require(summary.nodes.first { $0.id == "replicas-us" })
        #expect(eu.servers == 4 && eu.workers == 128 && eu.size == 1)
        #expect(summary.nodes.first { $0.id == "db" }?.workers == 256)
        // The dead server failed what the balancer sent it until the restore (a quarter of
        // the pool for 0.6 of the 2 s); restored, it re-synced and served as much as the
        // servers added (none fell behind). The pool kept its 80 ms of lag, more stale reads
        // than the American pool's 5 ms, and received about as many reads as its twin.
        #expect(eu.failed > 0 && eu.failed < eu.arrivals / 4 && eu.resyncs == 0, "\(eu.failed)")
        let utilization = eu.serverUtilization
        #expect(utilization.count == 4 && abs(utilization[1] / utilization[3] - 1) < 0.2, "\(utilization)")
        let lag = try #require(eu.replicationLag)
        #expect(lag >= Double(80 * milliseconds) && lag < Double(85 * milliseconds), "\(lag)")
        let staleShare = { (node: NodeSummary) in Double(node.staleReads) / Double(node.completions) }
        #expect(staleShare(eu) > staleShare(us) && staleShare(eu) < 0.3, "\(staleShare(eu)) \(staleShare(us))")
        #expect(abs(Double(eu.arrivals) / Double(us.arrivals) - 1) < 0.1, "\(eu.arrivals) \(us.arrivals)")
    }
}

extension PartitionedCommandTests {
    /// A primary its autoscaler grew, in its owner's partition alone, is killed whole in a
    /// partitioned run, not one server: every copy must agree that a kill leaves it dead.
    @Test func onePrimaryServerIsNotKilledOnceTheAutoscalerResizedIt() throws {
        let partitioned = try #require(PartitionedEngine(Engine(spec: try Stage.spec("08-multi-dc")), threads: 2))
        partitioned.run(until: Nanos.perSecond / 2)
        let autoscale = AutoscaleSpec(target: 0.6, min: 2, max: 4, warmup: Nanos.perSecond)
        #expect(partitioned.execute(.setAutoscale(node: "db", policy: autoscale)) == .applied)
        partitioned.run(until: 2 * Nanos.perSecond)
        #expect(partitioned.spec.nodes.first { $0.id == "db" }?.servers == 2)
        guard case .refused(let reason) = partitioned.execute(.kill(node: "db", server: 1)) else {
            Issue.record("one server of db was killed")
            return
        }
        #expect(reason.hasPrefix("db's autoscaler resized it in its own partition alone"), "\(reason)")
        #expect(partitioned.execute(.kill(node: "db", server: nil)) == .applied)
        partitioned.run(until: 3 * Nanos.perSecond)
        #expect(partitioned.summary().nodes.first { $0.id == "db" }.map { $0.failed > 0 } == true)
    }
}

extension PartitionedCommandTests {
    /// 08-multi-dc with no read replicas and no cache in eu-west (whose misses would fill it
    /// from another partition): every read goes to the one primary in us-east, eu-west's
    /// across the ocean.
    static func withoutReplicas() throws -> SystemSpec {
        var spec = try Stage.spec("08-multi-dc")
        let replicas = Set(
            spec.nodes.filter { $0.kind == .replica || ($0.kind == .cache && $0.dc == "eu-west") }.map(\.id))
        spec.nodes.removeAll { replicas.contains($0.id) }
        for n in spec.nodes.indices {
            for r in spec.nodes[n].routes.indices where replicas.contains(spec.nodes[n].routes[r].to) {
                spec.nodes[n].routes[r].to = "db"
                if spec.nodes[n].dc == "eu-west" { spec.nodes[n].routes[r].latency = 80 * Nanos.perMillisecond }
            }
        }
        return spec
    }

    /// Sharding the primary (`h`) is a change of the primary's own pool, which its owner
    /// alone simulates: the one engine's run on any number of threads, European writes and
    /// reads spread over the shards across the ocean.
    @Test func shardingThePrimaryGivesTheOneEngineRun() throws {
        let spec = try Self.withoutReplicas()
        #expect(Engine(spec: spec).reasonNotPartitioned == nil)
        let script = [
            ScheduledCommand(at: Nanos.perSecond + 4_321, command: .setShards(node: "db", count: 2)),
            ScheduledCommand(at: 2 * Nanos.perSecond + 4_321, command: .setShards(node: "db", count: 4)),
        ]
        let summaries = try Self.runThreeWays(spec, script, to: 4 * Nanos.perSecond)
        #expect(summaries[1] == summaries[0])
        #expect(summaries[2] == summaries[1])
        let db = try #require(summaries[2].nodes.first { $0.id == "db" })
        #expect(db.shards == 4 && db.servers == 4)
        let euApp = try #require(summaries[2].nodes.first { $0.id == "app-eu" })
        #expect(euApp.completions > 0 && db.completions > 0)
    }
}
