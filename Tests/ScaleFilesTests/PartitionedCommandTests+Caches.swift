import ScaleFiles
@testable import ScaleSim
import Testing

/// Commands on caches and CDN edges in a partitioned run: every copy's spec takes them, the
/// owner's cache runs them, and another partition's copy keeps its one-entry placeholder
/// (docs/architecture.md, "Windows and messages").
extension PartitionedCommandTests {
    /// Every cache setting, on 08-multi-dc's caches and CDN edges of both partitions.
    static let cacheSettings: [SimCommand] = [
        .setCacheCapacity(node: "cache-eu", entries: 5_000), .setEviction(node: "cache", policy: .lfu),
        .setTTL(node: "cache-eu", ttl: 2 * Nanos.perSecond), .setWritePolicy(node: "cache", policy: .writeThrough),
        .setCoalescing(node: "cache-eu", on: true), .flush(node: "cache"), .setTTL(node: "cdn-us", ttl: Nanos.perSecond),
        .setCacheCapacity(node: "cdn-eu", entries: 500), .setEviction(node: "cdn-eu", policy: .fifo),
        .flush(node: "cdn-us"), .setWritePolicy(node: "cache-eu", policy: .ttlOnly),
        .setCoalescing(node: "cache", on: true), .setCacheCapacity(node: "cache", entries: 50_000),
        .setTTL(node: "cache-eu", ttl: nil), .flush(node: "cache-eu"), .setCoalescing(node: "cache-eu", on: false),
    ]

    /// The generic commands, on caches and CDN edges: servers, workers, size, failures,
    /// balancing, limits and the autoscaler.
    static let takenOnCaches: [SimCommand] = [
        .setServers(node: "cache-eu", count: 3), .addServers(node: "cache", count: 2),
        .setWorkers(node: "cdn-us", count: 5_000), .kill(node: "cache-eu", server: 1), .resize(node: "cache", steps: 1),
        .setSize(node: "cdn-eu", size: 1), .setHealthCheck(node: "cache-eu", interval: Nanos.perSecond / 2),
        .setPolicy(node: "cache", policy: .leastConnections), .setRateLimit(node: "cdn-eu", rate: 1_000, burst: nil),
        .setConcurrencyLimit(node: "cache", limit: 8), .setQueueDeadline(node: "cache-eu", deadline: 5 * Nanos.perMillisecond),
        .setAutoscale(node: "cache-eu", policy: AutoscaleSpec(target: 0.5, min: 1, max: 6, warmup: Nanos.perSecond)),
        .slow(node: "cache", factor: 4), .restore(node: "cache-eu", server: 1), .kill(node: "cdn-us", server: nil),
        .removeServers(node: "cache", count: 1), .restore(node: "cdn-us", server: nil), .removeRateLimit(node: "cdn-eu"),
    ]

    /// `commands` one every quarter second, off the whole seconds.
    static func staggered(_ commands: [SimCommand]) -> [ScheduledCommand] {
        commands.enumerated().map { k, command in
            ScheduledCommand(at: SimTime(k + 1) * Nanos.perSecond / 4 + 1_234, command: command)
        }
    }

