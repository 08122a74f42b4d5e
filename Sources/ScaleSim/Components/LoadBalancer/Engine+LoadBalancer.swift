/// The load balancer's room: a pass-through node whose policy spreads requests over the
/// pool it forwards to (the policies themselves are the core's `pickServer`), and the
/// command that puts one in front of a pool.
extension Engine {
    /// Puts a load balancer in front of pool `n`: every route to the pool, and the clients
    /// if it is the entry, now reach it through the balancer.
    mutating func addLoadBalancer(in n: Int) -> CommandResult {
        let id = spec.nodes[n].id
        // As in presets: users reach their region's edge directly, so no route leads to one.
        guard nodes[n].kind != .cdn else {
            return .refused(
                "\(id) is a CDN edge, which the users of its region reach directly; no load balancer goes in front of it")
        }
        let fronted = spec.nodes.contains { $0.kind == .lb && $0.routes.contains { $0.to == id } }
        guard !fronted else { return .refused("\(id) already has a load balancer") }
        if let refusal = refusalOverTopology(routes: 1) { return refusal }
        let lb = NodeSpec(
            id: freshID("lb"), kind: .lb, service: .none, policy: .roundRobin, routes: [RouteSpec(to: id)],
            dc: spec.nodes[n].dc)
        insertNode(lb, relink: false)
        redirect(from: id, to: lb.id)
        return .applied
    }
}
