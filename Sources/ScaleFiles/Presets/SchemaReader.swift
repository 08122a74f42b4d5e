import ScaleSim

/// Reads preset schema version 1 from a `PresetNode` tree into a `SystemSpec`.
///
/// Every error names the field by its path and points at the line of the offending value
/// (or, for a missing field, of the mapping that lacks it). Cross-field rules, such as route
/// targets and probabilities, are checked once all nodes are read; see `RouteCheck.swift`.
struct SchemaReader {
    let file: String

    static let topFields = ["version", "name", "description", "explanation", "seed", "workload", "nodes"]
    static let workloadFields = ["users", "rate_per_user", "mix", "keys", "shape", "entry", "requests"]
    static let keyFields = ["count", "zipf"]
    static let nodeFields = ["id", "kind", "servers", "workers", "service", "queue", "timeout", "policy", "routes"]
    static let serviceFields = ["distribution", "mean", "cv"]
    static let routeFields = ["to", "class", "p", "latency"]
    static let classNames = RequestClass.allCases.map(\.description)

    /// Where the parts of one node were written, for the checks that span nodes.
    struct NodeSite {
        let path: String
        let origin: NodeOrigin
        let idOrigin: NodeOrigin
        var routes: [RouteSite] = []
    }

    struct RouteSite {
        let path: String
        let origin: NodeOrigin
        let targetOrigin: NodeOrigin
        let probabilityOrigin: NodeOrigin?
    }

    func system(_ root: PresetNode) throws(PresetError) -> SystemSpec {
        let top = try fields(root, "", expected: "a mapping with version, name, workload and nodes")
        // Version first: a later version may have fields this reader does not know.
        let versionNode = try top.required("version", expected: "the integer 1")
        guard case .scalar(let scalar) = versionNode.value, scalar.type == .integer,
              case .value(let version) = Self.decimal(scalar.text)
        else {
            throw fail(versionNode, "version", "expected the integer 1, got \(versionNode.found)")
        }
        guard version == 1 else { throw fail(versionNode, "version", "unsupported preset version \(version), expected 1") }
        try checkKeys(top, Self.topFields)

        let nameNode = try top.required("name", expected: "a non-empty string")
        let name = try text(nameNode, "name", lines: .one)
        guard name.contains(where: { !$0.isWhitespace }) else {
            throw fail(nameNode, "name", "expected a non-empty string, got \(nameNode.found)")
        }
        var description = ""
        if let node = top.optional("description") { description = try text(node, "description", lines: .one) }
        var explanation = ""
        if let node = top.optional("explanation") { explanation = try text(node, "explanation", lines: .many) }
        var seed: UInt64 = 1
        if let node = top.optional("seed") { seed = try unsigned(node, "seed") }

        let (workload, entryNode) = try workload(top.required("workload", expected: "a mapping"))

        let nodesNode = try top.required("nodes", expected: "a non-empty list of nodes")
        guard case .sequence(let items) = nodesNode.value, !items.isEmpty else {
            throw fail(nodesNode, "nodes", "expected a non-empty list of nodes, got \(nodesNode.found)")
        }
        var nodes: [NodeSpec] = []
        var sites: [NodeSite] = []
        var indexByID: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let (node, site) = try nodeSpec(item, "nodes[\(index)]")
            if let first = indexByID[node.id] {
                throw fail(
                    site.idOrigin, site.path + ".id",
                    "duplicate node id \(TerminalSafe.quoted(node.id)); \(sites[first].path) has it already")
            }
            indexByID[node.id] = index
            nodes.append(node)
            sites.append(site)
        }

        guard let entry = indexByID[workload.entry] else {
            throw fail(entryNode, "workload.entry", "no node has id \(TerminalSafe.quoted(workload.entry)); \(Self.idList(nodes))")
        }
        try RouteCheck(reader: self, nodes: nodes, sites: sites, indexByID: indexByID, entry: entry).run()

