import Foundation
import ScaleSim

extension NodeSnapshot {
    /// Utilization from which a node shows warm and the advisor names it the next bottleneck.
    public static let warmUtilization = 0.7

    /// How far the hottest member's load must pass the pool's mean for the box to show both.
    public static let spreadThreshold = 0.1

    /// The node's health as a colour slot: down, bottleneck (the engine's flag, defined in
    /// docs/reports.md under `nodes[].bottleneck`, or a member loaded past
    /// `Engine.bottleneckUtilization`), warm (the pool or its hottest member at or above
    /// `warmUtilization`) or healthy.
    public var healthTone: Tone {
        if isDown { return .down }
        if bottleneck || peakLoad >= Engine.bottleneckUtilization { return .bottleneck }
        if peakLoad >= Self.warmUtilization { return .warm }
        return .healthy
    }

    /// Utilization over the servers taking traffic: servers warming up or down do not
    /// dilute it. The engine's own figure when every server takes traffic.
    public var servingUtilization: Double {
        let serving = members.filter(\.takesTraffic)
        guard !serving.isEmpty, serving.count < members.count else { return window?.utilization ?? 0 }
        return serving.reduce(0) { $0 + $1.utilization } / Double(serving.count)
    }

    /// The most loaded member taking traffic, for a pool of more than one.
    public var hottestMember: MemberSnapshot? {
        guard members.count > 1 else { return nil }
        return members.filter(\.takesTraffic).max { $0.load < $1.load }
    }

    /// The load of the pool's hottest member, or its utilization when it has one server.
    public var peakLoad: Double { max(servingUtilization, hottestMember?.load ?? 0) }

    /// The hottest member stands out from the mean, so the box shows both: it is at least
    /// `spreadThreshold` above it, and twice the mean or in a hotter band (warm, bottleneck,
    /// offered past 100%) than the mean. One-second noise between even servers does not count.
    public var showsSpread: Bool {
        guard let hottest = hottestMember else { return false }
        // Like with like: each member's load (offered past 100%), so a pool overloaded
        // evenly shows no spread however far its offered load passes its utilization.
        let serving = members.filter(\.takesTraffic)
        let mean = serving.reduce(0) { $0 + $1.load } / Double(serving.count)
        func band(_ load: Double) -> Int {
            load > 1 ? 3 : load >= Engine.bottleneckUtilization ? 2 : load >= Self.warmUtilization ? 1 : 0
        }
        return hottest.load - mean >= Self.spreadThreshold && (hottest.load >= 2 * mean || band(hottest.load) > band(mean))
    }

    /// A member's name: `app-3` (the position `kill app 3` takes).
    public func memberName(_ member: MemberSnapshot) -> String { "\(id)-\(member.position)" }

    /// The word for the members: shards of a sharded database, else servers.
    public var memberNoun: String { kind == .db && spec.shards > 1 ? "shard" : "server" }

    /// The spread as short texts, longest first: `avg 19% max 112% offered`, `avg 19% max
    /// 112%`, `max 112%`; the mean alone when the members are even.
    public var loadTexts: [String] {
        let mean = Format.percent(servingUtilization)
        guard showsSpread, let hottest = hottestMember else { return [mean] }
        let peak = Format.percent(hottest.load)
        let offered = " offered"
        // Past 100% the figure is offered load: never shown without its label but as a last resort.
        return hottest.isOverloaded
            ? ["avg \(mean) max \(peak)\(offered)", "max \(peak)\(offered)", "max \(peak)"]
            : ["avg \(mean) max \(peak)", "max \(peak)"]
    }

    /// Sticky-session users logged out so far, for the box: `sess lost 1.9k`.
    public var sessionsFigure: String? {
        sessionsLost > 0 ? "sess lost \(Format.count(sessionsLost))" : nil
    }

    /// The rate limiter in front of the node, for its box: `limit 5.0k/s`, `limit 2.5/s`;
    /// nil without one.
    public var rateLimitFigure: String? {
        // Below 10/s a whole number would hide the fraction a slow limit often has.
        spec.rateLimit.map { "limit " + ($0.rate < 9.95 ? String(format: "%.2g/s", $0.rate) : Format.rate($0.rate)) }
    }

    /// The rate limiter's settings in full, for the inspector: `5000/s burst 5000`.
    public var rateLimitSettings: String? {
        spec.rateLimit.map { "\(Format.plain($0.rate))/s burst \(Format.plain($0.burst))" }
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
    /// a depth or a p99, labelled (`hit 72%`).
    public var keyFigure: String? {
        keyFigureParts.map { "\($0.label) \($0.value)" }
    }

    /// The key figure's label and value apart, for places that label it themselves.
    public var keyFigureParts: (label: String, value: String)? {
        guard let w = window, let label = keyFigureLabel else { return nil }
        let value: String? =
            switch kind {
            case .cache, .cdn: w.hitRatio.map { Format.percent($0) }
            case .replica: w.replicationLag.map { Format.duration(SimTime($0)) }
            case .queue: Format.count(w.queueLength)
            default: w.p99.map { Format.duration($0) }
            }
        return value.map { (label, $0) }
    }

    /// Requests per second arriving in the last window.
    public var arrivalRate: Double { Double(window?.arrivals ?? 0) }
}
