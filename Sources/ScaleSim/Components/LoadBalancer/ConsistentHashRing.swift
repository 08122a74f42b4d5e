/// Consistent hashing of user ids onto a pool's servers, with virtual nodes for balance.
///
/// Positions come from SplitMix64, never Swift's per-process `Hasher`, so a user lands on
/// the same server in every run; removing the last server moves only its users.
struct ConsistentHashRing: Sendable {
    static let virtualNodes = 64
    private var points: [UInt64] = []
    private var owners: [Int32] = []

    init() {}

    /// A ring over pool positions 0..<servers.
    init(servers: Int) {
        var entries: [(UInt64, Int32)] = []
        entries.reserveCapacity(servers * Self.virtualNodes)
        for server in 0..<servers {
            for v in 0..<Self.virtualNodes {
                entries.append((SplitMix64.mix(UInt64(server) << 20 | UInt64(v)), Int32(server)))
            }
        }
        entries.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        points = entries.map(\.0)
        owners = entries.map(\.1)
    }

    /// The pool position owning `user` among those `eligible` says are up: the next point
    /// clockwise whose owner is eligible, so a dead server's users move and no one else's do.
    func position(for user: UInt32, eligible: (Int) -> Bool) -> Int? {
        guard !points.isEmpty else { return nil }
        let h = SplitMix64.mix(UInt64(user) ^ 0x5CA1_E70F)
        var low = 0
        var high = points.count
        while low < high {
            let mid = (low + high) / 2
            if points[mid] < h { low = mid + 1 } else { high = mid }
        }
        for step in 0..<points.count {
            let owner = Int(owners[(low + step) % points.count])
            if eligible(owner) { return owner }
        }
        return nil
    }
}