        return SystemSpec(
            name: name, description: description, explanation: explanation, seed: seed,
            workload: workload, nodes: nodes)
    }

    // MARK: - Workload

    private func workload(_ node: PresetNode) throws(PresetError) -> (WorkloadSpec, entry: PresetNode) {
        let map = try fields(node, "workload", expected: "a mapping with users, rate_per_user and entry")
        try checkKeys(map, Self.workloadFields)
        let users = try integer(
            map.required("users", expected: "a positive integer"), "workload.users", in: 1...WorkloadSpec.maxUsers)
        let rateNode = try map.required("rate_per_user", expected: "a number greater than 0")
        let rate = try number(rateNode, "workload.rate_per_user", expected: "a number greater than 0") { $0 > 0 }
        var mix: [RequestClass: Double] = [.read: 1]
        if let node = map.optional("mix") { mix = try self.mix(node, "workload.mix") }
        var keys = KeySpace()
        if let node = map.optional("keys") { keys = try keySpace(node, "workload.keys") }
        var shape = TrafficShape.steady
        if let node = map.optional("shape") { shape = try self.shape(node, "workload.shape") }
        let peak = Double(users) * rate * shape.maxFactor
        guard peak <= WorkloadSpec.maxRate else {
            throw fail(rateNode, "workload.rate_per_user",
                "users × rate_per_user × shape peak is \(peak) requests/s; the limit is \(Int(WorkloadSpec.maxRate))")
        }
        let entryNode = try map.required("entry", expected: "a node id")
        let entry = try string(entryNode, "workload.entry", expected: "a node id")
        var requestLimit: Int?
        if let node = map.optional("requests") { requestLimit = try integer(node, "workload.requests", in: 1...Int.max) }
        let spec = WorkloadSpec(
            users: users, ratePerUser: rate, mix: mix, keys: keys, shape: shape, entry: entry, requestLimit: requestLimit)
        return (spec, entryNode)
    }

    private func mix(_ node: PresetNode, _ path: String) throws(PresetError) -> [RequestClass: Double] {
        let map = try fields(node, path, expected: "a mapping of request class to weight, such as {read: 0.8, write: 0.2}")
        var mix: [RequestClass: Double] = [:]
        for entry in map.entries {
            guard let requestClass = RequestClass(name: entry.key) else {
                throw unknownName(entry, path: Self.join(path, entry.key), kind: "request class", allowed: Self.classNames)
            }
            mix[requestClass] = try number(
                entry.value, Self.join(path, entry.key), expected: "a weight of 0 or more") { $0 >= 0 }
        }
        guard mix.values.contains(where: { $0 > 0 }) else {
            throw fail(node, path, "expected at least one class with a weight above 0, such as {read: 1}")
        }
        return mix
    }

    private func keySpace(_ node: PresetNode, _ path: String) throws(PresetError) -> KeySpace {
        let map = try fields(node, path, expected: "a mapping with count and zipf")
        try checkKeys(map, Self.keyFields)
        var keys = KeySpace()
        if let node = map.optional("count") {
            keys.count = try integer(node, Self.join(path, "count"), in: 1...KeySpace.maxCount)
        }
        if let node = map.optional("zipf") {
            keys.zipf = try number(node, Self.join(path, "zipf"), expected: "a number from 0 to 10") { (0...10).contains($0) }
        }
        return keys
    }

    private func shape(_ node: PresetNode, _ path: String) throws(PresetError) -> TrafficShape {
        let shapes = ["ramp", "spike", "diurnal"]
        if case .scalar(let scalar) = node.value, scalar.text == "steady" { return .steady }
        guard case .mapping(let entries) = node.value, entries.count == 1, let entry = entries.first else {
            let found = if case .mapping(let entries) = node.value { "a mapping with \(entries.count) keys" } else { node.found }
            throw fail(node, path, "expected steady, or a mapping with exactly one of ramp, spike or diurnal, got \(found)")
        }
        let inner = Self.join(path, entry.key)
        switch entry.key {
        case "ramp":
            let map = try fields(entry.value, inner, expected: "a mapping with from and over")
            try checkKeys(map, ["from", "over"])
            let from = try number(
                map.required("from", expected: "a number of 0 or more"), Self.join(inner, "from"),
                expected: "a number of 0 or more") { $0 >= 0 }
            let over = try duration(map.required("over", expected: DurationParser.expected), Self.join(inner, "over"), allowZero: false)
            return .ramp(from: from, over: over)
        case "spike":
            let map = try fields(entry.value, inner, expected: "a mapping with at, duration and factor")
            try checkKeys(map, ["at", "duration", "factor"])
            let at = try duration(map.required("at", expected: DurationParser.expected), Self.join(inner, "at"), allowZero: true)
            let length = try duration(
                map.required("duration", expected: DurationParser.expected), Self.join(inner, "duration"), allowZero: false)
            let factor = try number(
                map.required("factor", expected: "a number of 0 or more"), Self.join(inner, "factor"),
                expected: "a number of 0 or more") { $0 >= 0 }
            return .spike(at: at, duration: length, factor: factor)
        case "diurnal":
            let map = try fields(entry.value, inner, expected: "a mapping with period and trough")
            try checkKeys(map, ["period", "trough"])
            let period = try duration(
                map.required("period", expected: DurationParser.expected), Self.join(inner, "period"), allowZero: false)
            let trough = try number(
                map.required("trough", expected: "a number from 0 to 1"), Self.join(inner, "trough"),
                expected: "a number from 0 to 1") { (0...1).contains($0) }
            return .diurnal(period: period, trough: trough)
        default:
            throw unknownName(entry, path: inner, kind: "traffic shape", allowed: ["steady"] + shapes)
        }
    }

    // MARK: - Nodes

    private func nodeSpec(_ item: PresetNode, _ path: String) throws(PresetError) -> (NodeSpec, NodeSite) {
        let map = try fields(item, path, expected: "a mapping with id, kind and service")
        try checkKeys(map, Self.nodeFields)
        let idNode = try map.required("id", expected: "a node id")
        let id = try string(idNode, path + ".id", expected: "a node id")
        guard Self.isValidID(id) else {
            throw fail(idNode, path + ".id", "expected an id of 1 to 64 letters, digits, - or _, got \(idNode.found)")
        }
        let kind = try choice(
            map.required("kind", expected: "a node kind"), path + ".kind",
            NodeKind.allCases.map { ($0.rawValue, $0) })
        var spec = NodeSpec(id: id, kind: kind, service: .none)
        if let node = map.optional("servers") { spec.servers = try integer(node, path + ".servers", in: 1...10_000) }
        if let node = map.optional("workers") { spec.workers = try integer(node, path + ".workers", in: 1...100_000) }
        spec.service = try service(map.required("service", expected: "none, or a mapping with distribution and mean"), path + ".service")
        if let node = map.optional("queue") {
            if case .scalar(let scalar) = node.value, scalar.text == "unbounded" {
                spec.queueCapacity = nil
            } else {
                spec.queueCapacity = try integer(
                    node, path + ".queue", in: 0...Int.max, expected: "a non-negative integer or unbounded")
            }
        }
        if let node = map.optional("timeout") { spec.timeout = try duration(node, path + ".timeout", allowZero: false) }
        if let node = map.optional("policy") {
            spec.policy = try choice(node, path + ".policy", BalancePolicy.allCases.map { ($0.rawValue, $0) })
        }
        var site = NodeSite(path: path, origin: item.origin, idOrigin: idNode.origin)
        if let node = map.optional("routes") {
            guard case .sequence(let items) = node.value else {
                throw fail(node, path + ".routes", "expected a list of routes, got \(node.found)")
            }
            for (index, routeNode) in items.enumerated() {
                let (route, routeSite) = try route(routeNode, path + ".routes[\(index)]")
                spec.routes.append(route)
                site.routes.append(routeSite)
            }
        }
        return (spec, site)
    }

    private func service(_ node: PresetNode, _ path: String) throws(PresetError) -> ServiceTime {
        if case .scalar(let scalar) = node.value, scalar.text == "none" { return .none }
        let map = try fields(node, path, expected: "none, or a mapping with distribution and mean")
        try checkKeys(map, Self.serviceFields)
        let distributions = ["exponential", "deterministic", "lognormal", "gamma"]
        let distribution = try choice(
            map.required("distribution", expected: "a distribution"), path + ".distribution",
            distributions.map { ($0, $0) })
        let mean = try duration(map.required("mean", expected: DurationParser.expected), path + ".mean", allowZero: false)
        let hasCV = distribution == "lognormal" || distribution == "gamma"
        if !hasCV, let entry = map.entries.first(where: { $0.key == "cv" }), !entry.value.isNull {
            throw fail(
                entry.keyOrigin, path + ".cv",
                "cv applies only to lognormal and gamma; \(distribution) has a fixed variability")
        }
        switch distribution {
        case "exponential": return .exponential(mean: mean)
        case "deterministic": return .deterministic(mean: mean)
        default:
            let cv = try number(
                map.required("cv", expected: "a number greater than 0 and at most 100"), path + ".cv",
                expected: "a number greater than 0 and at most 100") { $0 > 0 && $0 <= 100 }
            return distribution == "gamma" ? .gamma(mean: mean, cv: cv) : .lognormal(mean: mean, cv: cv)
        }
    }

    private func route(_ node: PresetNode, _ path: String) throws(PresetError) -> (RouteSpec, RouteSite) {
        let map = try fields(node, path, expected: "a mapping with to, and optionally class, p and latency")
        try checkKeys(map, Self.routeFields)
        let targetNode = try map.required("to", expected: "a node id")
        var route = RouteSpec(to: try string(targetNode, path + ".to", expected: "a node id"))
        if let node = map.optional("class") { route.classes = try classes(node, path + ".class") }
        let probabilityNode = map.optional("p")
        if let probabilityNode {
            route.probability = try number(
                probabilityNode, path + ".p", expected: "a probability greater than 0 and at most 1") { $0 > 0 && $0 <= 1 }
        }
        if let node = map.optional("latency") { route.latency = try duration(node, path + ".latency", allowZero: true) }
        let site = RouteSite(
            path: path, origin: node.origin, targetOrigin: targetNode.origin, probabilityOrigin: probabilityNode?.origin)
        return (route, site)
    }

    private func classes(_ node: PresetNode, _ path: String) throws(PresetError) -> [RequestClass] {
        let options = RequestClass.allCases.map { ($0.description, $0) }
        guard case .sequence(let items) = node.value else { return [try choice(node, path, options)] }
        guard !items.isEmpty else { throw fail(node, path, "expected a request class or a non-empty list of them, got an empty list") }
        var classes: [RequestClass] = []
        for (index, item) in items.enumerated() {
            let requestClass = try choice(item, path + "[\(index)]", options)
            guard !classes.contains(requestClass) else {
                throw fail(item, path + "[\(index)]", "the class \(requestClass) is listed twice")
            }
            classes.append(requestClass)
        }
        return classes
    }

    static func isValidID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"): true
            default: false
            }
        }
    }

    /// The node ids for a message, the first ten of them if there are more.
    static func idList(_ nodes: [NodeSpec]) -> String {
        let shown = nodes.prefix(10).map { TerminalSafe.quoted($0.id) }.joined(separator: ", ")
        return "the ids are " + shown + (nodes.count > 10 ? ", … (\(nodes.count) in all)" : "")
    }
}
