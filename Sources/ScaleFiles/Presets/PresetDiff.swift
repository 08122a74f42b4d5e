import ScaleSim

/// What changed between two systems, in words a person reads at a glance: the dashboard
/// shows it when a stage loads, beside the stage's description.
///
/// A pure function of two specs; nodes are matched by id, so presets that keep their ids
/// from stage to stage give a diff of only what the stage added.
public enum PresetDiff {
    /// The changes from `old` to `new`, one line each: nodes removed, nodes added, nodes
    /// changed (in `new`'s node order), data centers and latencies, then the workload.
    ///
    /// For example `["added lb (load balancer, round-robin) in front of app",
    /// "users 2,000 -> 20,000"]`. Equal specs give none.
    public static func changes(from old: SystemSpec, to new: SystemSpec) -> [String] {
        var lines: [String] = []
        let oldIDs = Set(old.nodes.map(\.id))
        let newIDs = Set(new.nodes.map(\.id))
        for node in old.nodes where !newIDs.contains(node.id) {
            lines.append("removed \(node.id) (\(role(of: node)))")
        }
        for node in new.nodes where !oldIDs.contains(node.id) {
            lines.append(added(node, in: new))
        }
        for node in new.nodes {
            guard let before = old.node(node.id) else { continue }
            lines += nodeChanges(from: before, to: node).map { "\(node.id): \($0)" }
        }
        lines += placementChanges(from: old, to: new)
        lines += workloadChanges(from: old.workload, to: new.workload)
            // With data centers the entry is the first one's, already listed above.
            .filter { !($0.hasPrefix("entry ") && !old.datacenters.isEmpty && !new.datacenters.isEmpty) }
        if old.script != new.script {
            lines.append("timed commands \(old.script.count) -> \(new.script.count)")
        }
        return lines
    }

    // MARK: - Nodes

    /// What a node is, in a few words: `load balancer, round-robin`, `2 read replicas of db`.
    static func role(of node: NodeSpec) -> String {
        let pool = "\(count(node.servers)) × \(count(node.workers)) workers"
        switch node.kind {
        case .lb: return "load balancer, \(words(node.policy))"
        case .app: return "web servers, \(pool)"
        case .db: return node.shards > 1 ? "database, \(node.shards) shards" : "database, \(count(node.workers)) workers"
        case .station: return "service, \(pool)"
        case .cache:
            let cache = node.cache.map { "\(count($0.entries)) entries, \($0.eviction.rawValue.uppercased())" } ?? ""
            return "cache, " + cache
        case .replica:
            let replicas = node.servers == 1 ? "1 read replica" : "\(count(node.servers)) read replicas"
            return replicas + (node.replicaOf.map { " of \($0)" } ?? "")
        case .queue: return "message queue, \(pool)"
        case .sessionStore: return "session store"
        case .cdn:
            let entries = node.cache.map { ", \(count($0.entries)) entries" } ?? ""
            return "CDN edge" + (node.region.map { " for \($0)" } ?? "") + entries
        }
    }

    static func added(_ node: NodeSpec, in spec: SystemSpec) -> String {
        var line = "added \(node.id) (\(role(of: node)))"
        // A balancer or a cache sits in front of what it forwards to.
        if node.kind == .lb || node.kind == .cache {
            let targets = unique(node.routes.map(\.to))
            if !targets.isEmpty { line += " in front of " + targets.joined(separator: ", ") }
        }
        if let dc = node.dc, spec.datacenters.count > 1 { line += " in \(dc)" }
        if let limit = node.rateLimit { line += ", rate limit " + rateLimit(limit) }
        return line
    }

