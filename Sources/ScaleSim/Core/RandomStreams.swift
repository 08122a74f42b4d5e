import Foundation

/// The engine's random numbers, one independent stream per purpose, all derived from the
/// run's seed (docs/architecture.md, "Random streams").
///
/// One stream for everything would make every use move every other: one more server, and
/// the next user's key would change. Split by purpose, the traffic (when requests arrive,
/// of which class, from which user, for which key) depends on the seed and the workload
/// alone, never on the design; a node's service times and routing choices depend on that
/// node alone. Comparing two designs on the same traffic, and simulating data centers apart,
/// rest on this.
public enum RandomPurpose: UInt64, Sendable {
    /// A user region's arrival times (the gaps, and thinning under a traffic shape).
    case arrivals = 1
    /// Each request's class, user and key: counter-based, by region and arrival number.
    case requestAttributes = 2
    /// A node's service times (and a replica pool's apply times).
    case service = 3
    /// A node's routing choices: which route a request takes, which server a random policy picks.
    case routing = 4
    /// A user region's retry backoff jitter.
    case retries = 5
}

extension Xoshiro256StarStar {
    /// The stream for `purpose` and `index` (a region, or a node's id hash) of run `seed`.
    ///
    /// The three words go through SplitMix64's finaliser together, so neighbouring seeds,
    /// purposes and indices give unrelated streams.
    public init(seed: UInt64, purpose: RandomPurpose, index: UInt64) {
        self.init(seed: SplitMix64.mix(SplitMix64.mix(seed ^ purpose.rawValue << 56) ^ SplitMix64.mix(index)))
    }
}

/// Random bits drawn one word at a time: what the samplers need from a generator.
public protocol RandomBits {
    /// The next 64 random bits.
    mutating func next() -> UInt64
}

extension Xoshiro256StarStar: RandomBits {}
extension SplitMix64: RandomBits {}

extension RandomBits {
    /// A uniform double in (0, 1]: never zero, so `log` of it is always finite.
    @inline(__always)
    public mutating func unitOpenBelow() -> Double {
        Double((next() >> 11) &+ 1) * 0x1.0p-53
    }

    /// A uniform integer in 0..<bound (Lemire's multiply-shift; bias below 2^-32 for any bound here).
    @inline(__always)
    public mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }
}

extension SplitMix64 {
    /// The generator of one request's attributes: request `number` of `region`'s arrivals
    /// in run `seed`.
    ///
    /// Counter-based: any request's draws are known without drawing anyone else's, so they
    /// cannot depend on what the design did with earlier requests. SplitMix64 passes BigCrush,
    /// and two requests' sequences would need starting points within a few steps of 2^64
    /// apart to overlap.
    @inline(__always)
    static func requestAttributes(seed: UInt64, region: Int, number: UInt64) -> SplitMix64 {
        SplitMix64(state: SplitMix64.mix(seed ^ SplitMix64.mix(UInt64(region) << 48 ^ number)))
    }
}

extension RandomBits {
    /// An exponential variate with the given mean.
    @inline(__always)
    public mutating func exponential(mean: Double) -> Double {
        ExponentialZiggurat.standard(&self) * mean
    }

    /// A standard normal variate (Box-Muller; one of the pair, so no hidden state).
    public mutating func standardNormal() -> Double {
        let u1 = unitOpenBelow()
        let u2 = unitOpenBelow()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }
}

/// Exponential variates by the ziggurat method (Marsaglia and Tsang, 2000): 256 layers of
/// equal area, so 98.9% of draws take one random word, a table look-up and a multiply, and
/// only the rest pay for a logarithm or an exponential. Exact: the layers cover the density,
/// the wedges are accepted by rejection and the tail beyond `r` is `r` plus an exponential.
///
/// One 64-bit word gives both the layer (its low 8 bits) and the position in it (its high
/// 53 bits), independent bits of the word.
enum ExponentialZiggurat {
    /// Where the tail starts, and the area of each layer, for 256 layers.
    static let r = 7.697_117_470_131_049_72
    static let area = 3.949_659_822_581_557_2e-3

    /// A standard (mean 1) exponential variate.
    @inline(__always)
    static func standard<R: RandomBits>(_ random: inout R) -> Double {
        while true {
            let bits = random.next()
            let layer = Int(bits & 0xFF)
            let position = bits >> 11
            let x = Double(position) * width[layer]
            if position < limit[layer] { return x }
            if let accepted = edge(layer: layer, x: x, &random) { return accepted }
        }
    }

    /// The rare case: the tail below layer 0, or a wedge of layer `layer` at `x`.
    @inline(never)
    static func edge<R: RandomBits>(layer: Int, x: Double, _ random: inout R) -> Double? {
        if layer == 0 { return r - Foundation.log(random.unitOpenBelow()) }
        let y = density[layer] + random.unitOpenBelow() * (density[layer - 1] - density[layer])
        return y < Foundation.exp(-x) ? x : nil
    }
}
