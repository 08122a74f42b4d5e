import ScaleSim

/// Reads preset schema version 1 from a `YAMLValue` tree into a `SystemSpec`.
///
/// Every error names the field by its path and points at the line of the offending value
/// (or, for a missing field, of the mapping that lacks it). Nodes are read one by one (see
/// `SchemaNodes.swift`); the rules that span nodes, data centers and regions are checked
/// once all are read (see `TopologyCheck.swift` and `RouteCheck.swift`).
struct SchemaReader {
    let file: String

    static let topFields = [
        "version", "name", "description", "explanation", "seed", "workload", "nodes", "datacenters", "latency", "dc_latency",
        "script", "pricing",
    ]
    static let workloadFields = [
        "users", "rate_per_user", "mix", "keys", "shape", "entry", "requests", "dns", "retries", "regions", "static_assets",
        "response_kb", "client_timeout",
    ]
    static let keyFields = ["count", "zipf"]
    static let traceKeyFields = ["count", "zipf", "trace"]
    static let dnsFields = ["ttl", "resolvers"]
    static let retryFields = ["limit", "backoff", "budget", "jitter"]
    static let regionFields = ["name", "share"]
    static let classNames = RequestClass.allCases.map(\.description)
    /// Requests carry their region's index in one byte.
    static let maxRegions = 256

    /// Where the parts of one node were written, for the checks that span nodes.
    struct NodeSite {
        let path: String
        let origin: ValueOrigin
        /// The node's mapping, so a check can point at the value of any of its fields.
        let fields: Fields
        var routes: [RouteSite] = []

        /// Where the value of `key` was written; the node itself when it was left out.
        func origin(of key: String) -> ValueOrigin { fields.optional(key)?.origin ?? origin }
    }

    struct RouteSite {
        let path: String
        let origin: ValueOrigin
        let targetOrigin: ValueOrigin
        let probabilityOrigin: ValueOrigin?
    }

    func system(_ root: YAMLValue) throws(PresetError) -> SystemSpec {
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

        var (workload, workloadMap) = try self.workload(top.required("workload", expected: "a mapping"))

        let nodesNode = try top.required("nodes", expected: "a non-empty list of nodes")
        guard case .sequence(let items) = nodesNode.value, !items.isEmpty else {
            throw fail(nodesNode, "nodes", "expected a non-empty list of nodes, got \(nodesNode.found)")
        }
        guard items.count <= SystemSpec.maxNodes else {
            throw fail(
                items[SystemSpec.maxNodes], "nodes[\(SystemSpec.maxNodes)]",
                "expected at most \(SystemSpec.maxNodes) nodes, got \(items.count)")
        }
        var nodes: [NodeSpec] = []
        var routeCount = 0
        var sites: [NodeSite] = []
        var indexByID: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let (node, site) = try nodeSpec(item, "nodes[\(index)]")
            if let first = indexByID[node.id] {
                throw fail(
                    site.origin(of: "id"), site.path + ".id",
                    "duplicate node id \(TerminalSafe.quoted(node.id)); \(sites[first].path) has it already")
            }
            indexByID[node.id] = index
            routeCount += node.routes.count
            guard routeCount <= SystemSpec.maxRoutes else {
                throw fail(
                    item, "nodes[\(index)].routes",
                    "expected at most \(SystemSpec.maxRoutes) routes in all nodes together, got more")
            }
            nodes.append(node)
            sites.append(site)
        }

        var datacenters: [DataCenterSpec] = []
        var datacenterSites: [DataCenterSite] = []
        if let node = top.optional("datacenters") {
            (datacenters, datacenterSites) = try self.datacenters(node, "datacenters", nodes: nodes, indexByID: indexByID)
        }
        workload.entry = try entry(workloadMap, datacenters: datacenters, nodes: nodes, indexByID: indexByID)
        let latencies = try self.latencies(top, regions: workload.regions, datacenters: datacenters)
        let datacenterLatencies = try self.datacenterLatencies(top, datacenters: datacenters)
        try TopologyCheck(
            reader: self, nodes: nodes, sites: sites, indexByID: indexByID, regions: workload.regions.map(\.name),
            datacenters: datacenters, datacenterSites: datacenterSites
        ).run()
        // Users reach the entry, or with data centers the entry of the one geo-DNS picks.
        let entries = ([workload.entry] + datacenters.map(\.entry)).compactMap { indexByID[$0] }
        try RouteCheck(reader: self, nodes: nodes, sites: sites, indexByID: indexByID, entries: entries).run()

