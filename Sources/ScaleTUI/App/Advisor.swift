import ScaleFiles
import ScaleSim

/// Names the current bottleneck and the step that would relieve it, with its key.
public enum Advisor {
    public struct Advice: Sendable, Equatable {
        /// The advice in full.
        public var text: String
        public var tone: Tone
        /// Shorter wordings for a narrow screen, longest first; each keeps the key to press
        /// and what it does (see docs/dashboard.md, Advisor).
        public var shorter: [String] = []

        /// The longest wording that fits in `width` columns; when none does, the shortest
        /// one cut to end in `ellipsis`.
        public func text(fitting width: Int, ellipsis: String = "…") -> String {
            ([text] + shorter).first { $0.unicodeScalars.count <= width }
                ?? Format.cut(shorter.last ?? text, width: width, ellipsis: ellipsis)
        }
    }

    public static func advice(for snapshot: SimulationSnapshot, keyMap: KeyMap = .standard) -> Advice {
        guard snapshot.system != nil else {
            return Advice(text: "warming up: the first simulated second has not closed yet", tone: .dim)
        }
        // The hottest member decides, not the pool's mean: one server of 24 at 112% is the
        // problem even when the pool averages 19%.
        let byLoad = { (a: NodeSnapshot, b: NodeSnapshot) in a.peakLoad < b.peakLoad }
        // A stampede's bottleneck is the database, but the remedy is at the cache.
        if let stampede = stampede(in: snapshot, keyMap: keyMap) { return stampede }
        // So is a retry storm's: the retries, not the users, keep it overloaded.
        if let storm = retryStorm(in: snapshot, keyMap: keyMap) { return storm }
        if let node = snapshot.nodes.filter(\.bottleneck).max(by: byLoad) {
            if let wasted = wastedWork(on: node, in: snapshot, keyMap: keyMap) { return wasted }
            let remedies = wordings(remedy(for: node, in: snapshot, keyMap: keyMap))
            let subject = describe(node, in: snapshot)
            return Advice(
                wordings: remedies.map { "\(subject): \($0)" } + ["\(describeBriefly(node, in: snapshot)): \(remedies.last!)"],
                tone: .bottleneck)
        }
        if let advice = openBreakerAdvice(snapshot, keyMap: keyMap) { return advice }
        if let dc = snapshot.datacenters.first(where: \.down) {
            let restore = "\(key(.toggleDataCenter, keyMap)) on one of its nodes restores it"
            return Advice(
                wordings: [
                    "data center \(dc.name) is down: geo-DNS moves its users; \(restore)",
                    "data center \(dc.name) is down: \(restore)",
                ], tone: .down)
        }
        if let partition = partitionAdvice(for: snapshot, keyMap: keyMap) { return partition }
        if let down = snapshot.nodes.first(where: \.isDown) {
            return Advice(text: "\(down.id) is down: \(key(.toggleKill, keyMap)) on it restores it", tone: .down)
        }
        // Requests turned away on purpose: the limit, not the capacity, is what users feel.
        if let node = snapshot.nodes.filter({ ($0.window?.rejected ?? 0) > 0 }).max(by: {
            ($0.window?.rejected ?? 0) < ($1.window?.rejected ?? 0)
        }), let limit = node.spec.rateLimit {
            let rejected = Format.rate(Double(node.window?.rejected ?? 0))
            let edit = key(.editRateLimit, keyMap)
            return Advice(
                wordings: [
                    "\(node.id) turns away \(rejected) at its rate limit of \(Format.rate(limit.rate)): \(edit) raises or removes it",
                    "\(node.id) turns away \(rejected): \(edit) raises or removes its rate limit",
                ], tone: .warm)
        }
        if let node = snapshot.nodes.filter({ !$0.isDown }).max(by: byLoad), node.peakLoad >= NodeSnapshot.warmUtilization {
            let load = "\(node.id) at \(Format.percent(node.servingUtilization))"
            let what = node.showsSpread ? describe(node, in: snapshot) : load
            let brief = node.showsSpread ? describeBriefly(node, in: snapshot) : load
            let remedies = wordings(remedy(for: node, in: snapshot, keyMap: keyMap))
            let shortest = "next bottleneck \(brief): \(remedies.last!)"
            return Advice(wordings: remedies.map { "\(what), the next bottleneck: \($0)" } + [shortest], tone: .warm)
        }
        let errors = snapshot.system?.errorRate ?? 0
        if errors > 0.01 {
            return Advice(text: "\(Format.percent(errors)) of requests fail: look for down servers in the event log", tone: .warm)
        }
        let double = key(.doubleUsers, keyMap)
        return Advice(
            wordings: [
                "all healthy at \(Format.count(snapshot.users)) users: \(double) doubles them to find the next limit",
                "all healthy: \(double) doubles the users",
            ], tone: .healthy)
    }

