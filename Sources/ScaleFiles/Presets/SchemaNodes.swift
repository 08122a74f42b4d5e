import ScaleSim

/// Reading one node: the fields every node has, those only some kinds take, and its routes.
///
/// What a node names elsewhere (`replica_of`, `calls`, `dc`, `region`) is checked once every
/// node is read, in `TopologyCheck`.
extension SchemaReader {
    static let nodeFields = [
        "id", "kind", "servers", "workers", "service", "queue", "timeout", "policy", "routes", "size", "max_size",
        "health_check", "cache", "replica_of", "apply", "failover", "replication_delay", "shards", "calls", "sessions",
        "session_ttl", "autoscale", "dc", "region", "rate_limit", "concurrency_limit", "queue_deadline",
    ]
    static let serviceFields = ["distribution", "mean", "cv"]
    static let routeFields = ["to", "class", "p", "latency", "on", "breaker"]
    static let cacheFields = ["entries", "eviction", "ttl", "write_policy", "coalesce"]
    static let autoscaleFields = ["target", "min", "max", "warmup", "cooldown"]
    static let rateLimitFields = ["rate", "burst"]
    static let cacheExpected = "a mapping with entries, and optionally eviction, ttl, write_policy and coalesce"
    /// The top of the vertical-scaling ladder a preset may set.
    static let maxLadder = 20

    /// The fields only some kinds of node take: on another kind they would be ignored, so
    /// they are errors instead.
    static let kindFields: [(field: String, kinds: [NodeKind])] = [
        ("cache", [.cache, .cdn]), ("replica_of", [.replica]), ("apply", [.replica]), ("failover", [.replica]),
        ("replication_delay", [.replica]), ("shards", [.db]), ("sessions", [.app]), ("session_ttl", [.app]),
        ("region", [.cdn]),
        // A cache read and a CDN lookup answer without going on, so they would never call.
        ("calls", NodeKind.allCases.filter { $0 != .cache && $0 != .cdn }),
    ]

    /// Kinds that act when a request's service ends (look up, enqueue, apply, answer a call):
    /// with `service: none` they would only pass requests on.
    static let servingKinds: [NodeKind] = [.cache, .replica, .queue, .sessionStore, .cdn]

    func nodeSpec(_ item: YAMLValue, _ path: String) throws(PresetError) -> (NodeSpec, NodeSite) {
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
        for rule in Self.kindFields where !rule.kinds.contains(kind) {
            if let entry = map.present(rule.field) {
                throw fail(
                    entry.keyOrigin, Self.join(path, rule.field),
                    "\(rule.field) applies only to nodes of kind \(Self.either(rule.kinds.map(\.rawValue))), not \(kind.rawValue)"
                )
            }
        }
        var spec = NodeSpec(id: id, kind: kind, service: .none)
        try readCapacity(map, path, into: &spec)
        try readData(map, path, into: &spec)
        try readWebTier(map, path, into: &spec)
        if let node = map.optional("rate_limit") { spec.rateLimit = try rateLimit(node, path + ".rate_limit") }
        try readShedding(map, path, into: &spec)
        var site = NodeSite(path: path, origin: item.origin, fields: map)
        if let node = map.optional("routes") {
            guard case .sequence(let items) = node.value else {
                throw fail(node, path + ".routes", "expected a list of routes, got \(node.found)")
            }
            if kind == .cdn, !items.isEmpty {
                throw fail(
                    node, path + ".routes",
                    "a cdn node has no routes: it answers hits itself and sends misses to the origin as users do")
            }
            for (index, routeNode) in items.enumerated() {
                let (route, routeSite) = try route(routeNode, path + ".routes[\(index)]", at: kind)
                spec.routes.append(route)
                site.routes.append(routeSite)
            }
            try checkOneBreakerPerLink(spec.routes, site.routes)
        }
        return (spec, site)
    }

