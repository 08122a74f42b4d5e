import ScaleSim

extension NodeSnapshot {
    /// Utilization from which a node shows warm and the advisor names it the next bottleneck.
    public static let warmUtilization = 0.7

    /// The node's health as a colour slot: down, bottleneck (DESIGN.md's definition, from
    /// the engine), warm (utilization at or above `warmUtilization`) or healthy.
    public var healthTone: Tone {
        if isDown { return .down }
        if bottleneck { return .bottleneck }
        if (window?.utilization ?? 0) >= Self.warmUtilization { return .warm }
        return .healthy
    }

    /// A short word for the kind, shown in boxes.
    public var kindTag: String {
        switch kind {
        case .lb: "lb"
        case .app: "app"
        case .db: spec.shards > 1 ? "db/\(spec.shards)" : "db"
        case .station: "svc"
        case .cache: "cache"
        case .replica: "replicas"
        case .queue: "queue"
        case .sessionStore: "sessions"
        case .cdn: "cdn"
        }
    }

    /// The figure that matters most for this kind, after throughput: a hit ratio, a lag,
    /// a depth or a p99.
    public var keyFigure: String? {
        guard let w = window else { return nil }
        switch kind {
        case .cache, .cdn: return w.hitRatio.map { "hit " + Format.percent($0) }
        case .replica: return w.replicationLag.map { "lag " + Format.duration(SimTime($0)) }
        case .queue: return "depth " + Format.count(w.queueLength)
        case .lb: return nil
        default: return w.p99.map { "p99 " + Format.duration($0) }
        }
    }

    /// Requests per second arriving in the last window.
    public var arrivalRate: Double { Double(window?.arrivals ?? 0) }
}