    /// "db 97% busy on reads", "queue-us backlog 3.4k", or the hot member behind a mean:
    /// "app-3 112% offered (app avg 19%)".
    static func describe(_ node: NodeSnapshot, in snapshot: SimulationSnapshot) -> String {
        let utilization = Format.percent(node.servingUtilization)
        if node.showsSpread, let hottest = node.hottestMember {
            let load = Format.percent(hottest.load) + (hottest.isOverloaded ? " offered" : "")
            return "\(node.memberName(hottest)) \(load) (\(node.id) avg \(utilization))"
        }
        // Flagged for what it dropped, not for how busy it is now: "db 7% busy" would read
        // as no bottleneck at all.
        let drops = recentDrops(node)
        if node.bottleneck, node.peakLoad < Engine.bottleneckUtilization, drops > 0 {
            return "\(node.id) dropped \(Format.count(drops)) in \(Engine.bottleneckWindows) s, \(utilization) busy now"
        }
        switch node.kind {
        case .queue: return "\(node.id) backlog \(Format.count(node.window?.queueLength ?? 0))"
        case .db:
            let readShare = snapshot.workload.mix[.read] ?? 0
            return "\(node.id) \(utilization) busy on \(readShare >= 0.5 && !hasReplicas(node, snapshot) ? "reads" : "writes")"
        default: return "\(node.id) \(utilization) busy"
        }
    }

    /// `describe` without the pool's mean beside its hottest member: "app-3 112% offered".
    static func describeBriefly(_ node: NodeSnapshot, in snapshot: SimulationSnapshot) -> String {
        guard node.showsSpread, let hottest = node.hottestMember else { return describe(node, in: snapshot) }
        return "\(node.memberName(hottest)) \(Format.percent(hottest.load))" + (hottest.isOverloaded ? " offered" : "")
    }

    /// Requests `node` dropped over the seconds that flag a bottleneck (the last ten).
    static func recentDrops(_ node: NodeSnapshot) -> Int {
        node.history.suffix(Engine.bottleneckWindows).reduce(0) { $0 + $1.dropped }
    }

    /// The keys that would relieve `node`, each with what it adds to the cost per month
    /// where that is known: "r adds a read replica (+$292/month), c adds a cache (+$110/month)";
    /// the first key is the one a short wording keeps.
    static func remedy(for node: NodeSnapshot, in snapshot: SimulationSnapshot, keyMap: KeyMap) -> [Clause] {
        func offer(_ action: KeyAction, _ phrase: String, first: Bool = false) -> Clause {
            let cost = addedCost(of: action, for: node, in: snapshot).map { " (+\(Format.perMonth($0)))" } ?? ""
            return Clause(text: "\(key(action, keyMap)) \(phrase)", cost: cost, essential: first)
        }
        switch node.kind {
        case .app:
            // A database still inside the app's servers is the first thing to move out.
            if !CommandTargets.sendsData(node) && (snapshot.workload.mix[.read] ?? 0) + (snapshot.workload.mix[.write] ?? 0) > 0 {
                return [offer(.addDatabase, "moves its database out", first: true), offer(.addAppServer, "adds an app server")]
            }
            let balanced = snapshot.nodes.contains { $0.kind == .lb && $0.spec.routes.contains { $0.to == node.id } }
            if !balanced && node.showsSpread {
                return [
                    offer(.addLoadBalancer, "puts a load balancer in front", first: true),
                    Clause(text: "DNS skews the load", separator: ": "),
                ]
            }
            if !balanced {
                return [
                    offer(.addAppServer, "adds an app server", first: true),
                    offer(.addLoadBalancer, "puts a load balancer in front"),
                ]
            }
            if let autoscale = node.spec.autoscale { return autoscalerRemedy(node, autoscale, keyMap: keyMap) }
            return [
                offer(.addAppServer, "adds an app server", first: true),
                Clause(text: "\(key(.toggleAutoscale, keyMap)) turns on the autoscaler"),
            ]
        case .db where node.spec.shards > 1 && node.showsSpread:
            return [
                offer(.addCache, "adds a cache", first: true),
                Clause(text: "hot keys pile on one shard, resharding won't help", separator: ": "),
            ]
        case .db:
            let readShare = snapshot.workload.mix[.read] ?? 0
            let cached = snapshot.nodes.contains { $0.kind == .cache && $0.spec.routes.contains { $0.to == node.id } }
            if readShare >= 0.5 && !(hasReplicas(node, snapshot) && cached) && node.spec.shards <= 1 {
                return [offer(.addReplica, "adds a read replica", first: true), offer(.addCache, "adds a cache")]
            }
            return [offer(.addShard, "adds a shard", first: true), offer(.scaleUp, "scales it up")]
        case .replica: return [offer(.addReplica, "adds a read replica", first: true), offer(.addCache, "adds a cache")]
        case .cache, .cdn:
            return [
                offer(.addWorkers, "adds a server", first: true),
                Clause(text: "or `:set capacity \(node.id) N` holds more keys"),
            ]
        case .queue: return [offer(.addWorkers, "on the queue adds a consumer worker", first: true)]
        case .lb, .sessionStore, .station:
            return [offer(.addWorkers, "adds a server", first: true), offer(.scaleUp, "scales it up")]
        }
    }

