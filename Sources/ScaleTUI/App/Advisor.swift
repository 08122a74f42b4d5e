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
        let byUtilization = { (a: NodeSnapshot, b: NodeSnapshot) in (a.window?.utilization ?? 0) < (b.window?.utilization ?? 0) }
        if let node = snapshot.nodes.filter(\.bottleneck).max(by: byUtilization) {
            return Advice(text: "\(describe(node, in: snapshot)): \(remedy(for: node, in: snapshot, keyMap: keyMap))", tone: .bottleneck)
        }
        if let dc = snapshot.datacenters.first(where: \.down) {
            return Advice(text: "data center \(dc.name) is down: geo-DNS moves its users; \(key(.toggleDataCenter, keyMap)) on one of its nodes restores it", tone: .down)
        }
        if let down = snapshot.nodes.first(where: \.isDown) {
            return Advice(text: "\(down.id) is down: \(key(.toggleKill, keyMap)) on it restores it", tone: .down)
        }
        if let node = snapshot.nodes.filter({ !$0.isDown }).max(by: byUtilization), let utilization = node.window?.utilization,
           utilization >= NodeSnapshot.warmUtilization {
            return Advice(text: "\(node.id) at \(Format.percent(utilization)), the next bottleneck: \(remedy(for: node, in: snapshot, keyMap: keyMap))", tone: .warm)
        }
        let errors = snapshot.system?.errorRate ?? 0
        if errors > 0.01 {
            return Advice(text: "\(Format.percent(errors)) of requests fail: look for down servers in the event log", tone: .warm)
        }
        return Advice(text: "all healthy at \(Format.count(snapshot.users)) users: \(key(.doubleUsers, keyMap)) doubles them to find the next limit", tone: .healthy)
    }

    /// "db 97% busy on reads", "queue-us backlog 3.4k".
    static func describe(_ node: NodeSnapshot, in snapshot: SimulationSnapshot) -> String {
        let utilization = Format.percent(node.window?.utilization ?? 0)
        switch node.kind {
        case .queue: return "\(node.id) backlog \(Format.count(node.window?.queueLength ?? 0))"
        case .db:
            let readShare = snapshot.workload.mix[.read] ?? 0
            return "\(node.id) \(utilization) busy on \(readShare >= 0.5 && !hasReplicas(node, snapshot) ? "reads" : "writes")"
        default: return "\(node.id) \(utilization) busy"
        }
    }

    static func remedy(for node: NodeSnapshot, in snapshot: SimulationSnapshot, keyMap: KeyMap) -> String {
        switch node.kind {
        case .app:
            if !snapshot.nodes.contains(where: { $0.kind == .lb }) {
                return "\(key(.addAppServer, keyMap)) adds an app server, \(key(.addLoadBalancer, keyMap)) puts a load balancer in front"
            }
            return "\(key(.addAppServer, keyMap)) adds an app server, \(key(.toggleAutoscale, keyMap)) turns on the autoscaler"
        case .db:
            let readShare = snapshot.workload.mix[.read] ?? 0
            let cached = snapshot.nodes.contains { $0.kind == .cache && $0.spec.routes.contains { $0.to == node.id } }
            if readShare >= 0.5 && !(hasReplicas(node, snapshot) && cached) {
                return "\(key(.addReplica, keyMap)) adds a read replica, \(key(.addCache, keyMap)) adds a cache"
            }
            return "\(key(.addShard, keyMap)) adds a shard, \(key(.scaleUp, keyMap)) scales it up"
        case .replica: return "\(key(.addReplica, keyMap)) adds a read replica, \(key(.addCache, keyMap)) adds a cache"
        case .cache, .cdn: return "\(key(.addWorkers, keyMap)) adds a server, or `:set capacity \(node.id) N` holds more keys"
        case .queue: return "\(key(.addWorkers, keyMap)) on the queue adds a consumer worker"
        case .lb, .sessionStore, .station: return "\(key(.addWorkers, keyMap)) adds a server, \(key(.scaleUp, keyMap)) scales it up"
        }
    }

    static func hasReplicas(_ node: NodeSnapshot, _ snapshot: SimulationSnapshot) -> Bool {
        snapshot.nodes.contains { $0.spec.replicaOf == node.id }
    }

    static func key(_ action: KeyAction, _ keyMap: KeyMap) -> String {
        keyMap.binding(for: action)?.primaryLabel ?? "?"
    }
}