    static func nodeChanges(from a: NodeSpec, to b: NodeSpec) -> [String] {
        var lines: [String] = []
        func compare<T: Equatable>(_ label: String, _ x: T, _ y: T, _ show: (T) -> String) {
            if x != y { lines.append("\(label) \(show(x)) -> \(show(y))") }
        }
        compare("kind", a.kind, b.kind) { kindName($0) }
        // A sharded database has one server per shard: its shard count says it all.
        if a.shards == b.shards { compare("servers", a.servers, b.servers, count) }
        compare("workers", a.workers, b.workers, count)
        compare("size", a.size, b.size) { "\($0)" }
        compare("largest size", a.maxSize, b.maxSize) { "\($0)" }
        compare("shards", a.shards, b.shards) { "\($0)" }
        compare("service", a.service, b.service, service)
        compare("queue", a.queueCapacity, b.queueCapacity) { $0.map(count) ?? "unbounded" }
        compare("timeout", a.timeout, b.timeout) { $0.map(DurationParser.format) ?? "none" }
        compare("policy", a.policy, b.policy, words)
        compare("health check", a.healthCheck, b.healthCheck, DurationParser.format)
        compare("sessions", a.sessions, b.sessions) { $0 == .sticky ? "sticky (in server memory)" : "none" }
        compare("session timeout", a.sessionTTL, b.sessionTTL, DurationParser.format)
        compare("calls", a.calls, b.calls) { $0 ?? "nothing" }
        compare("autoscaling", a.autoscale, b.autoscale, autoscale)
        compare("rate limit", a.rateLimit, b.rateLimit, rateLimit)
        compare("data center", a.dc, b.dc) { $0 ?? "none" }
        compare("region", a.region, b.region) { $0 ?? "none" }
        compare("replica of", a.replicaOf, b.replicaOf) { $0 ?? "none" }
        compare("apply", a.apply, b.apply) { $0.map(service) ?? "as service" }
        compare("replication delay", a.replicationDelay, b.replicationDelay, DurationParser.format)
        compare("failover", a.failover, b.failover, DurationParser.format)
        if a.cache != b.cache {
            if let x = a.cache, let y = b.cache {
                compare("cache entries", x.entries, y.entries, count)
                compare("eviction", x.eviction, y.eviction) { $0.rawValue.uppercased() }
                compare("cache TTL", x.ttl, y.ttl) { $0.map(DurationParser.format) ?? "none" }
                compare("write policy", x.writePolicy, y.writePolicy) { $0.rawValue }
                compare("request coalescing", x.coalesce, y.coalesce) { $0 ? "on" : "off" }
            } else {
                compare("cache", a.cache, b.cache) { $0.map { "\(count($0.entries)) entries" } ?? "none" }
            }
        }
        lines += routeChanges(from: a, to: b)
        return lines
    }

    /// Per request class, where the node now sends it: `read -> cache (was db-replica)`.
    static func routeChanges(from a: NodeSpec, to b: NodeSpec) -> [String] {
        var moves: [(targets: String, was: String, classes: [String])] = []
        for requestClass in RequestClass.allCases {
            let before = targets(of: a, for: requestClass)
            let after = targets(of: b, for: requestClass)
            guard before != after else { continue }
            if let k = moves.firstIndex(where: { $0.targets == after && $0.was == before }) {
                moves[k].classes.append(requestClass.description)
            } else {
                moves.append((after, before, [requestClass.description]))
            }
        }
        return moves.map { "\($0.classes.joined(separator: ", ")) -> \($0.targets) (was \($0.was))" }
    }

    /// Where a node sends a class, as routes name it: `cache`, `db-replica, db`, or `here`
    /// when the request ends at the node. Cache routes show their outcome: `miss: db`.
    static func targets(of node: NodeSpec, for requestClass: RequestClass) -> String {
        let named = node.routes.filter { $0.classes?.contains(requestClass) == true }
        let routes = named.isEmpty ? node.routes.filter { $0.classes == nil } : named
        let names = routes.map { route in (route.outcome.map { "\($0.rawValue): " } ?? "") + route.to }
        return names.isEmpty ? "here" : unique(names).joined(separator: ", ")
    }

    // MARK: - Data centers and latency

    static func placementChanges(from a: SystemSpec, to b: SystemSpec) -> [String] {
        var lines: [String] = []
        for dc in a.datacenters where !b.datacenters.contains(where: { $0.name == dc.name }) {
            lines.append("removed data center \(dc.name)")
        }
        for dc in b.datacenters {
            if let before = a.datacenters.first(where: { $0.name == dc.name }) {
                if before.entry != dc.entry { lines.append("data center \(dc.name): entry \(before.entry) -> \(dc.entry)") }
            } else {
                lines.append("added data center \(dc.name) (entry \(dc.entry))")
            }
        }
        for latency in b.latencies {
            let before = a.latencies.first { $0.region == latency.region && $0.dc == latency.dc }
            guard before?.latency != latency.latency else { continue }
            let was = before.map { "\(DurationParser.format($0.latency)) -> " } ?? ""
            lines.append("latency \(latency.region) to \(latency.dc) \(was)\(DurationParser.format(latency.latency))")
        }
        return lines + datacenterLatencyChanges(from: a, to: b)
    }