    /// What helps a pool whose autoscaler is on (where `o` would turn it off): waiting for
    /// warming servers, a higher maximum, or a lower target, with the command that sets it.
    static func autoscalerRemedy(_ node: NodeSnapshot, _ policy: AutoscaleSpec, keyMap: KeyMap) -> [Clause] {
        if node.warmingServers > 0 {
            return [
                Clause(text: "the autoscaler's \(node.warmingServers) new servers are still warming up"),
                Clause(text: "\(key(.addAppServer, keyMap)) adds one at once", separator: "; ", essential: true),
            ]
        }
        if node.servers >= policy.max {
            var raised = policy
            raised.max = min(Engine.maxServers, policy.max * 2)
            let command = "`:\(CommandGrammar.encode(.setAutoscale(node: node.id, policy: raised)))`"
            return [
                Clause(text: "the autoscaler is at its maximum (\(policy.max))"),
                Clause(text: "\(command) raises it", separator: ": ", essential: true, alone: "\(command) raises the maximum"),
            ]
        }
        var lowered = policy
        lowered.target = max(0.1, ((policy.target - 0.15) * 20).rounded() / 20)
        let command = "`:\(CommandGrammar.encode(.setAutoscale(node: node.id, policy: lowered)))`"
        return [
            Clause(text: "the autoscaler keeps it near \(Format.percent(policy.target))"),
            Clause(text: "\(command) lowers its target", separator: ": ", essential: true),
        ]
    }

    /// A part of a remedy: a key and what it does, with what it adds to the cost, or what
    /// explains the remedy.
    struct Clause {
        var text: String
        var cost = ""
        /// What joins it to the part before it.
        var separator = ", "
        /// Kept in the shortest wording: the key to press and what it does.
        var essential = false
        /// Its wording in the shortest wording, when it needs the parts left out to read.
        var alone: String? = nil
    }

    /// A remedy's wordings, longest first: every part with its cost, every part without
    /// costs, then only the essential parts.
    static func wordings(_ clauses: [Clause]) -> [String] {
        func joined(_ parts: [Clause], costs: Bool, alone: Bool) -> String {
            parts.enumerated().map { i, part in
                (i == 0 ? "" : part.separator) + (alone ? part.alone ?? part.text : part.text) + (costs ? part.cost : "")
            }.joined()
        }
        let essential = clauses.filter(\.essential)
        let all = [
            joined(clauses, costs: true, alone: false), joined(clauses, costs: false, alone: false),
            joined(essential.isEmpty ? clauses : essential, costs: false, alone: true),
        ]
        return all.reduce(into: []) { kept, wording in if !kept.contains(wording) { kept.append(wording) } }
    }

    static func hasReplicas(_ node: NodeSnapshot, _ snapshot: SimulationSnapshot) -> Bool {
        snapshot.nodes.contains { $0.spec.replicaOf == node.id }
    }

    static func key(_ action: KeyAction, _ keyMap: KeyMap) -> String {
        keyMap.binding(for: action)?.primaryLabel ?? "?"
    }
}

extension Advisor.Advice {
    /// Advice worded several ways, longest first: the first in full, the others shorter.
    init(wordings: [String], tone: Tone) {
        let distinct = wordings.reduce(into: [String]()) { kept, wording in if !kept.contains(wording) { kept.append(wording) } }
        self.init(text: distinct[0], tone: tone, shorter: Array(distinct.dropFirst()))
    }
}
