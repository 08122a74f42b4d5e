import ScaleFiles
@testable import ScaleSim
import Testing

/// The shipped presets with several data centers run in the partitioned engine, with the
/// same run on any number of threads (docs/architecture.md, "Windows and messages").
@Suite struct PartitionedPresetTests {
    /// Each preset, the simulated time a debug build runs it in seconds, and the thread
    /// counts compared with one.
    static let presets: [(String, SimTime, [Int])] = [
        ("08-multi-dc", 5 * Nanos.perSecond, [2, 4, 8]),
        ("ten-million-users", Nanos.perSecond / 4, [2]),
        ("twenty-million-users", Nanos.perSecond / 8, [2]),
        ("global", Nanos.perSecond / 8, [4]),
    ]

    @Test(arguments: presets)
    func runsInPartitionsTheSameOnAnyNumberOfThreads(preset: String, length: SimTime, threadCounts: [Int]) throws {
        let spec = try Stage.spec(preset)
        let engine = Engine(spec: spec)
        #expect(engine.reasonNotPartitioned == nil)
        func digests(threads: Int) throws -> [UInt64] {
            let partitioned = try #require(PartitionedEngine(engine, threads: threads))
            partitioned.run(until: length)
            #expect(partitioned.threads == min(threads, spec.datacenters.count))
            return partitioned.engines.map { $0.digest() }
        }
        let single = try digests(threads: 1)
        #expect(single.count == spec.datacenters.count)
        for threads in threadCounts { #expect(try digests(threads: threads) == single, "\(preset), \(threads) threads") }
    }

    /// A partitioned run's summary adds its partitions up to the whole system's: the same on
    /// any number of threads, the same requests as one engine's (each region's users come from
    /// the region's own stream), conserved, and each node's figures and cost near the one
    /// engine's. A node's traffic to another data center is billed where it is counted, so
    /// web-eu's writes to the US primary cost what they cost in one engine.
    @Test func summaryAddsThePartitionsUpToTheWholeSystem() throws {
        let spec = try Stage.spec("ten-million-users")
        let length = Nanos.perSecond / 4
        var whole = Engine(spec: spec, warmup: Nanos.perSecond / 10)
        func partitioned(threads: Int) throws -> RunSummary {
            let engine = try #require(PartitionedEngine(whole, threads: threads))
            engine.run(until: length)
            return engine.summary()
        }
        let summary = try partitioned(threads: 1)
        #expect(try partitioned(threads: 2) == summary)
        whole.run(until: length)
        let one = whole.summary()

        let counts = summary.endToEnd.counts
        #expect(counts.requests == one.endToEnd.counts.requests)
        #expect(summary.regions.map(\.counts.requests) == one.regions.map(\.counts.requests))
        #expect(
            counts.requests
                == counts.completed + counts.dropped + counts.timedOut + counts.failed + counts.rejected
                + summary.endToEnd.inFlight)
        #expect(abs(summary.endToEnd.meanLatency! / one.endToEnd.meanLatency! - 1) < 0.02)
        for (mine, theirs) in zip(summary.nodes, one.nodes) {
            #expect(mine.id == theirs.id)
            #expect(abs(mine.arrivals - theirs.arrivals) <= theirs.arrivals / 50 + 50, "\(mine.id) arrivals")
            #expect(abs(mine.cost.transfer - theirs.cost.transfer) <= theirs.cost.transfer * 0.05, "\(mine.id) transfer")
            #expect(mine.cost.servers == theirs.cost.servers, "\(mine.id) rent")
        }
        let appEU = try #require(summary.nodes.first { $0.id == "web-eu" })
        #expect(appEU.cost.transfer > 0)
        #expect(abs(summary.cost.total / one.cost.total - 1) < 0.01)
    }

