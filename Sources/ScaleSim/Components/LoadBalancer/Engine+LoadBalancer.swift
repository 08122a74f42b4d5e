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

    /// Takes load balancer `n` away: what was sent to it (and the clients, if it was the
    /// entry) reaches the pool behind it directly, as before `add lb`.
    mutating func removeLoadBalancer(_ n: Int) -> CommandResult {
        let id = spec.nodes[n].id
        guard nodes[n].kind == .lb else { return .refused("\(id) is not a load balancer") }
        let routes = spec.nodes[n].routes
        guard let pool = routes.first?.to, routes.count == 1, routes[0].classes == nil else {
            let targets = routes.isEmpty ? "nowhere" : routes.map(\.to).joined(separator: ", ")
            return .refused(
                "\(id) does not forward everything to one pool (it sends to \(targets)): "
                    + "only a balancer in front of one pool can go, or requests would have nowhere to go")
        }
        redirect(from: id, to: pool)
        removeNodes([n], successors: nodeIndex[pool].map { [n: Int($0)] } ?? [:])
        return .applied
    }
}