    /// The latencies between data centers that changed, pair by pair in the order first
    /// given (`b`'s pairs, then `a`'s), by what each way takes: a pair given one way is as
    /// long both ways, so writing out its reverse at the same latency changes nothing. A way
    /// as long as the other, before and after, is one line (`us-east to eu-west and back`).
    static func datacenterLatencyChanges(from a: SystemSpec, to b: SystemSpec) -> [String] {
        let isPair = { (latency: DataCenterLatency, x: String, y: String) in
            (latency.from == x && latency.to == y) || (latency.from == y && latency.to == x)
        }
        var pairs: [(String, String)] = []
        let given = b.datacenterLatencies + a.datacenterLatencies
        for latency in given where !pairs.contains(where: { isPair(latency, $0.0, $0.1) }) {
            pairs.append((latency.from, latency.to))
        }
        var lines: [String] = []
        for (x, y) in pairs {
            let wasGiven = a.datacenterLatencies.contains { isPair($0, x, y) }
            let isGiven = b.datacenterLatencies.contains { isPair($0, x, y) }
            let there = (was: a.datacenterLatency(from: x, to: y), now: b.datacenterLatency(from: x, to: y))
            let back = (was: a.datacenterLatency(from: y, to: x), now: b.datacenterLatency(from: y, to: x))
            let ways = there == back ? [("\(x) to \(y) and back", there)] : [("\(x) to \(y)", there), ("\(y) to \(x)", back)]
            for (way, latency) in ways where latency.was != latency.now {
                let was = DurationParser.format(latency.was)
                let now = DurationParser.format(latency.now)
                if !wasGiven {
                    lines.append("added dc latency \(way) \(now)")
                } else if !isGiven {
                    lines.append("removed dc latency \(way) (was \(was))")
                } else {
                    lines.append("dc latency \(way) \(was) -> \(now)")
                }
            }
        }
        return lines
    }

    // MARK: - Workload

    static func workloadChanges(from a: WorkloadSpec, to b: WorkloadSpec) -> [String] {
        var lines: [String] = []
        if a.users != b.users { lines.append("users \(count(a.users)) -> \(count(b.users))") }
        if a.ratePerUser != b.ratePerUser {
            lines.append("requests per user per second \(number(a.ratePerUser)) -> \(number(b.ratePerUser))")
        }
        if a.baseRate != b.baseRate {
            lines.append("requests/s \(count(Int(a.baseRate.rounded()))) -> \(count(Int(b.baseRate.rounded())))")
        }
        let (mixA, mixB) = (shares(a.mix), shares(b.mix))
        let mixChanges = RequestClass.allCases.compactMap { c -> String? in
            let (x, y) = (mixA[c] ?? 0, mixB[c] ?? 0)
            return percent(x) == percent(y) ? nil : "\(c) \(percent(x)) -> \(percent(y))"
        }
        if !mixChanges.isEmpty { lines.append("mix: " + mixChanges.joined(separator: ", ")) }
        if a.keys != b.keys { lines.append("keys \(keySpace(a.keys)) -> \(keySpace(b.keys))") }
        if a.staticAssets != b.staticAssets {
            lines.append("static assets \(keySpace(a.staticAssets)) -> \(keySpace(b.staticAssets))")
        }
        if a.shape != b.shape { lines.append("traffic \(shape(a.shape)) -> \(shape(b.shape))") }
        if a.regions != b.regions { lines.append("regions \(regions(a.regions)) -> \(regions(b.regions))") }
        if a.dns != b.dns {
            lines.append(
                "DNS \(a.dns.resolvers) resolvers, TTL \(DurationParser.format(a.dns.ttl)) -> "
                    + "\(b.dns.resolvers) resolvers, TTL \(DurationParser.format(b.dns.ttl))")
        }
        if a.retries != b.retries { lines.append("retries \(retries(a.retries)) -> \(retries(b.retries))") }
        if a.entry != b.entry { lines.append("entry \(a.entry) -> \(b.entry)") }
        if a.requestLimit != b.requestLimit {
            lines.append("request limit \(a.requestLimit.map(count) ?? "none") -> \(b.requestLimit.map(count) ?? "none")")
        }
        return lines
    }

