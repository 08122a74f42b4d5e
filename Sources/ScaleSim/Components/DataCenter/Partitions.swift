/// The network partitions between data centers: which links are cut, what each cut did, and
/// the cache updates waiting for a cut to heal (docs/scripts.md, Failures).
struct Partitions: Sendable {
    /// Whether any link is cut: the one test a request's hop makes while none is.
    private(set) var active = false
    /// Every partition since time zero, open or healed, in the order they began.
    var episodes: [PartitionEpisode] = []
    /// For each ordered pair of data centers (a × width + b), the open episode cutting them,
    /// or -1. Data centers are only ever appended while a cut is open (`remove dc` waits for
    /// the heal), so an index past `width` is a data center added since: not cut.
    private var cutEpisode: [Int32] = []
    private var width = 0
    /// Writes committed at a primary that its caches across a cut have not seen, in commit
    /// order: delivered when the cut heals.
    var heldCacheWrites: [HeldCacheWrite] = []

    /// The open episode cutting data centers `a` and `b` (indices, -1 for none), if any.
    @inline(__always)
    func episode(between a: Int32, _ b: Int32) -> Int? {
        guard a >= 0, b >= 0, a != b, Int(a) < width, Int(b) < width else { return nil }
        let e = cutEpisode[Int(a) * width + Int(b)]
        return e >= 0 ? Int(e) : nil
    }

    /// The open episode between the data centers named `a` and `b`, if any.
    func openEpisode(between a: String, _ b: String) -> Int? {
        episodes.indices.last { episodes[$0].healedAt == nil && Set(episodes[$0].dataCenters) == [a, b] }
    }

    /// Rebuilds the table of cut links from the open episodes; `index` gives a data
    /// center's place among the engine's `count` data centers.
    mutating func relink(count: Int, index: (String) -> Int?) {
        width = count
        cutEpisode = [Int32](repeating: -1, count: count * count)
        for e in episodes.indices where episodes[e].healedAt == nil {
            guard let a = index(episodes[e].dataCenters[0]), let b = index(episodes[e].dataCenters[1]) else { continue }
            cutEpisode[a * count + b] = Int32(e)
            cutEpisode[b * count + a] = Int32(e)
        }
        active = episodes.contains { $0.healedAt == nil }
    }
}

/// One network partition between two data centers, from the cut to the replicas' catch-up.
public struct PartitionEpisode: Sendable, Hashable {
    /// The two data centers, as the command named them.
    public var dataCenters: [String]
    public var cutAt: SimTime
    /// When the link healed; nil while it is cut.
    public var healedAt: SimTime?
    /// When every replica cut off from its primary had applied the writes it missed (known
    /// at the heal: each replica applies them in order at its own pace); nil until the heal.
    public var caughtUpAt: SimTime?
    /// Requests (attempts: a retry counts again) sent across the cut, by request class
    /// (`RequestClass.rawValue`): each failed after the connect timeout.
    public var failedByClass = [Int](repeating: 0, count: RequestClass.allCases.count)
    /// Writes held back from replica pools across the cut, delivered at the heal.
    public var writesHeld = 0
    /// Replica servers that missed more writes than their primary keeps
    /// (`ApplyLog.limit`) and copied its data afresh at the heal.
    public var resyncs = 0
    /// Reads answered stale, from the cut to the catch-up (or to now), by the replica pools
    /// and caches cut off from the primary whose data they hold.
    public var staleReads = 0
    /// Those replica pools and caches, by id, as they were at the cut.
    public var cutOff: [String] = []
    /// Their stale reads when the link was cut and when they had caught up.
    var staleAtCut = 0
    var staleAtCatchUp: Int?

    /// Write requests that failed across the cut: the writes at risk.
    public var failedWrites: Int { failedByClass[RequestClass.write.rawValue] }
    /// Every request that failed across the cut.
    public var failedRequests: Int { failedByClass.reduce(0, +) }
    /// From the heal until the replicas had caught up; nil while cut.
    public var catchUpTime: SimTime? { healedAt.flatMap { healed in caughtUpAt.map { $0 - healed } } }
}

/// A write a cache across a cut has not seen yet.
struct HeldCacheWrite: Sendable {
    /// The cache and the primary that wrote, by id: node numbers change when a node is
    /// removed, ids do not.
    var cache: String
    var primary: String
    var key: UInt32
    var position: LogPosition
}

/// The writes a replica pool's primary could not ship across a cut, in commit order.
struct ReplicationHold: Sendable {
    struct Write: Sendable {
        var position: LogPosition
        var committed: SimTime
    }

    private(set) var writes: [Write] = []
    /// More writes were held than a primary keeps for a replica (`ApplyLog.limit`): at the
    /// heal the pool's replicas copy its data afresh instead.
    private(set) var overflowed = false

    var isEmpty: Bool { writes.isEmpty && !overflowed }

    mutating func hold(position: LogPosition, committed: SimTime) {
        guard !overflowed else { return }
        if writes.count >= ApplyLog.limit {
            writes = []
            overflowed = true
            return
        }
        writes.append(Write(position: position, committed: committed))
    }

    /// Hands over what was held and forgets it.
    mutating func release() -> (writes: [Write], overflowed: Bool) {
        defer {
            writes = []
            overflowed = false
        }
        return (writes, overflowed)
    }
}