    /// Servers, workers, service, queue, timeout, policy, the vertical ladder and the health check.
    private func readCapacity(_ map: Fields, _ path: String, into spec: inout NodeSpec) throws(PresetError) {
        if let node = map.optional("servers") { spec.servers = try integer(node, path + ".servers", in: 1...Engine.maxServers) }
        if let node = map.optional("workers") { spec.workers = try integer(node, path + ".workers", in: 1...Engine.maxWorkers) }
        let serviceNode = try map.required("service", expected: "none, or a mapping with distribution and mean")
        spec.service = try service(serviceNode, path + ".service")
        if spec.service == .none, Self.servingKinds.contains(spec.kind) {
            throw fail(
                serviceNode, path + ".service",
                "expected a mapping with distribution and mean: a \(spec.kind.rawValue) node does its work as a "
                    + "request's service ends, so with none it would only pass requests on")
        }
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
        if let node = map.optional("max_size") { spec.maxSize = try integer(node, path + ".max_size", in: 0...Self.maxLadder) }
        if let node = map.optional("size") {
            spec.size = try integer(node, path + ".size", in: 0...Int.max)
            guard spec.size <= spec.maxSize else {
                throw fail(node, path + ".size", "expected at most max_size, which is \(spec.maxSize), got \(node.found)")
            }
        }
        if let node = map.optional("health_check") {
            spec.healthCheck = try duration(node, path + ".health_check", allowZero: true)
        }
    }

    /// The data tier: cache, replica and shard fields.
    private func readData(_ map: Fields, _ path: String, into spec: inout NodeSpec) throws(PresetError) {
        if spec.kind == .cache {
            spec.cache = try cacheSpec(map.required("cache", expected: Self.cacheExpected), path + ".cache", at: .cache)
        } else if let node = map.optional("cache") {
            spec.cache = try cacheSpec(node, path + ".cache", at: spec.kind)
        }
        if spec.kind == .replica {
            spec.replicaOf = try string(
                map.required("replica_of", expected: "the id of a db node"), path + ".replica_of",
                expected: "the id of a db node")
        }
        if let node = map.optional("apply") { spec.apply = try service(node, path + ".apply") }
        if let node = map.optional("failover") { spec.failover = try duration(node, path + ".failover", allowZero: true) }
        if let node = map.optional("replication_delay") {
            spec.replicationDelay = try duration(node, path + ".replication_delay", allowZero: true)
        }
        if let node = map.optional("shards") {
            spec.shards = try integer(node, path + ".shards", in: 1...Engine.maxShards)
            // The engine runs one server per shard and sends each key to its shard's server.
            if spec.shards > 1 {
                if let servers = map.optional("servers"), spec.servers != spec.shards {
                    throw fail(
                        servers, path + ".servers",
                        "a database with \(spec.shards) shards has one server per shard; leave servers out or make it "
                            + "\(spec.shards), got \(servers.found)")
                }
                spec.servers = spec.shards
            }
        }
    }

    /// Calls, sessions, autoscaling and placement.
    private func readWebTier(_ map: Fields, _ path: String, into spec: inout NodeSpec) throws(PresetError) {
        if let node = map.optional("calls") {
            spec.calls = try string(node, path + ".calls", expected: "a node id")
            if spec.service == .none {
                throw fail(
                    node, path + ".calls",
                    "a node with service: none passes requests on at once and never makes the call; give it a service time")
            }
        }
        if let node = map.optional("sessions") {
            spec.sessions = try choice(node, path + ".sessions", SessionMode.allCases.map { ($0.rawValue, $0) })
        }
        if let node = map.optional("session_ttl") {
            spec.sessionTTL = try duration(node, path + ".session_ttl", allowZero: false)
        }
        if let node = map.optional("autoscale") {
            let policy = try autoscale(node, path + ".autoscale")
            guard spec.shards == 1 else {
                throw fail(node, path + ".autoscale", "a sharded database does not autoscale: it runs one server per shard")
            }
            // Written, `servers` may lie outside min to max, as a live pool may after an
            // `autoscale` command: the autoscaler's first change brings it within.
            if map.optional("servers") == nil { spec.servers = policy.min }
            spec.autoscale = policy
        }
        if let node = map.optional("dc") { spec.dc = try string(node, path + ".dc", expected: "a data center name") }
        if let node = map.optional("region") { spec.region = try string(node, path + ".region", expected: "a region name") }
    }