    /// 08-multi-dc's partitions exchange requests on routes with a latency and the primary's
    /// writes, and nothing else: partitioned, its run is the one engine's, figure for figure,
    /// every second's picture (the whole system's and the regions' windows, links, costs)
    /// and the summary alike.
    @Test func multiDCPartitionedIsTheOneEngineRun() throws {
        var whole = Engine(spec: try Stage.spec("08-multi-dc"), warmup: Nanos.perSecond)
        let partitioned = try #require(PartitionedEngine(whole, threads: 2))
        for second in 1...4 {
            let time = SimTime(second) * Nanos.perSecond
            partitioned.run(until: time)
            whole.run(until: time)
            var mine = partitioned.simulationSnapshot(historyLimit: 3)
            // The one thing one engine does not say: how the run is spread.
            #expect(mine.spread == PartitionSpread(partitions: 2, threads: 2))
            mine.spread = nil
            #expect(mine == whole.simulationSnapshot(historyLimit: 3), "second \(second)")
            let kept = min(second, 3)
            #expect(mine.systemHistory.count == kept && mine.regions.allSatisfy { $0.history.count == kept })
        }
        #expect(partitioned.summary() == whole.summary())
    }

    /// With a server added 08-multi-dc's autoscaler acts: only in the partition that owns
    /// the pool, so the notices are the one engine's, and so is every second's picture, even
    /// with the run stopped at times inside windows (a command's, a dashboard's slices).
    @Test func multiDCAutoscalesInTheOwnerOnlyWhereverTheRunStops() throws {
        var whole = Engine(spec: try Stage.spec("08-multi-dc"))
        let partitioned = try #require(PartitionedEngine(whole, threads: 2))
        // One server more than the load needs: the autoscaler takes one back.
        let more = SimCommand.addServers(node: "app", count: 1)
        whole.run(until: 370 * Nanos.perMillisecond)
        whole.execute(more)
        partitioned.run(until: 370 * Nanos.perMillisecond)
        partitioned.execute(more)
        var time = 370 * Nanos.perMillisecond
        for second in 1...8 {
            let end = SimTime(second) * Nanos.perSecond
            while time + 230 * Nanos.perMillisecond < end {
                time += 230 * Nanos.perMillisecond
                partitioned.run(until: time)
            }
            partitioned.run(until: end)
            time = end
            whole.run(until: end)
            var mine = partitioned.simulationSnapshot(historyLimit: 3)
            mine.spread = nil
            let theirs = whole.simulationSnapshot(historyLimit: 3)
            #expect(mine == theirs, "second \(second)")
        }
        let scaled = whole.simulationSnapshot().notices.filter {
            if case .autoscaled = $0.event { true } else { false }
        }
        #expect(!scaled.isEmpty, "the autoscaler acted")
        #expect(partitioned.summary() == whole.summary())
    }

    /// ten-million-users' whole-system windows add its partitions' seconds: the same on any
    /// number of threads, every second's arrivals those of one engine (each region's users
    /// come from the region's own stream), and requests alive near one engine's (those
    /// travelling between partitions included).
    @Test func wholeSystemWindowsAddThePartitionsSeconds() throws {
        var whole = Engine(spec: try Stage.spec("ten-million-users"))
        /// Each second's picture, less the threads it ran on.
        func secondBySecond(threads: Int) throws -> [SimulationSnapshot] {
            let partitioned = try #require(PartitionedEngine(whole, threads: threads))
            var pictures: [SimulationSnapshot] = []
            partitioned.run(until: 2 * Nanos.perSecond) {
                var picture = $0.simulationSnapshot(historyLimit: 2)
                #expect(picture.spread == PartitionSpread(partitions: 2, threads: threads))
                picture.spread = nil
                pictures.append(picture)
            }
            return pictures
        }
        let pictures = try secondBySecond(threads: 1)
        #expect(try secondBySecond(threads: 2) == pictures)
        #expect(pictures.count == 2)
        var ones: [SimulationSnapshot] = []
        whole.run(until: 2 * Nanos.perSecond, checkpointEvery: Nanos.perSecond) {
            ones.append($0.simulationSnapshot(historyLimit: 2))
        }
        for (mine, one) in zip(pictures, ones) {
            let (system, theirs) = (try #require(mine.system), try #require(one.system))
            #expect(system.arrivals == theirs.arrivals)
            #expect(mine.regions.map { $0.window?.arrivals } == one.regions.map { $0.window?.arrivals })
            #expect(abs(system.completed - theirs.completed) <= theirs.completed / 1000)
            #expect(abs(system.inFlight - theirs.inFlight) <= theirs.inFlight / 20, "\(system.inFlight) alive")
            #expect(mine.links.count == one.links.count)
        }
    }
}
