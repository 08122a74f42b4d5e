import ScaleSim

/// The routing rules that span nodes, checked once every node is read.
///
/// For each request class, the routes of a node that apply are those naming the class, or,
/// if none names it, those naming no class. Among them a route without `p` must be alone,
/// and the `p` values may sum to at most 1; what is left over completes the request. At a
/// cache, reads follow the routes with `on: hit` or those with `on: miss`, by the lookup's
/// outcome: two tables, each checked so. Every node that a class can reach from an entry
/// must be able to pass it on to an exit, or requests would circle for ever.
struct RouteCheck {
    let reader: SchemaReader
    let nodes: [NodeSpec]
    let sites: [SchemaReader.NodeSite]
    let indexByID: [String: Int]
    /// Indices of the nodes users' requests arrive at.
    let entries: [Int]

    /// Slack for probabilities written as decimals (0.1 + 0.2 is not exactly 0.3).
    static let tolerance = 1e-9

    /// The routes a request may follow out of a node: all of one table, picked by `p`.
    private struct Table {
        /// The lookup outcome the table is for, at a cache.
        let outcome: RouteOutcome?
        /// Indices into the node's routes.
        let routes: [Int]
    }

    func run() throws(PresetError) {
        var targets: [[Int]] = []
        for (n, node) in nodes.enumerated() {
            var row: [Int] = []
            for (r, route) in node.routes.enumerated() {
                let site = sites[n].routes[r]
                guard let target = indexByID[route.to] else {
                    throw reader.fail(
                        site.targetOrigin, site.path + ".to",
                        "no node has id \(TerminalSafe.quoted(route.to)); \(SchemaReader.idList(nodes))")
                }
                guard nodes[target].kind != .cdn else {
                    throw reader.fail(
                        site.targetOrigin, site.path + ".to",
                        "\(TerminalSafe.quoted(route.to)) is a cdn edge, which the users of its region reach directly; "
                            + "no route may lead to it")
                }
                row.append(target)
            }
            targets.append(row)
        }
        for requestClass in RequestClass.allCases {
            for n in nodes.indices {
                for table in tables(nodes[n], requestClass) { try checkSplit(n, requestClass, table) }
            }
        }
        for requestClass in RequestClass.allCases {
            try checkExits(requestClass, targets: targets)
        }
    }

    /// The tables a request of `requestClass` leaving `node` may follow: at a cache, a read
    /// follows its hit table or its miss table; otherwise the routes without an outcome.
    private func tables(_ node: NodeSpec, _ requestClass: RequestClass) -> [Table] {
        let outcomes: [RouteOutcome?] = node.kind == .cache && requestClass == .read ? [.hit, .miss] : [nil]
        return outcomes.map { outcome in
            let candidates = node.routes.indices.filter { node.routes[$0].outcome == outcome }
            let named = candidates.filter { node.routes[$0].classes?.contains(requestClass) == true }
            return Table(outcome: outcome, routes: named.isEmpty ? candidates.filter { node.routes[$0].classes == nil } : named)
        }
    }

    private func checkSplit(_ n: Int, _ requestClass: RequestClass, _ table: Table) throws(PresetError) {
        let node = nodes[n]
        let routes = table.routes
        guard let first = routes.first else { return }
        let scope =
            switch table.outcome {
            case .hit: "read hits"
            case .miss: "read misses"
            case nil: node.routes[first].classes == nil ? "the requests no class-specific route takes" : "class \(requestClass)"
            }
        if routes.count > 1, let lone = routes.first(where: { node.routes[$0].probability == nil }) {
            let other = routes.first { $0 != lone } ?? first
            let site = sites[n].routes[lone]
            throw reader.fail(
                site.origin, site.path,
                "a route without p takes all of \(scope), so it must be the only such route, but routes[\(other)] applies too")
        }
        var sum = 0.0
        for r in routes {
            sum += node.routes[r].probability ?? 1
            if sum > 1 + Self.tolerance {
                let site = sites[n].routes[r]
                throw reader.fail(
                    site.probabilityOrigin ?? site.origin, site.path + ".p",
                    "the p values of the routes for \(scope) add up to \((sum * 1e6).rounded() / 1e6) here, more than 1")
            }
        }
    }

    private func checkExits(_ requestClass: RequestClass, targets: [[Int]]) throws(PresetError) {
        var edges: [[Int]] = []
        var incoming = Array(repeating: [Int](), count: nodes.count)
        var canExit = Array(repeating: false, count: nodes.count)
        for (n, node) in nodes.enumerated() {
            // A node can exit if any of its tables leaves something over: a cache read that
            // hits may complete even if every miss goes on.
            let tables = tables(node, requestClass)
            canExit[n] = tables.contains { table in
                1 - table.routes.reduce(0) { $0 + (node.routes[$1].probability ?? 1) } > Self.tolerance
            }
            edges.append(tables.flatMap(\.routes).map { targets[n][$0] })
            for target in edges[n] { incoming[target].append(n) }
        }
        // Backwards from the exits: who can reach one.
        var queue = canExit.indices.filter { canExit[$0] }
        while let n = queue.popLast() {
            for source in incoming[n] where !canExit[source] {
                canExit[source] = true
                queue.append(source)
            }
        }
        // Forwards from the entries: who can be reached.
        var reached = Array(repeating: false, count: nodes.count)
        for entry in entries { reached[entry] = true }
        queue = entries
        while let n = queue.popLast() {
            for target in edges[n] where !reached[target] {
                reached[target] = true
                queue.append(target)
            }
        }
        if let trapped = nodes.indices.first(where: { reached[$0] && !canExit[$0] }) {
            throw reader.fail(
                sites[trapped].origin, sites[trapped].path,
                "class \(requestClass) requests that reach node \(TerminalSafe.quoted(nodes[trapped].id)) can never leave: "
                    + "its routes loop back without an exit; give a route on the loop a p below 1")
        }
    }
}