    // MARK: - Words for values

    /// An integer with thousands separators: `20,000`.
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// The shortest decimal that reads back as `value`: `0.1`, `2`.
    static func number(_ value: Double) -> String { CommandGrammar.number(value) }

    static func percent(_ share: Double) -> String {
        let tenths = (share * 1000).rounded() / 10
        return number(tenths) + "%"
    }

    static func shares(_ mix: [RequestClass: Double]) -> [RequestClass: Double] {
        let total = RequestClass.allCases.reduce(0) { $0 + (mix[$1] ?? 0) }
        guard total > 0 else { return [:] }
        return mix.mapValues { $0 / total }
    }

    static func words(_ policy: BalancePolicy) -> String {
        switch policy {
        case .roundRobin: "round-robin"
        case .random: "random"
        case .leastConnections: "least connections"
        case .consistentHash: "consistent hashing"
        }
    }

    static func kindName(_ kind: NodeKind) -> String {
        switch kind {
        case .lb: "load balancer"
        case .app: "web servers"
        case .db: "database"
        case .station: "service"
        case .cache: "cache"
        case .replica: "read replicas"
        case .queue: "message queue"
        case .sessionStore: "session store"
        case .cdn: "CDN edge"
        }
    }

    static func service(_ time: ServiceTime) -> String {
        switch time {
        case .none: "none"
        case .exponential(let mean): "\(DurationParser.format(mean)) exponential"
        case .deterministic(let mean): "\(DurationParser.format(mean)) fixed"
        case .lognormal(let mean, let cv): "\(DurationParser.format(mean)) lognormal cv \(number(cv))"
        case .gamma(let mean, let cv): "\(DurationParser.format(mean)) gamma cv \(number(cv))"
        }
    }

    static func autoscale(_ policy: AutoscaleSpec?) -> String {
        guard let policy else { return "off" }
        return "\(percent(policy.target)) target, \(count(policy.min)) to \(count(policy.max)) servers"
    }

    /// `500/s, burst 1,000`, or `off`.
    static func rateLimit(_ limit: RateLimitSpec?) -> String {
        guard let limit else { return "off" }
        return "\(grouped(limit.rate))/s, burst \(grouped(limit.burst))"
    }

    /// A number with thousands separators when it is whole (`1,000`), else as `number` writes it.
    static func grouped(_ value: Double) -> String {
        value == value.rounded() && value.magnitude < 1e15 ? count(Int(value)) : number(value)
    }

    static func keySpace(_ keys: KeySpace) -> String {
        if let trace = keys.trace { return "trace \(trace)" }
        return "\(count(keys.count)) Zipf(\(number(keys.zipf)))"
    }

    static func shape(_ shape: TrafficShape) -> String {
        switch shape {
        case .steady: "steady"
        case .ramp(let from, let over): "ramp from \(percent(from)) over \(DurationParser.format(over))"
        case .spike(let at, let duration, let factor):
            "spike x\(number(factor)) at \(DurationParser.format(at)) for \(DurationParser.format(duration))"
        case .diurnal(let period, let trough):
            "diurnal every \(DurationParser.format(period)), trough \(percent(trough))"
        }
    }

    static func regions(_ regions: [RegionShare]) -> String {
        guard !regions.isEmpty else { return "one" }
        let total = regions.reduce(0) { $0 + $1.share }
        return regions.map { "\($0.name) \(percent($0.share / total))" }.joined(separator: ", ")
    }

    static func retries(_ retries: RetrySpec) -> String {
        retries.limit == 0 ? "off" : "\(retries.limit) after \(DurationParser.format(retries.backoff))"
    }

    /// `items` without repeats, in first-seen order.
    static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}
