import ScaleSim

extension BenchCommand {
    /// The `cache` scenario: the engine's `KeyCache` at 1,000,000 entries over 10,000,000
    /// keys drawn Zipf(0.9), as in the `ten-million-users` workload; one result per eviction policy.
    ///
    /// The keys are drawn before any timing. Each policy's cache is warmed on the first
    /// 10,000,000 (a cold 1M-entry cache takes about that many requests to reach steady
    /// state), then each run times lookups, and fills on misses, for the next 10,000,000,
    /// on a copy of the warmed cache: every run does the same work and has the same hit
    /// ratio (a run on the cache the last run left would see its keys a second time).
    func cacheScenarios() -> [BenchResult] {
        let keySpace = 10_000_000
        let entries = 1_000_000
        let warmup = 10_000_000
        let timed = 10_000_000
        let zipf = ZipfSampler(count: keySpace, exponent: 0.9)
        var random = Xoshiro256StarStar(seed: 1)
        let keys = (0..<(warmup + timed)).map { _ in UInt32(zipf.sample(&random)) }

        return [EvictionPolicy.lru, .fifo, .lfu].map { policy in
            var warmed = KeyCache(capacity: entries, policy: policy, keySpace: keySpace)
            warmed.replay(keys: keys[..<warmup])
            var walls: [Double] = []
            var hitRatio: Double?
            for _ in 0..<runs {
                var cache = warmed
                cache.makeStorageUnique()
                let before = cache.counters
                let clock = ContinuousClock()
                let start = clock.now
                cache.replay(keys: keys[warmup...])
                let elapsed = clock.now - start
                walls.append(elapsed.seconds)
                hitRatio = (cache.counters - before).hitRatio
            }
            let wall = walls.sorted()[walls.count / 2]
            return BenchResult(fields: [
                ("scenario", .string("cache")),
                ("policy", .string(policy.rawValue)),
                ("entries", .int(entries)),
                ("keys", .int(keySpace)),
                ("requests", .int(timed)),
                ("wall_s", .double(wall, digits: 3)),
                ("req_per_s", .int(Int(Double(timed) / wall))),
                ("hit_ratio", .double(hitRatio ?? .nan, digits: 4)),
                ("rss_mib", .int(ResourceUsage.peakResidentMiB())),
            ])
        }
    }
}
