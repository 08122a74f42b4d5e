import ScaleFiles
@testable import ScaleSim
import Testing

/// Commands that add nodes, taken live by a partitioned run when the system keeps its
/// partitions (Parallel/PartitionedEngine+Additions.swift).
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
        let taken = run.additionRefusal(trial: trial, before: before)
        #expect(taken == nil, "\(taken ?? "")")
        let appEU = try #require(trial.nodeIndex["app-eu"].map(Int.init))
        trial.spec.nodes[appEU].calls = "sessions"
        trial.linkTopology()
        let reason = try #require(run.additionRefusal(trial: trial, before: before))
        #expect(reason.contains("would join data centers"), "\(reason)")
    }
}
