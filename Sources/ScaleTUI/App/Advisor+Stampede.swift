import ScaleSim

extension Advisor {
    /// A cache stampede: a hot cache whose hit ratio fell in the last few seconds while the
    /// node behind it is the bottleneck (its queue drains for a while after the hit ratio is
    /// back), and coalescing is off. Names the key that turns it on:
    /// "stampede: cache hits fell to 62% (was 100%), misses swamp db: C coalesces them".
    static func stampede(in snapshot: SimulationSnapshot, keyMap: KeyMap) -> Advice? {
        for cache in snapshot.nodes where cache.kind == .cache && cache.spec.cache?.coalesce == false {
            guard let fell = cache.history.suffix(5).compactMap(\.hitRatio).min(),
                let was = cache.history.suffix(30).compactMap(\.hitRatio).max(), was >= 0.8, fell <= was - 0.1,
                let behind = cache.spec.routes.first(where: { $0.outcome == .miss })?.to,
                snapshot.nodes.contains(where: { $0.id == behind && $0.bottleneck })
            else { continue }
            let hits = "stampede: \(cache.id) hits fell to \(Format.percent(fell))"
            let coalesce = "\(key(.toggleCoalescing, keyMap)) coalesces them"
            return Advice(
                wordings: [
                    "\(hits) (was \(Format.percent(was))), misses swamp \(behind): \(coalesce)",
                    "\(hits), misses swamp \(behind): \(coalesce)", "stampede at \(cache.id): \(coalesce)",
                ], tone: .bottleneck)
        }
        return nil
    }
}
