import Foundation
import ScaleFiles
import ScaleSim

extension BenchCommand {
    /// The scenario of a big preset, named after it: `ten-million-users` (also `stage9`, its
    /// old name; 500,000 requests/s) or `twenty-million-users` (1,000,000 requests/s), both
    /// with 2 data centers and 1,000,000-entry caches over 10,000,000 Zipf(0.9) keys, or
    /// `global` (1,000,000 requests/s, 4 data centers, 500,000-entry caches); all with CDN
    /// edges, replicas and queues.
    ///
    /// After a 20 s warm-up (caches fill), the engine runs `runs` slices of 10 simulated
    /// seconds; the line reports the median slice. `speed_x` is simulated seconds per wall
    /// second: at least 1 means real time on one core. The line names the scenario as it was
    /// asked for (`name`), so scripts that read `scenario=stage9` go on working.
    func millionsOfUsersScenario(preset: String, named name: String) throws -> BenchResult {
        let spec = try loadPreset(preset).spec
        let warmup = 20 * Nanos.perSecond
        let slice = 10 * Nanos.perSecond
        var engine = Engine(spec: spec, warmup: warmup)
        engine.run(until: warmup)
        var walls: [Double] = []
        var requests: [Int] = []
        let clock = ContinuousClock()
        for _ in 0..<runs {
            let before = engine.totalOutcomes.requests
            let start = clock.now
            engine.run(until: engine.now + slice)
            walls.append((clock.now - start).seconds)
            requests.append(engine.totalOutcomes.requests - before)
        }
        let middle = walls.indices.sorted { walls[$0] < walls[$1] }[walls.count / 2]
        let wall = walls[middle]
        let summary = engine.summary()
        let caches = summary.nodes.filter { $0.kind == .cache }.compactMap { $0.cache }
        let hits = caches.reduce(0) { $0 + $1.hits }
        let lookups = caches.reduce(0) { $0 + $1.hits + $1.misses }
        // What the engine could run apart: the groups of data centers, and the longest
        // window of simulated time each could run alone (docs/architecture.md, Partitions).
        let plan = engine.partitionPlan
        return BenchResult(fields: [
            ("scenario", .string(name)),
            ("users", .int(spec.workload.users)),
            ("requests", .int(requests[middle])),
            ("wall_s", .double(wall, digits: 3)),
            ("speed_x", .double(Nanos.seconds(slice) / wall, digits: 2)),
            ("req_per_s", .int(Int(Double(requests[middle]) / wall))),
            ("cache_hit_ratio", .double(lookups > 0 ? Double(hits) / Double(lookups) : .nan, digits: 3)),
            ("error_rate", .double(summary.endToEnd.errorRate ?? .nan, digits: 4)),
            ("partitions", .int(plan.partitions.count)),
            ("window_s", plan.lookahead.map { .double(Nanos.seconds($0), digits: 4) } ?? .string("none")),
            ("rss_mib", .int(ResourceUsage.peakResidentMiB())),
        ])
    }
}

extension BenchCommand {
    /// A big preset's scenario in the partitioned engine: `threads` threads, then one, each
    /// from time zero through the same warm-up and slices as `millionsOfUsersScenario`.
    ///
    /// The line adds `threads`, `speed_x_1_thread`, `parallel_efficiency` (the speed-up
    /// over one thread, per thread used) and `busiest_partition_share` (of the time the
    /// partitions ran on one thread: its inverse bounds the speed-up). A preset that cannot run in partitions runs in one
    /// engine, and its line says why (`one_engine`).
    func partitionedScenario(preset: String, named name: String, threads: Int) throws -> BenchResult {
        let spec = try loadPreset(preset).spec
        let warmup = 20 * Nanos.perSecond
        if let reason = Engine(spec: spec).reasonNotPartitioned {
            var result = try millionsOfUsersScenario(preset: preset, named: name)
            result.fields.insert(("one_engine", .string(reason)), at: result.fields.count - 1)
            return result
        }
        /// One engine's median slice, and its figures at the end; the engine is gone after.
        func measure(threads: Int) -> (
            speed: Double, requests: Int, wall: Double, threads: Int, plan: PartitionPlan, nodes: [NodeSummary],
            outcomes: OutcomeCounts, busiestShare: Double
        ) {
            let engine = PartitionedEngine(Engine(spec: spec, warmup: warmup), threads: threads)!
            engine.run(until: warmup)
            let busyBefore = engine.busyTime
            let slice = 10 * Nanos.perSecond
            var slices: [(wall: Double, requests: Int)] = []
            let clock = ContinuousClock()
            for _ in 0..<runs {
                let before = engine.totalOutcomes.requests
                let start = clock.now
                engine.run(until: engine.now + slice)
                slices.append(((clock.now - start).seconds, engine.totalOutcomes.requests - before))
            }
            let median = slices.sorted { $0.wall < $1.wall }[slices.count / 2]
            let busy = zip(engine.busyTime, busyBefore).map { ($0 - $1).seconds }
            return (
                Nanos.seconds(slice) / median.wall, median.requests, median.wall, engine.threads, engine.plan,
                engine.nodeSummaries(), engine.totalOutcomes, busy.max()! / busy.reduce(0, +)
            )
        }
        let parallel = measure(threads: threads)
        let single = measure(threads: 1)
        let (used, plan, nodes, outcomes) = (parallel.threads, parallel.plan, parallel.nodes, parallel.outcomes)
        let caches = nodes.filter { $0.kind == .cache }.compactMap { $0.cache }
        let hits = caches.reduce(0) { $0 + $1.hits }
        let lookups = caches.reduce(0) { $0 + $1.hits + $1.misses }
        let failed = outcomes.dropped + outcomes.timedOut + outcomes.failed + outcomes.rejected
        return BenchResult(fields: [
            ("scenario", .string(name)),
            ("users", .int(spec.workload.users)),
            ("requests", .int(parallel.requests)),
            ("wall_s", .double(parallel.wall, digits: 3)),
            ("speed_x", .double(parallel.speed, digits: 2)),
            ("req_per_s", .int(Int(Double(parallel.requests) / parallel.wall))),
            ("cache_hit_ratio", .double(lookups > 0 ? Double(hits) / Double(lookups) : .nan, digits: 3)),
            ("error_rate", .double(outcomes.requests > 0 ? Double(failed) / Double(outcomes.requests) : .nan, digits: 4)),
            ("partitions", .int(plan.partitions.count)),
            ("window_s", .double(Nanos.seconds(plan.lookahead ?? 0), digits: 4)),
            ("threads", .int(used)),
            ("speed_x_1_thread", .double(single.speed, digits: 2)),
            ("parallel_efficiency", .double(parallel.speed / single.speed / Double(used), digits: 2)),
            // On one thread, the busiest partition's share of the work: no number of threads
            // can run the windows faster than 1 / share times one thread's speed.
            ("busiest_partition_share", .double(single.busiestShare, digits: 2)),
            ("rss_mib", .int(ResourceUsage.peakResidentMiB())),
        ])
    }
}
