/// The memory bound: what a system's data can grow to, checked before it runs.
///
/// The engine's memory grows with what it holds, not with time: cache entries, database
/// versions and sticky-session tables fill up to their sizes and stop. Those sizes are
/// known from the spec, so a system that could outgrow the machine is refused up front
/// (by the preset decoder and by the commands that add capacity), never half-way through
/// a run. Requests in flight come on top; they are bounded by queues and timeouts.
extension SystemSpec {
    /// The most memory the data of one simulation may need: 16 GiB.
    public static let dataMemoryLimit = 16 << 30

    /// The bytes the caches, CDN edges, databases, sticky-session tables and replicas' apply
    /// logs take at most once full (a replica's log stops at `ApplyLog.limit` writes).
    public var dataMemoryBound: Int {
        nodes.reduce(0) { total, node in
            var bytes = 0
            if node.kind == .cdn, let cache = node.effectiveCache {
                bytes += KeyCache.memoryBound(capacity: cache.entries, keySpace: workload.staticAssets.count)
            } else if let cache = node.cache {
                bytes += KeyCache.memoryBound(capacity: cache.entries, keySpace: workload.keys.count)
            }
            if node.kind == .db { bytes += VersionStore.memoryBound(keys: workload.keys.count) }
            if node.kind == .app && node.sessions == .sticky { bytes += 4 * workload.users }
            if node.kind == .replica { bytes += max(node.servers, node.autoscale?.max ?? 0) * ApplyLog.memoryBound }
            return total + bytes
        }
    }

    /// Why this system is over the memory bound, naming what to reduce; `nil` if it fits.
    public var dataMemoryProblem: String? {
        let bound = dataMemoryBound
        guard bound > Self.dataMemoryLimit else { return nil }
        return "caches, databases, sessions and replica logs could take \(Self.gibibytes(bound)) once full; the limit is "
            + "\(Self.gibibytes(Self.dataMemoryLimit)): use fewer or smaller caches, fewer keys or fewer replicas"
    }

    private static func gibibytes(_ bytes: Int) -> String {
        let gib = Double(bytes) / Double(1 << 30)
        return gib < 10 ? "\((gib * 10).rounded(.up) / 10) GiB" : "\(Int(gib.rounded(.up))) GiB"
    }
}