    /// Node `id`'s cache in every partition's copy, and the partition that owns it.
    static func caches(_ id: String, in run: PartitionedEngine) throws -> (owner: Int, copies: [KeyCache]) {
        let engines = run.engines
        let n = Int(try #require(engines[0].nodeIndex[id]))
        let copies = try engines.map { engine in engine.cacheStates[try #require(engine.cacheSlot(n))].cache }
        return (Int(engines[0].crossing.owners[n]), copies)
    }

    /// Each cache setting, applied to 08-multi-dc at the same times in one engine and
    /// partitioned, gives the one engine's run figure for figure on any number of threads.
    @Test func cacheSettingsGiveTheOneEngineRun() throws {
        let summaries = try Self.runThreeWays(nil, Self.staggered(Self.cacheSettings), to: 6 * Nanos.perSecond)
        #expect(summaries[1] == summaries[0])
        #expect(summaries[2] == summaries[1])
        // The settings did something: the small edge holds no more than its capacity, and
        // cache-eu's misses waited for each other while coalescing was on.
        let edge = try #require(summaries[2].nodes.first { $0.id == "cdn-eu" })
        #expect(edge.cacheEntries.map { $0 <= 500 } == true, "\(edge.cacheEntries ?? -1)")
        let cacheEU = try #require(summaries[2].nodes.first { $0.id == "cache-eu" })
        #expect(cacheEU.cache.map { $0.coalesced > 0 } == true, "\(String(describing: cacheEU.cache))")
    }

    /// Servers, workers, size, failures, balancing, limits and the autoscaler on caches and
    /// CDN edges give the one engine's run too.
    @Test func commandsOnCachesGiveTheOneEngineRun() throws {
        let summaries = try Self.runThreeWays(nil, Self.staggered(Self.takenOnCaches), to: 6 * Nanos.perSecond)
        #expect(summaries[1] == summaries[0])
        #expect(summaries[2] == summaries[1])
        // Killing the whole US edge failed its requests.
        #expect(summaries[2].nodes.first { $0.id == "cdn-us" }.map { $0.failed > 0 } == true)
    }

    /// A command on a cache changes its spec in every copy, but only the owner's cache
    /// grows: another partition's copy keeps its one-entry placeholder, with the new
    /// eviction and TTL. Cache commands on a node that is no cache are refused in the
    /// engine's own words.
    @Test func anotherPartitionsCopyOfACacheKeepsItsPlaceholder() throws {
        var whole = Engine(spec: try Stage.spec("08-multi-dc"))
        let run = try #require(PartitionedEngine(whole, threads: 2))
        run.run(until: Nanos.perSecond)
        whole.run(until: Nanos.perSecond)
        let commands: [SimCommand] = [
            .setCacheCapacity(node: "cache-eu", entries: 60_000), .setEviction(node: "cache-eu", policy: .lfu),
            .setTTL(node: "cache-eu", ttl: 5 * Nanos.perSecond), .setWorkers(node: "cache-eu", count: 32),
            .setCacheCapacity(node: "cdn-us", entries: 20_000), .flush(node: "app"),
            .setWritePolicy(node: "cdn-eu", policy: .writeThrough), .setCoalescing(node: "cdn-us", on: true),
        ]
        for command in commands { #expect(run.execute(command) == whole.execute(command), "\(command)") }
        run.run(until: 2 * Nanos.perSecond)
        let (owner, copies) = try Self.caches("cache-eu", in: run)
        #expect(copies[owner].capacity == 60_000)
        #expect(copies[owner].count > 0)
        for (p, cache) in copies.enumerated() where p != owner {
            #expect(cache.capacity == 1)
            #expect(cache.keySpace == 1)
            #expect(cache.policy == .lfu)
            #expect(cache.ttl == 5 * Nanos.perSecond)
        }
        let edge = try Self.caches("cdn-us", in: run)
        #expect(edge.copies[edge.owner].capacity == 20_000)
        #expect(edge.copies.enumerated().allSatisfy { $0.offset == edge.owner || $0.element.capacity == 1 })
        // Every copy's spec is the one engine's.
        for engine in run.engines { #expect(engine.spec == whole.spec) }
    }

    /// ten-million-users, whose partitioned run differs from one engine's a little: cache
    /// commands give the same run on 1 and 2 threads, the design the commands made, and a
    /// cache grown to 2,000,000 entries over 10,000,000 keys in its owner alone.
    @Test func cacheCommandsOnTenMillionUsersAreTheSameOnAnyNumberOfThreads() throws {
        let spec = try Stage.spec("ten-million-users")
        let engine = Engine(spec: spec)
        let script = [
            ScheduledCommand(at: Nanos.perSecond / 4, command: .setCacheCapacity(node: "cache-eu", entries: 20_000)),
            ScheduledCommand(at: Nanos.perSecond / 2, command: .setCacheCapacity(node: "cache-us", entries: 2_000_000)),
            ScheduledCommand(at: Nanos.perSecond / 2 + 7, command: .setEviction(node: "cache-us", policy: .lfu)),
            ScheduledCommand(at: Nanos.perSecond, command: .setTTL(node: "cdn-us", ttl: 30 * Nanos.perSecond)),
            ScheduledCommand(at: 5 * Nanos.perSecond / 4, command: .setWritePolicy(node: "cache-eu", policy: .writeThrough)),
            ScheduledCommand(at: 3 * Nanos.perSecond / 2, command: .flush(node: "cdn-eu")),
        ]
        let runs = try [1, 2].map { try #require(PartitionedEngine(engine, threads: $0)) }
        for run in runs {
            for scheduled in script {
                run.run(until: scheduled.at)
                #expect(run.execute(scheduled.command) == .applied, "\(scheduled.command)")
            }
            run.run(until: 2 * Nanos.perSecond)
        }
        #expect(runs[1].summary() == runs[0].summary())
        #expect(runs[1].spec == runs[0].spec)
        let cacheEU = try #require(runs[1].spec.node("cache-eu")?.cache)
        #expect(cacheEU.entries == 20_000)
        #expect(cacheEU.writePolicy == .writeThrough)
        #expect(runs[1].spec.node("cache-us")?.cache?.entries == 2_000_000)
        #expect(runs[1].spec.node("cache-us")?.cache?.eviction == .lfu)
        #expect(runs[1].spec.node("cdn-us")?.cache?.ttl == 30 * Nanos.perSecond)
        let shrunk = try #require(runs[1].summary().nodes.first { $0.id == "cache-eu" })
        #expect(shrunk.cacheEntries.map { $0 <= 20_000 } == true, "\(shrunk.cacheEntries ?? -1)")
        #expect(shrunk.cache.map { $0.evictions > 0 } == true)
        for run in runs {
            let (owner, copies) = try Self.caches("cache-us", in: run)
            #expect(copies[owner].capacity == 2_000_000)
            #expect(copies.enumerated().allSatisfy { $0.offset == owner || $0.element.capacity == 1 })
        }
    }
}