        var script: [ScheduledCommand] = []
        if let node = top.optional("script") {
            script = try self.script(node, "script")
            try checkPartitions(node, "script", datacenters: datacenters)
        }

        var pricing = PricingSpec()
        if let node = top.optional("pricing") { pricing = try self.pricing(node, "pricing") }

        let system = SystemSpec(
            name: name, description: description, explanation: explanation, seed: seed,
            workload: workload, nodes: nodes, script: script, datacenters: datacenters, latencies: latencies,
            datacenterLatencies: datacenterLatencies, pricing: pricing)
        if let problem = system.dataMemoryProblem { throw fail(nodesNode, "nodes", problem) }
        return system
    }

    // MARK: - Script

    /// Timed commands, each a line as a script file has it, in time order. Node ids are not
    /// checked against the nodes: a command may name a node an earlier command creates.
    private func script(_ node: YAMLValue, _ path: String) throws(PresetError) -> [ScheduledCommand] {
        let example = "\"at 60s add replica db 2\""
        guard case .sequence(let items) = node.value else {
            throw fail(node, path, "expected a list of timed commands such as \(example), got \(node.found)")
        }
        var script: [ScheduledCommand] = []
        for (index, item) in items.enumerated() {
            let itemPath = path + "[\(index)]"
            guard case .scalar(let scalar) = item.value, Self.scalarText(item) != nil else {
                throw fail(item, itemPath, "expected a timed command such as \(example), got \(item.found)")
            }
            let text = try self.text(item, itemPath, lines: .one)
            let parsed: ScheduledCommand?
            do throws(CommandSyntaxError) {
                parsed = try ScriptFile.scheduledCommand(text)
            } catch {
                // Inside quotes, escapes shift columns; the item's own column is the best there is.
                var origin = item.origin
                if scalar.isPlain, case .file(let line, let column) = origin {
                    origin = .file(line: line, column: column + error.column - 1)
                }
                throw fail(origin, itemPath, error.message)
            }
            guard let parsed else { throw fail(item, itemPath, "expected a timed command such as \(example), got \(item.found)") }
            script.append(parsed)
        }
        return ScriptFile.inTimeOrder(script)
    }

    // MARK: - Workload

    /// The workload without its entry, and the workload's mapping to read the entry from
    /// once the data centers are known.
    private func workload(_ node: YAMLValue) throws(PresetError) -> (WorkloadSpec, Fields) {
        let map = try fields(node, "workload", expected: "a mapping with users, rate_per_user and entry")
        try checkKeys(map, Self.workloadFields)
        let users = try integer(
            map.required("users", expected: "a positive integer"), "workload.users", in: 1...WorkloadSpec.maxUsers)
        let rateNode = try map.required("rate_per_user", expected: "a number greater than 0")
        let rate = try number(rateNode, "workload.rate_per_user", expected: "a number greater than 0") { $0 > 0 }
        var spec = WorkloadSpec(users: users, ratePerUser: rate, entry: "")
        if let node = map.optional("mix") { spec.mix = try mix(node, "workload.mix") }
        if let node = map.optional("keys") {
            spec.keys = try keySpace(node, "workload.keys", defaults: spec.keys, allowsTrace: true)
        }
        if let node = map.optional("shape") { spec.shape = try shape(node, "workload.shape") }
        let peak = Double(users) * rate * spec.shape.maxFactor
        guard peak <= WorkloadSpec.maxRate else {
            throw fail(
                rateNode, "workload.rate_per_user",
                "users × rate_per_user × shape peak is \(peak) requests/s; the limit is \(Int(WorkloadSpec.maxRate))")
        }
        if let node = map.optional("requests") { spec.requestLimit = try integer(node, "workload.requests", in: 1...Int.max) }
        if let node = map.optional("dns") { spec.dns = try dns(node, "workload.dns") }
        if let node = map.optional("retries") { spec.retries = try retries(node, "workload.retries") }
        if let node = map.optional("regions") { spec.regions = try regions(node, "workload.regions") }
        if let node = map.optional("static_assets") {
            spec.staticAssets = try keySpace(node, "workload.static_assets", defaults: spec.staticAssets)
        }
        if let node = map.optional("response_kb") { spec.responseKB = try responseKB(node, "workload.response_kb") }
        if let node = map.optional("client_timeout") { spec.clientTimeout = try clientTimeout(node, "workload.client_timeout") }
        return (spec, map)
    }

    /// The node every new request arrives at: required without data centers; with them, one
    /// of their entries, by default the first data center's.
    private func entry(
        _ workload: Fields, datacenters: [DataCenterSpec], nodes: [NodeSpec], indexByID: [String: Int]
    ) throws(PresetError) -> String {
        let path = "workload.entry"
        let node: YAMLValue
        if datacenters.isEmpty {
            node = try workload.required("entry", expected: "a node id")
        } else if let given = workload.optional("entry") {
            node = given
        } else {
            return datacenters[0].entry
        }
        let entry = try string(node, path, expected: "a node id")
        try checkEntry(node, path, id: entry, nodes: nodes, indexByID: indexByID)
        let entries = datacenters.map(\.entry)
        guard entries.isEmpty || entries.contains(entry) else {
            let listed = entries.map(TerminalSafe.quoted).joined(separator: ", ")
            throw fail(
                node, path,
                "users arrive at the entry of the data center geo-DNS picks, so expected one of \(listed), got \(node.found)")
        }
        return entry
    }

    /// An entry is a node, and not a CDN edge: an edge sends its misses to the entry.
    func checkEntry(
        _ node: YAMLValue, _ path: String, id: String, nodes: [NodeSpec], indexByID: [String: Int]
    ) throws(PresetError) {
        guard let index = indexByID[id] else {
            throw fail(node, path, "no node has id \(TerminalSafe.quoted(id)); \(Self.idList(nodes))")
        }
        guard nodes[index].kind != .cdn else {
            throw fail(
                node, path,
                "\(TerminalSafe.quoted(id)) is a cdn edge, which sends its misses on to the entry, so it cannot be one")
        }
    }

    private func dns(_ node: YAMLValue, _ path: String) throws(PresetError) -> DNSSpec {
        let map = try fields(node, path, expected: "a mapping with ttl and resolvers")
        try checkKeys(map, Self.dnsFields)
        var dns = DNSSpec()
        if let node = map.optional("ttl") { dns.ttl = try duration(node, Self.join(path, "ttl"), allowZero: false) }
        if let node = map.optional("resolvers") {
            dns.resolvers = try integer(node, Self.join(path, "resolvers"), in: 1...100_000)
        }
        return dns
    }

    private func retries(_ node: YAMLValue, _ path: String) throws(PresetError) -> RetrySpec {
        let map = try fields(node, path, expected: "a mapping with limit and backoff")
        try checkKeys(map, Self.retryFields)
        let expected = "an integer from 0 to \(RetrySpec.maxLimit)"
        var retries = RetrySpec()
        retries.limit = try integer(
            map.required("limit", expected: expected), Self.join(path, "limit"), in: 0...RetrySpec.maxLimit,
            expected: expected)
        if let node = map.optional("backoff") {
            retries.backoff = try duration(node, Self.join(path, "backoff"), allowZero: false)
        }
        try readRetryPolicy(map, path, into: &retries)
        return retries
    }

    private func regions(_ node: YAMLValue, _ path: String) throws(PresetError) -> [RegionShare] {
        guard case .sequence(let items) = node.value else {
            throw fail(
                node, path,
                "expected a list of regions such as [{name: us, share: 0.6}, {name: eu, share: 0.4}], got \(node.found)")
        }
        guard items.count <= Self.maxRegions else {
            throw fail(node, path, "expected at most \(Self.maxRegions) regions, got \(items.count)")
        }
        var regions: [RegionShare] = []
        for (index, item) in items.enumerated() {
            let itemPath = path + "[\(index)]"
            let map = try fields(item, itemPath, expected: "a mapping with name and share")
            try checkKeys(map, Self.regionFields)
            let nameNode = try map.required("name", expected: Self.nameExpected)
            let name = try self.name(nameNode, itemPath + ".name")
            if let first = regions.firstIndex(where: { $0.name == name }) {
                throw fail(
                    nameNode, itemPath + ".name",
                    "duplicate region name \(TerminalSafe.quoted(name)); \(path)[\(first)] has it already")
            }
            let share = try number(
                map.required("share", expected: "a number greater than 0"), itemPath + ".share",
                expected: "a number greater than 0"
            ) { $0 > 0 }
            regions.append(RegionShare(name: name, share: share))
        }
        return regions
    }

    private func mix(_ node: YAMLValue, _ path: String) throws(PresetError) -> [RequestClass: Double] {
        let map = try fields(node, path, expected: "a mapping of request class to weight, such as {read: 0.8, write: 0.2}")
        var mix: [RequestClass: Double] = [:]
        for entry in map.entries {
            guard let requestClass = RequestClass(name: entry.key) else {
                throw unknownName(entry, path: Self.join(path, entry.key), kind: "request class", allowed: Self.classNames)
            }
            mix[requestClass] = try number(
                entry.value, Self.join(path, entry.key), expected: "a weight of 0 or more"
            ) { $0 >= 0 }
        }
        guard mix.values.contains(where: { $0 > 0 }) else {
            throw fail(node, path, "expected at least one class with a weight above 0, such as {read: 1}")
        }
        return mix
    }

    private func keySpace(
        _ node: YAMLValue, _ path: String, defaults: KeySpace, allowsTrace: Bool = false
    ) throws(PresetError) -> KeySpace {
        let map = try fields(node, path, expected: "a mapping with count and zipf")
        try checkKeys(map, allowsTrace ? Self.traceKeyFields : Self.keyFields)
        var keys = defaults
        if let node = map.optional("trace") {
            // The trace decides the keys and their popularity; the loader counts them.
            guard map.optional("count") == nil, map.optional("zipf") == nil else {
                throw fail(node, Self.join(path, "trace"), "a trace gives the keys; leave out count and zipf")
            }
            keys.trace = try string(node, Self.join(path, "trace"), expected: "the path of a key trace file")
            return keys
        }
        if let node = map.optional("count") {
            keys.count = try integer(node, Self.join(path, "count"), in: 1...KeySpace.maxCount)
        }
        if let node = map.optional("zipf") {
            keys.zipf = try number(node, Self.join(path, "zipf"), expected: "a number from 0 to 10") { (0...10).contains($0) }
        }
        return keys
    }

    private func shape(_ node: YAMLValue, _ path: String) throws(PresetError) -> TrafficShape {
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
                expected: "a number of 0 or more"
            ) { $0 >= 0 }
            let over = try duration(
                map.required("over", expected: DurationParser.expected), Self.join(inner, "over"), allowZero: false)
            return .ramp(from: from, over: over)
        case "spike":
            let map = try fields(entry.value, inner, expected: "a mapping with at, duration and factor")
            try checkKeys(map, ["at", "duration", "factor"])
            let at = try duration(map.required("at", expected: DurationParser.expected), Self.join(inner, "at"), allowZero: true)
            let length = try duration(
                map.required("duration", expected: DurationParser.expected), Self.join(inner, "duration"), allowZero: false)
            let factor = try number(
                map.required("factor", expected: "a number of 0 or more"), Self.join(inner, "factor"),
                expected: "a number of 0 or more"
            ) { $0 >= 0 }
            return .spike(at: at, duration: length, factor: factor)
        case "diurnal":
            let map = try fields(entry.value, inner, expected: "a mapping with period and trough")
            try checkKeys(map, ["period", "trough"])
            let period = try duration(
                map.required("period", expected: DurationParser.expected), Self.join(inner, "period"), allowZero: false)
            let trough = try number(
                map.required("trough", expected: "a number from 0 to 1"), Self.join(inner, "trough"),
                expected: "a number from 0 to 1"
            ) { (0...1).contains($0) }
            return .diurnal(period: period, trough: trough)
        default:
            throw unknownName(entry, path: inner, kind: "traffic shape", allowed: ["steady"] + shapes)
        }
    }
}
