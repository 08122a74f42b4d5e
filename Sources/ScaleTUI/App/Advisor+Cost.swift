import ScaleSim

/// What the advisor's remedies cost (docs/cost.md): the servers a key adds, at the prices
/// the system runs at, per month of 730 hours.
extension Advisor {
    /// What pressing `action` for `node` adds to the cost per month, or nil where the key
    /// adds nothing of a known price (turning the autoscaler on).
    static func addedCost(of action: KeyAction, for node: NodeSnapshot, in snapshot: SimulationSnapshot) -> Double? {
        let prices = snapshot.prices
        func server(_ kind: NodeKind, size: Int) -> Double { prices.hourly(kind, size: size) * Pricing.hoursPerMonth }
        switch action {
        case .addAppServer:
            let app = node.kind == .app ? node : snapshot.nodes.first { $0.kind == .app }
            return server(.app, size: app?.size ?? 0)
        case .addReplica:
            // A new replica pool is a copy of its primary, so it starts at the primary's size.
            let primary = node.kind == .replica ? node.spec.replicaOf ?? node.id : node.id
            let pool = snapshot.nodes.first { $0.spec.replicaOf == primary }
            let size = pool?.size ?? snapshot.nodes.first { $0.id == primary }?.size ?? 0
            return server(.replica, size: size)
        case .addCache: return server(.cache, size: 0)
        case .addDatabase: return server(.db, size: 0)
        case .addShard: return server(.db, size: node.size)
        case .addWorkers:
            // A queue's workers are the pool it feeds.
            let pool = node.kind == .queue ? snapshot.nodes.first { $0.id == node.spec.routes.first?.to } ?? node : node
            return server(pool.kind, size: pool.size)
        case .scaleUp:
            return Double(node.servers) * server(node.kind, size: node.size) * (prices.sizeFactor - 1)
        case .addLoadBalancer:
            // Its hours, and every request of the pool it fronts at the rate of the last second.
            let requests = Double(node.window?.arrivals ?? 0) * Pricing.secondsPerMonth
            return server(.lb, size: 0) + requests * prices.lbPerMillionRequests / 1e6
        default:
            return nil
        }
    }
}
