import ArgumentParser
import Foundation
import ScaleFiles
import ScaleSim

/// `scaletop cache`: replays a key trace through one of the engine's caches and prints what
/// it did as JSON.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Replay a key trace through one cache and print its hit ratio as JSON.",
        discussion: """
            The trace has one key per line, or is CSV whose header names a key column and, \
            optionally, time (seconds) and op (read, get, write, set) columns. Each read is a \
            hit, or a miss that inserts the key; a write invalidates the key (cache-aside) and \
            is neither. Prints {"requests", "hits", "misses", "writes", "evictions", \
            "hit_ratio"}: requests counts every line, hit_ratio is hits over reads. The trace \
            is streamed (a FIFO or pipe works) and may hold lines of up to \
            \(TraceLimits.cache.maxLineLength >> 20) MiB, \(TraceLimits.cache.maxDistinctKeys) distinct keys \
            taking \(TraceLimits.cache.maxKeyBytes >> 20) MiB together, and \(TraceLimits.cache.maxRequests) requests.
            """
    )

    @Option(help: "The key trace: a file, a FIFO or a pipe such as /dev/stdin or <(zcat trace.gz), read as a stream.")
    var trace: String

    @Option(help: "Eviction policy: lru, lfu or fifo.")
    var policy: String

    @Option(help: "Entries the cache holds.")
    var capacity: Int

    @Option(help: "Entries expire this long after they are stored, e.g. 30s (needs a time column).")
    var ttl: String?

    func run() throws {
        guard let evictionPolicy = EvictionPolicy(rawValue: policy.lowercased()) else {
            throw badInput("--policy: expected lru, lfu or fifo, got '\(TerminalSafe.text(policy))'")
        }
        guard (1...KeyCache.maxCapacity).contains(capacity) else {
            throw badInput("--capacity: expected 1 to \(KeyCache.maxCapacity) entries, got \(capacity)")
        }
        let timeToLive = try ttl.map { try parseDuration($0, option: "--ttl") }
        if timeToLive == 0 { throw badInput("--ttl: must be longer than zero") }
        // Streamed batch by batch: only the distinct keys stay in memory (TraceLimits.cache).
        var requests = 0
        var writes = 0
        let counters: CacheCounters
        do {
            let stream = try TraceStream(path: trace)
            var batch = try stream.next()
            if timeToLive != nil && batch?.times == nil {
                throw badInput("--ttl needs a time column, and \(TerminalSafe.text(trace)) has none")
            }
            // A trace read whole in one batch gives its key space; a longer one may reach the limit.
            let keySpace = stream.isFinished ? batch?.distinctKeys ?? 0 : stream.limits.maxDistinctKeys
            var cache = KeyCache(capacity: capacity, policy: evictionPolicy, ttl: timeToLive, keySpace: keySpace)
            while let current = batch {
                cache.replay(keys: current.keys[...], times: current.times?[...], writes: current.writes?[...])
                requests += current.keys.count
                writes += current.writes?.count(where: { $0 }) ?? 0
                batch = try stream.next()
            }
            counters = cache.counters
        } catch let error as PresetError {
            throw badInput(error.description)
        }
        let report: [String: JSONValue] = [
            "requests": .int(requests),
            "hits": .int(counters.hits),
            "misses": .int(counters.misses),
            "writes": .int(writes),
            "evictions": .int(counters.evictions),
            "hit_ratio": .number(counters.hitRatio),
        ]
        let output = Output(standardOutputFor: "the report")
        try output.line(JSONValue.object(report).encoded())
        try output.finish()
    }
}
