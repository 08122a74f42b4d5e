/// A token bucket in front of a node: admission control for whatever receives the traffic.
///
/// Tokens refill at `rate` per second up to `burst`; each arriving request takes one, and a
/// request that finds none is rejected at once (docs/presets.md, Rate limits).
public struct RateLimitSpec: Sendable, Hashable, Codable {
    /// Tokens added per second.
    public var rate: Double
    /// The most tokens the bucket holds, and what it holds at the start.
    public var burst: Double

    /// The highest rate and burst accepted: the engine's own request-rate limit.
    public static let maxRate = 50_000_000.0
    public static let maxBurst = 50_000_000.0

    /// A bucket of `rate` per second; `burst` defaults to one second's worth, at least one.
    public init(rate: Double, burst: Double? = nil) {
        self.rate = rate
        self.burst = burst ?? max(1, rate)
    }

    /// Why a rate or burst is not allowed, or nil when both are.
    public static func refusal(rate: Double, burst: Double?) -> String? {
        guard rate.isFinite, rate > 0, rate <= maxRate else {
            return "the rate must be above 0 and at most \(Int(maxRate)) per second, got \(rate)"
        }
        if let burst {
            guard burst.isFinite, burst >= 1, burst <= maxBurst else {
                return "the burst must be 1 to \(Int(maxBurst)) requests, got \(burst)"
            }
        }
        return nil
    }
}
