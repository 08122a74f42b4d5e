import Foundation

/// What the users do: how many, how often, which kinds of request, which keys, and how the
/// load changes over time.
///
/// Arrivals are an open Poisson stream at rate `users × ratePerUser × shape factor(t)`.
public struct WorkloadSpec: Sendable, Hashable, Codable {
    /// Concurrent users, 1 to 100,000,000.
    public var users: Int
    /// Requests per user per second.
    public var ratePerUser: Double
    /// Weight of each request class; weights are normalised, so they need not sum to one.
    public var mix: [RequestClass: Double]
    /// Key popularity for reads and writes.
    public var keys: KeySpace
    public var shape: TrafficShape
    /// The id of the node that receives every new request.
    public var entry: String
    /// Stop generating after this many requests (benchmarks); `nil` means never.
    public var requestLimit: Int?
    /// How clients resolve a multi-server entry pool that has no load balancer.
    public var dns: DNSSpec
    /// Whether and how clients retry failed requests.
    public var retries: RetrySpec
    /// Where users are, with their shares; empty means one region.
    public var regions: [RegionShare]
    /// Popularity of static assets (what `static` requests ask for).
    public var staticAssets: KeySpace
    /// The size of each class's response in kilobytes (1 KB = 1,000 bytes): what CDN egress
    /// and cross-data-center transfer are billed by (docs/cost.md).
    public var responseKB: [RequestClass: Double]
    /// How long a user waits for an attempt before giving up on it (counting it timed out,
    /// or retrying it as a new attempt while the servers may go on with the old one); nil
    /// means users wait for every answer (docs/presets.md, Client deadlines).
    public var clientTimeout: SimTime?

    /// Response sizes when a preset names none: a static asset 200 KB, a read 4 KB, a
    /// write 2 KB, a job 1 KB.
    public static let defaultResponseKB: [RequestClass: Double] = [.static: 200, .read: 4, .write: 2, .job: 1]
    public static let maxUsers = 100_000_000
    /// The highest arrival rate the engine accepts, in requests per second: ten times the
    /// largest stage, and far beyond real time on one core.
    public static let maxRate = 50_000_000.0

    public init(
        users: Int, ratePerUser: Double, mix: [RequestClass: Double] = [.read: 1],
        keys: KeySpace = KeySpace(), shape: TrafficShape = .steady, entry: String,
        requestLimit: Int? = nil, dns: DNSSpec = DNSSpec(), retries: RetrySpec = RetrySpec(),
        regions: [RegionShare] = [], staticAssets: KeySpace = KeySpace(count: 100_000, zipf: 0.9),
        responseKB: [RequestClass: Double] = WorkloadSpec.defaultResponseKB
    ) {
        self.responseKB = responseKB
        self.regions = regions
        self.staticAssets = staticAssets
        self.dns = dns
        self.retries = retries
        self.users = users
        self.ratePerUser = ratePerUser
        self.mix = mix
        self.keys = keys
        self.shape = shape
        self.entry = entry
        self.requestLimit = requestLimit
    }

    /// Mean arrival rate with the shape at factor one, in requests per second.
    public var baseRate: Double { Double(users) * ratePerUser }
}

/// A user region and its share of the users.
public struct RegionShare: Sendable, Hashable, Codable {
    public var name: String
    public var share: Double

    public init(name: String, share: Double) {
        self.name = name
        self.share = share
    }
}

/// DNS round-robin as clients see it: users sit behind `resolvers` caching resolvers, each
/// of which keeps the answer (one server) it got for `ttl`.
public struct DNSSpec: Sendable, Hashable, Codable {
    public var ttl: SimTime
    public var resolvers: Int

    public init(ttl: SimTime = 60 * Nanos.perSecond, resolvers: Int = 32) {
        self.ttl = ttl
        self.resolvers = resolvers
    }
}

/// Client retries: up to `limit` more attempts after a failure, drop or timeout, the n-th
/// after `backoff × 2^(n-1)`, jittered as `jitter` says (±50% unless set). A limit of 0
/// turns retries off.
public struct RetrySpec: Sendable, Hashable, Codable {
    public var limit: Int
    public var backoff: SimTime
    /// At most this fraction of first attempts may be retried (0 to 1); beyond it a failure
    /// is final. Nil means no budget (docs/presets.md, Retries).
    public var budget: Double?
    /// How the backoff is spread.
    public var jitter: RetryJitter

    public static let maxLimit = 10

    public init(
        limit: Int = 0, backoff: SimTime = 100 * Nanos.perMillisecond, budget: Double? = nil, jitter: RetryJitter = .half
    ) {
        self.limit = limit
        self.backoff = backoff
        self.budget = budget
        self.jitter = jitter
    }
}

/// How a retry's backoff is spread around `backoff × 2^(n-1)` (its cap for `full`).
public enum RetryJitter: String, Sendable, Hashable, Codable, CaseIterable {
    /// Exactly the exponential backoff: every client that failed together retries together.
    case none
    /// Uniform between zero and the exponential backoff.
    case full
    /// Uniform between `backoff` and three times the previous wait, capped at the
    /// exponential backoff of the attempt.
    case decorrelated
    /// The exponential backoff times a uniform factor from 0.5 to 1.5 (the default).
    case half
}

/// Zipf key popularity: key k (1-based) is requested with probability proportional to 1/k^s.
public struct KeySpace: Sendable, Hashable, Codable {
    public var count: Int
    /// The Zipf exponent s; zero means uniform.
    public var zipf: Double
    /// A key trace file: requests take their keys from it in order, over and over, instead
    /// of from the Zipf law (its path as the preset gives it, relative to the preset).
    public var trace: String?

    public static let maxCount = 1_000_000_000

    public init(count: Int = 100_000, zipf: Double = 0.9) {
        self.count = count
        self.zipf = zipf
    }
}

/// How the arrival rate moves over simulated time, as a factor on the base rate.
public enum TrafficShape: Sendable, Hashable, Codable {
    /// Factor one throughout.
    case steady
    /// From `from` rising (or falling) linearly to one over `over`, then one.
    case ramp(from: Double, over: SimTime)
    /// `factor` during [`at`, `at + duration`), one otherwise.
    case spike(at: SimTime, duration: SimTime, factor: Double)
    /// A day-like cosine wave between `trough` and one, starting at the trough.
    case diurnal(period: SimTime, trough: Double)

    /// The factor at time `t`.
    public func factor(at t: SimTime) -> Double {
        switch self {
        case .steady:
            return 1
        case .ramp(let from, let over):
            guard over > 0, t < over else { return 1 }
            return from + (1 - from) * Double(t) / Double(over)
        case .spike(let at, let duration, let factor):
            return t >= at && t - at < duration ? factor : 1
        case .diurnal(let period, let trough):
            guard period > 0 else { return 1 }
            let phase = Double(t % period) / Double(period)
            let wave = (1 - Foundation.cos(2 * Double.pi * phase)) / 2
            return trough + (1 - trough) * wave
        }
    }

    /// The largest factor the shape ever reaches, for thinning.
    public var maxFactor: Double {
        switch self {
        case .steady, .diurnal: 1
        case .ramp(let from, _): max(from, 1)
        case .spike(_, _, let factor): max(factor, 1)
        }
    }
}