    private func service(_ node: YAMLValue, _ path: String) throws(PresetError) -> ServiceTime {
        if case .scalar(let scalar) = node.value, scalar.text == "none" { return .none }
        let map = try fields(node, path, expected: "none, or a mapping with distribution and mean")
        try checkKeys(map, Self.serviceFields)
        let distributions = ["exponential", "deterministic", "lognormal", "gamma"]
        let distribution = try choice(
            map.required("distribution", expected: "a distribution"), path + ".distribution",
            distributions.map { ($0, $0) })
        let mean = try duration(map.required("mean", expected: DurationParser.expected), path + ".mean", allowZero: false)
        let hasCV = distribution == "lognormal" || distribution == "gamma"
        if !hasCV, let entry = map.present("cv") {
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
                expected: "a number greater than 0 and at most 100"
            ) { $0 > 0 && $0 <= 100 }
            return distribution == "gamma" ? .gamma(mean: mean, cv: cv) : .lognormal(mean: mean, cv: cv)
        }
    }

    private func cacheSpec(_ node: YAMLValue, _ path: String, at kind: NodeKind) throws(PresetError) -> CacheSpec {
        let map = try fields(node, path, expected: Self.cacheExpected)
        try checkKeys(map, Self.cacheFields)
        var cache = CacheSpec(
            entries: try integer(
                map.required("entries", expected: "a positive integer"), path + ".entries", in: 1...CacheSpec.maxEntries))
        if let node = map.optional("eviction") {
            cache.eviction = try choice(node, path + ".eviction", EvictionPolicy.allCases.map { ($0.rawValue, $0) })
        }
        if let node = map.optional("ttl") { cache.ttl = try duration(node, path + ".ttl", allowZero: false) }
        if let entry = map.present("write_policy") {
            guard kind == .cache else {
                throw fail(
                    entry.keyOrigin, path + ".write_policy",
                    "write_policy applies only to caches of database data; a cdn edge holds static assets, which nothing writes")
            }
            cache.writePolicy = try choice(
                entry.value, path + ".write_policy", WritePolicy.allCases.map { ($0.rawValue, $0) })
        }
        if let entry = map.present("coalesce") {
            guard kind == .cache else {
                throw fail(
                    entry.keyOrigin, path + ".coalesce",
                    "coalesce applies only to caches of database data; a cdn edge's origin serves static assets")
            }
            cache.coalesce = try choice(entry.value, path + ".coalesce", [("true", true), ("false", false)])
        }
        return cache
    }

    private func autoscale(_ node: YAMLValue, _ path: String) throws(PresetError) -> AutoscaleSpec {
        let map = try fields(node, path, expected: "a mapping with target, min and max, and optionally warmup and cooldown")
        try checkKeys(map, Self.autoscaleFields)
        let targetExpected = "a utilization greater than 0 and less than 1, such as 0.6"
        let target = try number(
            map.required("target", expected: targetExpected), path + ".target", expected: targetExpected
        ) { $0 > 0 && $0 < 1 }
        let min = try integer(map.required("min", expected: "a positive integer"), path + ".min", in: 1...Engine.maxServers)
        let maxNode = try map.required("max", expected: "a positive integer")
        let max = try integer(maxNode, path + ".max", in: 1...Engine.maxServers)
        guard max >= min else {
            throw fail(maxNode, path + ".max", "expected at least min, which is \(min), got \(maxNode.found)")
        }
        var policy = AutoscaleSpec(target: target, min: min, max: max)
        if let node = map.optional("warmup") { policy.warmup = try duration(node, path + ".warmup", allowZero: true) }
        if let node = map.optional("cooldown") { policy.cooldown = try duration(node, path + ".cooldown", allowZero: true) }
        return policy
    }

    /// A token bucket: `rate` per second, and `burst`, which defaults to one second's worth.
    /// Both are checked against the limits of `RateLimitSpec`, as the live command's are.
    private func rateLimit(_ node: YAMLValue, _ path: String) throws(PresetError) -> RateLimitSpec {
        let map = try fields(node, path, expected: "a mapping with rate, and optionally burst")
        try checkKeys(map, Self.rateLimitFields)
        let rateExpected = "a rate greater than 0 and at most \(Self.grouped(Int(RateLimitSpec.maxRate))) requests per second"
        let rate = try number(map.required("rate", expected: rateExpected), path + ".rate", expected: rateExpected) {
            RateLimitSpec.refusal(rate: $0, burst: nil) == nil
        }
        var burst: Double?
        if let node = map.optional("burst") {
            let burstExpected = "a burst from 1 to \(Self.grouped(Int(RateLimitSpec.maxBurst))) requests"
            burst = try number(node, path + ".burst", expected: burstExpected) {
                RateLimitSpec.refusal(rate: rate, burst: $0) == nil
            }
        }
        return RateLimitSpec(rate: rate, burst: burst)
    }

    /// One route of a node of `kind`: only a cache's routes may say which lookup outcome they carry.
    private func route(_ node: YAMLValue, _ path: String, at kind: NodeKind) throws(PresetError) -> (RouteSpec, RouteSite) {
        let map = try fields(node, path, expected: "a mapping with to, and optionally class, p, latency and on")
        try checkKeys(map, Self.routeFields)
        let targetNode = try map.required("to", expected: "a node id")
        var route = RouteSpec(to: try string(targetNode, path + ".to", expected: "a node id"))
        let classNode = map.optional("class")
        if let classNode { route.classes = try classes(classNode, path + ".class") }
        let probabilityNode = map.optional("p")
        if let probabilityNode {
            route.probability = try number(
                probabilityNode, path + ".p", expected: "a probability greater than 0 and at most 1"
            ) { $0 > 0 && $0 <= 1 }
        }
        if let node = map.optional("latency") { route.latency = try duration(node, path + ".latency", allowZero: true) }
        if let node = map.optional("breaker") { route.breaker = try breaker(node, path + ".breaker") }
        if let entry = map.present("on") {
            guard kind == .cache else {
                throw fail(entry.keyOrigin, path + ".on", "on applies only to the routes of a cache node, not \(kind.rawValue)")
            }
            route.outcome = try choice(entry.value, path + ".on", RouteOutcome.allCases.map { ($0.rawValue, $0) })
            // A cache looks up reads and nothing else, so an outcome route would not carry other classes.
            if let classNode, route.classes != [.read] {
                throw fail(
                    classNode, path + ".class",
                    "a route with on carries reads only, as a cache looks up nothing else; leave class out or make it read")
            }
        } else if kind == .cache, let classNode, route.classes?.contains(.read) == true {
            throw fail(
                classNode, path + ".class",
                "at a cache, reads follow the routes with on: hit or on: miss; give this route an on, or leave read out of its class"
            )
        }
        let site = RouteSite(
            path: path, origin: node.origin, targetOrigin: targetNode.origin, probabilityOrigin: probabilityNode?.origin)
        return (route, site)
    }

    private func classes(_ node: YAMLValue, _ path: String) throws(PresetError) -> [RequestClass] {
        let options = RequestClass.allCases.map { ($0.description, $0) }
        guard case .sequence(let items) = node.value else { return [try choice(node, path, options)] }
        guard !items.isEmpty else {
            throw fail(node, path, "expected a request class or a non-empty list of them, got an empty list")
        }
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
        (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                    true
                default: false
                }
            }
    }

    /// The node ids for a message, the first ten of them if there are more.
    static func idList(_ nodes: [NodeSpec]) -> String {
        let shown = nodes.prefix(10).map { TerminalSafe.quoted($0.id) }.joined(separator: ", ")
        return "the ids are " + shown + (nodes.count > 10 ? ", … (\(nodes.count) in all)" : "")
    }

    /// `names` as a list ending in "or": `cache or cdn`, `lb, app or db`.
    static func either(_ names: [String]) -> String {
        guard let last = names.last, names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " or " + last
    }
}
