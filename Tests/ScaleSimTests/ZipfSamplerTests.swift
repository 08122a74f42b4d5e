import Foundation
import Testing
@testable import ScaleSim

/// A Zipf draw with a whole power 1/(1 − s) takes the power by multiplications: it must give
/// the rank and squeeze verdict of the library's `log1p` and `exp` for every `u`, since every
/// figure and recording rests on the keys drawn.
@Suite struct ZipfSamplerTests {
    /// Whole powers 2, 4, 5, 10, 50, −10, −2 and −1; 100 (s = 0.99) is past the power's
    /// limit and 10/3 (s = 0.7) is not whole, so both go through the library.
    static let exponents = [0.5, 0.75, 0.8, 0.9, 0.98, 1.1, 1.5, 2.0, 0.99, 0.7]
    static let counts = [1, 2, 7, 1000, 10_000_000, KeySpace.maxCount]

    @Test func wholePowersAreFoundAndOthersLeftToTheLibrary() {
        let powers = Self.exponents.map { ZipfSampler(count: 100, exponent: $0).wholePower }
        #expect(powers == [2, 4, 5, 10, 50, -10, -2, -1, 0, 0])
        #expect(ZipfSampler(count: 100, exponent: 1).wholePower == 0)
        #expect(ZipfSampler(count: 100, exponent: 0).wholePower == 1)
    }

    /// Each rank's two boundaries (where `u` starts to round to the next rank, and where the
    /// squeeze test starts to pass), and the 300 doubles either side of each.
    @Test func powersAgreeWithTheLibraryAtEveryBoundary() {
        for exponent in Self.exponents {
            for count in Self.counts where count > 1 {
                let zipf = ZipfSampler(count: count, exponent: exponent)
                var mismatches = 0
                for k in Self.ranks(below: count) {
                    let rankAfter = Self.boundary(zipf) { zipf.libraryCandidate($0).rank > Double(k) }
                    let squeezeStart = Self.boundary(zipf) {
                        let (rank, squeezed) = zipf.libraryCandidate($0)
                        return rank > Double(k) || (rank == Double(k) && squeezed)
                    }
                    for edge in [rankAfter, squeezeStart] {
                        var below = edge
                        var above = edge
                        for _ in 0..<300 {
                            below = below.nextDown
                            above = above.nextUp
                            for u in [below, above] where zipf.candidate(u) != zipf.libraryCandidate(u) {
                                mismatches += 1
                            }
                        }
                    }
                }
                #expect(mismatches == 0, "s \(exponent), \(count) keys")
            }
        }
    }

    @Test func powersAgreeWithTheLibraryOnRandomDraws() {
        var rng = Xoshiro256StarStar(seed: 17)
        for exponent in Self.exponents {
            for count in Self.counts {
                let zipf = ZipfSampler(count: count, exponent: exponent)
                let draws = exponent == 0.9 && count == 10_000_000 ? 4_000_000 : 200_000
                var mismatches = 0
                for _ in 0..<draws {
                    let u = zipf.hIntegralN + rng.unitOpenBelow() * (zipf.hIntegralX1 - zipf.hIntegralN)
                    if zipf.candidate(u) != zipf.libraryCandidate(u) { mismatches += 1 }
                }
                #expect(mismatches == 0, "s \(exponent), \(count) keys")
            }
        }
    }

    /// Ranks 1 to 200 and forty more spread geometrically up to `count − 1`.
    static func ranks(below count: Int) -> [Int] {
        var ranks = Set(1...min(200, count - 1))
        for step in 1...40 {
            let rank = Int(Foundation.pow(Double(count - 1), Double(step) / 40))
            ranks.insert(max(1, min(count - 1, rank)))
        }
        return ranks.sorted()
    }

    /// The first `u` (within one double) at which `isPast` holds, over the sampler's range of
    /// `u`, on which `isPast` only ever turns from false to true.
    static func boundary(_ zipf: ZipfSampler, _ isPast: (Double) -> Bool) -> Double {
        var low = zipf.hIntegralX1
        var high = zipf.hIntegralN
        while true {
            let middle = low + (high - low) / 2
            if middle <= low || middle >= high { return high }
            if isPast(middle) { high = middle } else { low = middle }
        }
    }
}
