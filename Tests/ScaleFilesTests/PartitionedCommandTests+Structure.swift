import ScaleFiles
@testable import ScaleSim
import Testing

/// Commands that add or remove nodes, taken live by a partitioned run when the system keeps
/// its partitions (Parallel/PartitionedEngine+Structure.swift).
extension PartitionedCommandTests {
    /// Nodes added where a lesson adds them, each in its own data center's partition: a
    /// cache in front of the European replicas, a queue for Europe's writes, a CDN edge
    /// for Europe, a cache in front of the primary. The one engine's run, figure for figure,
    /// on any number of threads; a new cache keeps its storage in its own partition alone.
    @Test func addingNodesInAPartitionGivesTheOneEngineRun() throws {
        var spec = try Stage.spec("08-multi-dc")
        spec.nodes.removeAll { $0.id == "cdn-eu" }
        let commands: [SimCommand] = [
            .addCache(front: "db-replica-eu", entries: 5_000), .addQueue(node: "app-eu", requestClass: .write, workers: 4),
            .addCDN(region: "eu", entries: 10_000), .addCache(front: "db", entries: 2_000),
        ]
        let script = commands.enumerated().map { k, command in
            ScheduledCommand(at: SimTime(k + 1) * Nanos.perSecond / 2 + 1_234, command: command)
        }
        let summaries = try Self.runThreeWays(spec, script, to: 4 * Nanos.perSecond) { _, run in
            for engine in run.engines {
                #expect(engine.crossing.owners.count == engine.nodes.count)
                for state in engine.cacheStates {
                    let id = engine.spec.nodes[Int(state.node)].id
                    #expect(engine.crossing.isForeign(state.node) == (state.cache.capacity == 1), "\(id)")
                }
            }
        }
        #expect(summaries[1] == summaries[0])
        #expect(summaries[2] == summaries[1])
        // The new nodes took their traffic: the European cache cache-eu's misses, the queue
        // Europe's writes, the edge Europe's static requests.
        let added = summaries[0].nodes.filter { !spec.nodes.map(\.id).contains($0.id) }
        #expect(added.count == 4)
        for node in added where node.dc == "eu-west" || node.kind == .cdn {
            #expect(node.arrivals > 0, "\(node.id)")
        }
    }

    /// An addition that would join two data centers by an effect without delay is refused
    /// saying so: here a queue for Europe's writes, tried on a system whose European app
    /// servers call the American session store at once.
    @Test func anAdditionThatJoinsPartitionsIsRefused() throws {
        let run = try #require(PartitionedEngine(Engine(spec: try Stage.spec("08-multi-dc")), threads: 2))
        run.run(until: Nanos.perSecond)
        let before = run.engines[0]
        var trial = before
        trial.makeStorageUnique()
        trial.crossing = PartitionCrossing()
        #expect(trial.apply(.addQueue(node: "app-eu", requestClass: .write, workers: 4)) == .applied)
        let taken = run.structuralRefusal(trial: trial, before: before)
        #expect(taken == nil, "\(taken ?? "")")
        let appEU = try #require(trial.nodeIndex["app-eu"].map(Int.init))
        trial.spec.nodes[appEU].calls = "sessions"
        trial.linkTopology()
        let reason = try #require(run.structuralRefusal(trial: trial, before: before))
        #expect(reason.contains("would change which data centers run together"), "\(reason)")
    }

    /// Nodes taken away in each partition: the European cache (its reads go on to the
    /// replicas), Europe's CDN edge, a queue added before. The one engine's run, with one
    /// notice for the whole system; taking a data center away is refused, saying why.
    @Test func removingNodesGivesTheOneEngineRun() throws {
        let commands: [SimCommand] = [
            .addQueue(node: "app", requestClass: .write, workers: 4), .removeCache("cache-eu"),
            .removeCDN(region: "eu"), .removeQueue("write-jobs"),
        ]
        let script = commands.enumerated().map { k, command in
            ScheduledCommand(at: SimTime(k + 1) * Nanos.perSecond / 2 + 999, command: command)
        }
        let summaries = try Self.runThreeWays(nil, script, to: 3 * Nanos.perSecond) { whole, run in
            for engine in run.engines { #expect(engine.crossing.owners.count == engine.nodes.count) }
            let removals = { (notices: [EngineNotice]) in
                notices.compactMap {
                    if case .nodesRemoved(let nodes, let failed, let lost) = $0.event {
                        "\(nodes) \(failed) \(lost)"
                    } else {
                        nil
                    }
                }
            }
            let told = removals(run.simulationSnapshot().notices)
            #expect(told.count == 3)
            #expect(told == removals(whole.simulationSnapshot().notices))
        }
        #expect(summaries[1] == summaries[0])
        #expect(summaries[2] == summaries[1])
        #expect(!summaries[0].nodes.contains { ["cache-eu", "cdn-eu", "write-jobs"].contains($0.id) })

        let run = try #require(PartitionedEngine(Engine(spec: try Stage.spec("08-multi-dc")), threads: 2))
        run.run(until: Nanos.perSecond)
        guard case .refused(let reason) = run.execute(.removeDataCenter("eu-west")) else {
            Issue.record("removing a data center was taken")
            return
        }
        #expect(reason.contains("would change which data centers run together"), "\(reason)")
        #expect(run.spec.datacenters.count == 2)
        // Taking away a queue for Europe's writes leaves app-eu's 0.5 ms hop to it leading to
        // the American primary, faster than the windows: refused, as the lookahead demands.
        #expect(run.execute(.addQueue(node: "app-eu", requestClass: .write, workers: 4)) == .applied)
        guard case .refused(let shorter) = run.execute(.removeQueue("write-jobs-eu")) else {
            Issue.record("a route faster than the windows was taken")
            return
        }
        #expect(shorter.contains("route app-eu -> db would cross partitions in 0.0005 s"), "\(shorter)")
    }
}
