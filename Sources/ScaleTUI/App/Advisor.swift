import ScaleFiles
import ScaleSim

/// Names the current bottleneck and the step that would relieve it, with its key.
public enum Advisor {
    public struct Advice: Sendable, Equatable {
        public var text: String
        public var tone: Tone
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
            return Advice(
                text: "\(describe(node, in: snapshot)): \(remedy(for: node, in: snapshot, keyMap: keyMap))", tone: .bottleneck)
        }
        if let advice = openBreakerAdvice(snapshot, keyMap: keyMap) { return advice }
        if let dc = snapshot.datacenters.first(where: \.down) {
            return Advice(
                text:
                    "data center \(dc.name) is down: geo-DNS moves its users; \(key(.toggleDataCenter, keyMap)) on one of its nodes restores it",
                tone: .down)
        }
        if let partition = partitionAdvice(for: snapshot, keyMap: keyMap) { return partition }
        if let down = snapshot.nodes.first(where: \.isDown) {
            return Advice(text: "\(down.id) is down: \(key(.toggleKill, keyMap)) on it restores it", tone: .down)
        }
        // Requests turned away on purpose: the limit, not the capacity, is what users feel.
        if let node = snapshot.nodes.filter({ ($0.window?.rejected ?? 0) > 0 }).max(by: {
            ($0.window?.rejected ?? 0) < ($1.window?.rejected ?? 0)
        }), let limit = node.spec.rateLimit {
            let rejected = Double(node.window?.rejected ?? 0)
            return Advice(
                text:
                    "\(node.id) turns away \(Format.rate(rejected)) at its rate limit of \(Format.rate(limit.rate)): "
                    + "\(key(.editRateLimit, keyMap)) raises or removes it",
                tone: .warm)
        }
        if let node = snapshot.nodes.filter({ !$0.isDown }).max(by: byLoad), node.peakLoad >= NodeSnapshot.warmUtilization {
            let what =
                node.showsSpread ? describe(node, in: snapshot) : "\(node.id) at \(Format.percent(node.servingUtilization))"
            return Advice(text: "\(what), the next bottleneck: \(remedy(for: node, in: snapshot, keyMap: keyMap))", tone: .warm)
        }
        let errors = snapshot.system?.errorRate ?? 0
        if errors > 0.01 {
            return Advice(text: "\(Format.percent(errors)) of requests fail: look for down servers in the event log", tone: .warm)
        }
        return Advice(
            text:
                "all healthy at \(Format.count(snapshot.users)) users: \(key(.doubleUsers, keyMap)) doubles them to find the next limit",
            tone: .healthy)
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

    /// Requests `node` dropped over the seconds that flag a bottleneck (the last ten).
    static func recentDrops(_ node: NodeSnapshot) -> Int {
        node.history.suffix(Engine.bottleneckWindows).reduce(0) { $0 + $1.dropped }
    }

    /// The keys that would relieve `node`, each with what it adds to the cost per month
    /// where that is known: "r adds a read replica (+$292/month), c adds a cache (+$110/month)".
    static func remedy(for node: NodeSnapshot, in snapshot: SimulationSnapshot, keyMap: KeyMap) -> String {
        func offer(_ action: KeyAction, _ phrase: String) -> String {
            let cost = addedCost(of: action, for: node, in: snapshot).map { " (+\(Format.perMonth($0)))" } ?? ""
            return "\(key(action, keyMap)) \(phrase)\(cost)"
        }
        switch node.kind {
        case .app:
            // A database still inside the app's servers is the first thing to move out.
            if !CommandTargets.sendsData(node) && (snapshot.workload.mix[.read] ?? 0) + (snapshot.workload.mix[.write] ?? 0) > 0 {
                return "\(offer(.addDatabase, "moves its database out")), \(offer(.addAppServer, "adds an app server"))"
            }
            let balanced = snapshot.nodes.contains { $0.kind == .lb && $0.spec.routes.contains { $0.to == node.id } }
            if !balanced && node.showsSpread {
                return
                    "\(offer(.addLoadBalancer, "puts a load balancer in front")): DNS skews the load"
            }
            if !balanced {
                return
                    "\(offer(.addAppServer, "adds an app server")), \(offer(.addLoadBalancer, "puts a load balancer in front"))"
            }
            if let autoscale = node.spec.autoscale { return autoscalerRemedy(node, autoscale, keyMap: keyMap) }
            return "\(offer(.addAppServer, "adds an app server")), \(key(.toggleAutoscale, keyMap)) turns on the autoscaler"
        case .db where node.spec.shards > 1 && node.showsSpread:
            return "\(offer(.addCache, "adds a cache")): hot keys pile on one shard, resharding won't help"
        case .db:
            let readShare = snapshot.workload.mix[.read] ?? 0
            let cached = snapshot.nodes.contains { $0.kind == .cache && $0.spec.routes.contains { $0.to == node.id } }
            if readShare >= 0.5 && !(hasReplicas(node, snapshot) && cached) && node.spec.shards <= 1 {
                return "\(offer(.addReplica, "adds a read replica")), \(offer(.addCache, "adds a cache"))"
            }
            return "\(offer(.addShard, "adds a shard")), \(offer(.scaleUp, "scales it up"))"
        case .replica: return "\(offer(.addReplica, "adds a read replica")), \(offer(.addCache, "adds a cache"))"
        case .cache, .cdn: return "\(offer(.addWorkers, "adds a server")), or `:set capacity \(node.id) N` holds more keys"
        case .queue: return "\(offer(.addWorkers, "on the queue adds a consumer worker"))"
        case .lb, .sessionStore, .station:
            return "\(offer(.addWorkers, "adds a server")), \(offer(.scaleUp, "scales it up"))"
        }
    }

    /// What helps a pool whose autoscaler is on (where `o` would turn it off): waiting for
    /// warming servers, a higher maximum, or a lower target, with the command that sets it.
    static func autoscalerRemedy(_ node: NodeSnapshot, _ policy: AutoscaleSpec, keyMap: KeyMap) -> String {
        if node.warmingServers > 0 {
            return
                "the autoscaler's \(node.warmingServers) new servers are still warming up; \(key(.addAppServer, keyMap)) adds one at once"
        }
        if node.servers >= policy.max {
            var raised = policy
            raised.max = min(Engine.maxServers, policy.max * 2)
            return
                "the autoscaler is at its maximum (\(policy.max)): `:\(CommandGrammar.encode(.setAutoscale(node: node.id, policy: raised)))` raises it"
        }
        var lowered = policy
        lowered.target = max(0.1, ((policy.target - 0.15) * 20).rounded() / 20)
        return
            "the autoscaler keeps it near \(Format.percent(policy.target)): `:\(CommandGrammar.encode(.setAutoscale(node: node.id, policy: lowered)))` lowers its target"
    }

    static func hasReplicas(_ node: NodeSnapshot, _ snapshot: SimulationSnapshot) -> Bool {
        snapshot.nodes.contains { $0.spec.replicaOf == node.id }
    }

    static func key(_ action: KeyAction, _ keyMap: KeyMap) -> String {
        keyMap.binding(for: action)?.primaryLabel ?? "?"
    }
}
