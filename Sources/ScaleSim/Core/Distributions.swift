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
///
/// Each draw inverts the integral of the density, `exp(log1p(t) / t · u)`, which is
/// `(1 + t)^(1 / (1 − s))`: a whole power when 1/(1 − s) is whole (s = 0.9 gives 10). Such
/// exponents take the power by multiplications, and since only the rounded rank and one
/// comparison depend on the result, the library functions are needed only when the power,
/// widened by its error bound, straddles a rounding or the comparison's boundary: the ranks
/// are those of the library functions, bit for bit (docs/architecture.md, "Random streams").
public struct ZipfSampler: Sendable {
    public let count: Int
    public let exponent: Double
    /// The range of `u`: its least value inverts to rank 1, its greatest to rank `count`.
    let hIntegralX1: Double
    let hIntegralN: Double
    private let threshold: Double
    /// 1/(1 − s) when it is a whole number from −64 to 64 (but 0), else 0.
    let wholePower: Int

    /// The relative distance within which the power and the library functions' result agree.
    ///
    /// Both start from the same `t`. With |ln x| ≤ 21 (a billion keys at most), the library
    /// path is within 1e-14 of `(1 + t)^(u/t)` (four roundings before `exp` scaled by ln x, one
    /// in it), the power within 1.5e-14 of `(1 + t)^n` (at most 130 roundings of 2^-53 for
    /// |n| ≤ 64), and `u/t` is `1/(1 − s)` within one rounding, which is n within 1e-14 of
    /// itself: 2.4e-13 in all, forty times inside this margin.
    static let powerMargin = 1e-11

    public init(count: Int, exponent: Double) {
        precondition(count >= 1 && exponent >= 0)
        self.count = count
        self.exponent = exponent
        hIntegralX1 = Self.hIntegral(1.5, exponent) - 1
        hIntegralN = Self.hIntegral(Double(count) + 0.5, exponent)
        threshold = 2 - Self.hIntegralInverse(Self.hIntegral(2.5, exponent) - Self.h(2, exponent), exponent)
        wholePower = Self.wholePower(ofExponent: exponent)
    }

    @inline(__always)
    public func sample<R: RandomBits>(_ rng: inout R) -> Int {
        if exponent == 0 { return rng.below(count) }
        while true {
            let u = hIntegralN + rng.unitOpenBelow() * (hIntegralX1 - hIntegralN)
            let (k, squeezed) = candidate(u)
            if squeezed || accepts(u, rank: k) { return Int(k) - 1 }
        }
    }

    /// The rank (1-based, as a double) that `u` inverts to, and whether it passes the squeeze
    /// test `k − x ≤ threshold` that spares the exact comparison.
    @inline(__always)
    func candidate(_ u: Double) -> (rank: Double, squeezed: Bool) {
        if wholePower != 0 {
            let base = 1 + u * (1 - exponent)
            if base > 1e-3 {
                let x = Self.power(base, wholePower)
                let low = x * (1 - Self.powerMargin)
                let high = x * (1 + Self.powerMargin)
                // `rank` never falls as x grows, and low ≤ x ≤ high: equal ends settle x's rank.
                let k = rank(low)
                if rank(high) == k {
                    // k − x falls as x grows: both ends on one side decide it for every x between.
                    let squeezedAtHigh = k - high <= threshold
                    if squeezedAtHigh == (k - low <= threshold) { return (k, squeezedAtHigh) }
                }
            }
        }
        return libraryCandidate(u)
    }

    /// The exact test for a candidate the squeeze did not accept.
    @inline(never)
    private func accepts(_ u: Double, rank k: Double) -> Bool {
        u >= Self.hIntegral(k + 0.5, exponent) - Self.h(k, exponent)
    }

    /// `candidate(_:)` through the library's `log1p` and `exp`, for every exponent.
    @inline(never)
    func libraryCandidate(_ u: Double) -> (rank: Double, squeezed: Bool) {
        let x = Self.hIntegralInverse(u, exponent)
        let k = rank(x)
        return (k, k - x <= threshold)
    }

    /// The nearest rank to `x`, within 1...count.
    @inline(__always)
    private func rank(_ x: Double) -> Double {
        let shifted = x + 0.5
        if !(shifted < Double(count)) { return Double(count) }
        if shifted < 1 { return 1 }
        // Truncation is the floor of a positive value, and needs no library call.
        return Double(Int(shifted))
    }

    private static func wholePower(ofExponent s: Double) -> Int {
        guard s != 1 else { return 0 }
        let power = 1 / (1 - s)
        let whole = power.rounded()
        guard abs(whole) <= 64, whole != 0, abs(power - whole) <= 1e-14 * abs(power) else { return 0 }
        return Int(whole)
    }

    /// `base` to a whole power, by squaring.
    @inline(__always)
    private static func power(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0
        var square = base
        var bits = exponent.magnitude
        while bits != 0 {
            if bits & 1 != 0 { result *= square }
            square *= square
            bits >>= 1
        }
        return exponent < 0 ? 1 / result : result
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
