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
            "hit_ratio"}: requests counts every line, hit_ratio is hits over reads.
            """
    )

    @Option(help: "The key trace file.")
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
        let requests: KeyTrace
        do {
            requests = try TraceReader.read(path: trace)
        } catch {
            throw badInput(error.description)
        }
        if timeToLive != nil && requests.times == nil {
            throw badInput("--ttl needs a time column, and \(TerminalSafe.text(trace)) has none")
        }
        var cache = KeyCache(capacity: capacity, policy: evictionPolicy, ttl: timeToLive, keySpace: requests.distinctKeys)
        cache.replay(keys: requests.keys[...], times: requests.times?[...], writes: requests.writes?[...])
        let counters = cache.counters
        let report: [String: JSONValue] = [
            "requests": .int(requests.keys.count),
            "hits": .int(counters.hits),
            "misses": .int(counters.misses),
            "writes": .int(requests.writes?.count(where: { $0 }) ?? 0),
            "evictions": .int(counters.evictions),
            "hit_ratio": .number(counters.hitRatio),
        ]
        let output = Output(standardOutputFor: "the report")
        try output.line(JSONValue.object(report).encoded())
        try output.finish()
    }
}
