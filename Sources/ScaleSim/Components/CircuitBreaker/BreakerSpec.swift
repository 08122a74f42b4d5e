/// A circuit breaker on a link: the calls one node makes to another (docs/presets.md,
/// Circuit breakers).
///
/// Closed, it lets every call through and remembers the outcomes of the last `window`;
/// once it holds at least `minRequests` of them and the share that failed reaches
/// `threshold`, it opens. Open, it fails every call at once for `openFor` without sending
/// it; then it goes half-open and lets `probes` calls through: all of them succeeding
/// closes it, any one failing opens it again.
public struct BreakerSpec: Sendable, Hashable, Codable {
    /// The share of failed calls in the window at which the breaker opens: above 0, at most 1.
    public var threshold: Double
    /// How many of the latest calls the failure rate is taken over.
    public var window: Int
    /// The fewest calls the window must hold before the breaker may open.
    public var minRequests: Int
    /// How long the breaker stays open before it lets probes through.
    public var openFor: SimTime
    /// Calls let through half-open; all must succeed for the breaker to close.
    public var probes: Int

    /// The longest window: the breaker keeps one flag per call of it.
    public static let maxWindow = 10_000
    /// The most probes a half-open breaker lets through.
    public static let maxProbes = 1_000

    /// The breaker `B` puts on a link, and the one `breaker FROM TO on` adds without settings.
    public static let standard = BreakerSpec()

    public init(
        threshold: Double = 0.5, window: Int = 20, minRequests: Int = 10, openFor: SimTime = 5 * Nanos.perSecond,
        probes: Int = 3
    ) {
        self.threshold = threshold
        self.window = window
        self.minRequests = minRequests
        self.openFor = openFor
        self.probes = probes
    }

    /// Whether `value` is an allowed threshold.
    public static func allows(threshold value: Double) -> Bool { value.isFinite && value > 0 && value <= 1 }
    /// Whether `value` is an allowed window.
    public static func allows(window value: Int) -> Bool { (1...maxWindow).contains(value) }
    /// Whether `value` is an allowed minimum for a window of `window` calls.
    public static func allows(minRequests value: Int, window: Int) -> Bool { (1...max(1, window)).contains(value) }
    /// Whether `value` is an allowed open time.
    public static func allows(openFor value: SimTime) -> Bool { value > 0 && value <= Nanos.longest }
    /// Whether `value` is an allowed number of probes.
    public static func allows(probes value: Int) -> Bool { (1...maxProbes).contains(value) }

    /// The field that is not allowed and what it must be, or nil when every field is.
    public var problem: (field: String, expected: String)? {
        if !Self.allows(threshold: threshold) { return ("threshold", Self.thresholdExpected) }
        if !Self.allows(window: window) { return ("window", Self.windowExpected) }
        if !Self.allows(minRequests: minRequests, window: window) { return ("min_requests", Self.minRequestsExpected) }
        if !Self.allows(openFor: openFor) { return ("open_for", Self.openForExpected) }
        if !Self.allows(probes: probes) { return ("probes", Self.probesExpected) }
        return nil
    }

    public static let thresholdExpected = "a failure rate above 0 and at most 1, such as 0.5"
    public static let windowExpected = "a window of 1 to \(maxWindow) requests"
    public static let minRequestsExpected = "a minimum of 1 to the window's number of requests"
    public static let openForExpected = "a duration longer than zero, such as 5s"
    public static let probesExpected = "1 to \(maxProbes) probes"
}

extension RouteSpec {
    /// The breaker guarding the link from `node` to `target`: the first one on a route of
    /// `node` to `target`. One breaker guards all of a node's routes to one target.
    public static func breaker(of routes: [RouteSpec], to target: String) -> BreakerSpec? {
        routes.first { $0.to == target && $0.breaker != nil }?.breaker
    }
}
