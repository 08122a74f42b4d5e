import Foundation

/// Draws service times for one node, with every parameter derived once from its `ServiceTime`.
public struct ServiceSampler: Sendable {
    enum Form: Sendable {
        case none
        case exponential(meanNs: Double)
        case deterministic(SimTime)
        /// exp(mu + sigma Z), with sigma² = ln(1 + cv²) and mu = ln(mean) − sigma²/2.
        case lognormal(mu: Double, sigma: Double)
        /// Gamma with shape k = 1/cv² and scale mean/k.
        case gamma(shape: Double, scale: Double)
    }

    let form: Form

    public init(_ service: ServiceTime) {
        switch service {
        case .none:
            form = .none
        case .exponential(let mean):
            form = .exponential(meanNs: Double(mean))
        case .deterministic(let mean):
            form = .deterministic(mean)
        case .lognormal(let mean, let cv):
            let sigma2 = Foundation.log(1 + cv * cv)
            form = .lognormal(mu: Foundation.log(Double(mean)) - sigma2 / 2, sigma: sigma2.squareRoot())
        case .gamma(let mean, let cv):
            let shape = 1 / (cv * cv)
            form = .gamma(shape: shape, scale: Double(mean) / shape)
        }
    }

    /// True when the node does no work and forwards at once.
    public var isPassThrough: Bool {
        if case .none = form { return true }
        return false
    }

    /// One service time, in whole nanoseconds.
    @inline(__always)
    public func sample<R: RandomBits>(_ rng: inout R) -> SimTime {
        switch form {
        case .none:
            return 0
        case .exponential(let mean):
            return Nanos.fromNanoseconds(rng.exponential(mean: mean))
        case .deterministic(let value):
            return value
        case .lognormal(let mu, let sigma):
            return Nanos.fromNanoseconds(Foundation.exp(mu + sigma * rng.standardNormal()))
        case .gamma(let shape, let scale):
            return Nanos.fromNanoseconds(Self.gamma(shape: shape, &rng) * scale)
        }
    }

    /// A Gamma(shape, 1) variate by Marsaglia and Tsang (2000); shapes below one are boosted
    /// by U^(1/shape).
    static func gamma<R: RandomBits>(shape: Double, _ rng: inout R) -> Double {
        if shape < 1 {
            let boost = Foundation.pow(rng.unitOpenBelow(), 1 / shape)
            return gamma(shape: shape + 1, &rng) * boost
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = rng.standardNormal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = rng.unitOpenBelow()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if Foundation.log(u) < 0.5 * x * x + d * (1 - v + Foundation.log(v)) { return d * v }
        }
    }
}

extension Nanos {
    /// Nearest whole nanosecond to a duration given in nanoseconds, clamped to a century.
    @inline(__always)
    static func fromNanoseconds(_ ns: Double) -> SimTime {
        let century = 3.2e18
        if !(ns < century) { return SimTime(century) }
        // Adding one half and truncating rounds a positive value, without a libm call.
        return ns > 0 ? SimTime(ns + 0.5) : 0
    }
}

/// Draws 0-based key ranks from Zipf(s) over `count` keys: rank 0 is the most popular.
///
/// Rejection-inversion (Hörmann and Derflinger, 1996): constant expected time and no table,
/// so ten million keys cost nothing in memory.
public struct ZipfSampler: Sendable {
    public let count: Int
    public let exponent: Double
    private let hIntegralX1: Double
    private let hIntegralN: Double
    private let threshold: Double

    public init(count: Int, exponent: Double) {
        precondition(count >= 1 && exponent >= 0)
        self.count = count
        self.exponent = exponent
        hIntegralX1 = Self.hIntegral(1.5, exponent) - 1
        hIntegralN = Self.hIntegral(Double(count) + 0.5, exponent)
        threshold = 2 - Self.hIntegralInverse(Self.hIntegral(2.5, exponent) - Self.h(2, exponent), exponent)
    }

    @inline(__always)
    public func sample<R: RandomBits>(_ rng: inout R) -> Int {
        if exponent == 0 { return rng.below(count) }
        while true {
            let u = hIntegralN + rng.unitOpenBelow() * (hIntegralX1 - hIntegralN)
            let x = Self.hIntegralInverse(u, exponent)
            var k = (x + 0.5).rounded(.down)
            if k < 1 { k = 1 } else if k > Double(count) { k = Double(count) }
            if k - x <= threshold || u >= Self.hIntegral(k + 0.5, exponent) - Self.h(k, exponent) {
                return Int(k) - 1
            }
        }
    }

    /// The probability of rank `k` (0-based), for tests and analysis.
    public func probability(ofRank k: Int) -> Double {
        var norm = 0.0
        for i in 1...count { norm += Foundation.pow(Double(i), -exponent) }
        return Foundation.pow(Double(k + 1), -exponent) / norm
    }

    private static func h(_ x: Double, _ s: Double) -> Double { Foundation.exp(-s * Foundation.log(x)) }

    private static func hIntegral(_ x: Double, _ s: Double) -> Double {
        let logX = Foundation.log(x)
        return helper2((1 - s) * logX) * logX
    }

    private static func hIntegralInverse(_ x: Double, _ s: Double) -> Double {
        var t = x * (1 - s)
        if t < -1 { t = -1 }
        return Foundation.exp(helper1(t) * x)
    }

    /// log(1 + x) / x, continuous at zero.
    private static func helper1(_ x: Double) -> Double {
        abs(x) > 1e-8 ? Foundation.log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x))
    }

    /// (exp(x) − 1) / x, continuous at zero.
    private static func helper2(_ x: Double) -> Double {
        abs(x) > 1e-8 ? Foundation.expm1(x) / x : 1 + x * 0.5 * (1 + x * (1.0 / 3.0) * (1 + 0.25 * x))
    }
}
