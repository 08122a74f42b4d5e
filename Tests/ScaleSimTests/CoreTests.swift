import Foundation
import Testing
@testable import ScaleSim

@Suite struct CoreTests {
    @Test func xoshiroMatchesTheReferenceOutput() {
        // xoshiro256** from state (1, 2, 3, 4): first outputs of the authors' C code.
        var r = Xoshiro256StarStar(state: (1, 2, 3, 4))
        #expect(r.next() == 11520)
        #expect(r.next() == 0)
        #expect(r.next() == 1_509_978_240)
        #expect(r.next() == 1_215_971_899_390_074_240)
    }

    @Test func eventsAtTheSameTimePopInInsertionOrder() {
        var q = EventQueue()
        for i in 0..<100 { q.schedule(Int32(i), at: SimTime(i % 3)) }
        var popped: [Int32] = []
        while let e = q.pop() { popped.append(e.target) }
        // Time 0 holds 0, 3, 6, ...; time 1 holds 1, 4, ...; each in insertion order.
        let expected: [Int32] = [0, 1, 2].flatMap { r in (0..<100).filter { $0 % 3 == r }.map { Int32($0) } }
        #expect(popped == expected)
    }

    @Test func fifoQueueKeepsOrderAcrossGrowth() {
        var q = FIFOQueue()
        var expected: [Int32] = []
        for i in 0..<1000 {
            q.append(Int32(i))
            expected.append(Int32(i))
            if i % 3 == 0 { #expect(q.removeFirst() == expected.removeFirst()) }
        }
        #expect(q.drain() == expected)
        #expect(q.isEmpty)
    }

    @Test(arguments: [
        ServiceTime.exponential(mean: 5_000_000),
        .deterministic(mean: 5_000_000),
        .lognormal(mean: 5_000_000, cv: 2),
        .gamma(mean: 5_000_000, cv: 0.5),
        .gamma(mean: 5_000_000, cv: 3),
    ])
    func serviceTimesHaveTheirMeanAndVariation(service: ServiceTime) {
        let expectedCV: Double =
            switch service {
            case .exponential: 1
            case .deterministic: 0
            case .lognormal(_, let cv), .gamma(_, let cv): cv
            case .none: 0
            }
        let sampler = ServiceSampler(service)
        var rng = Xoshiro256StarStar(seed: 99)
        let n = 400_000
        var sum = 0.0
        var squares = 0.0
        for _ in 0..<n {
            let x = Double(sampler.sample(&rng))
            sum += x
            squares += x * x
        }
        let mean = sum / Double(n)
        let cv = (squares / Double(n) - mean * mean).squareRoot() / mean
        // Standard error of the mean is cv/√n ≤ 0.5%: 2% is four of them at cv 3.
        #expect(abs(mean / 5_000_000 - 1) < 0.02)
        #expect(abs(cv - expectedCV) < 0.05 + 0.1 * expectedCV)
    }

    @Test func zipfFrequenciesMatchTheDistribution() {
        let zipf = ZipfSampler(count: 1000, exponent: 0.9)
        var rng = Xoshiro256StarStar(seed: 5)
        var counts = [Int](repeating: 0, count: 1000)
        let n = 1_000_000
        for _ in 0..<n { counts[zipf.sample(&rng)] += 1 }
        for k in [0, 1, 9, 99, 999] {
            let p = zipf.probability(ofRank: k)
            let expected = p * Double(n)
            // Five binomial standard deviations.
            #expect(abs(Double(counts[k]) - expected) < 5 * (expected * (1 - p)).squareRoot(), "rank \(k)")
        }
    }

    @Test func zipfWithZeroExponentIsUniformAndStaysInRange() {
        var rng = Xoshiro256StarStar(seed: 1)
        let uniform = ZipfSampler(count: 10, exponent: 0)
        let large = ZipfSampler(count: 10_000_000, exponent: 1.0)
        for _ in 0..<100_000 {
            #expect((0..<10).contains(uniform.sample(&rng)))
            let k = large.sample(&rng)
            if !(0..<10_000_000).contains(k) { Issue.record("rank \(k) out of range") }
        }
    }

    @Test func histogramQuantilesAreWithinOnePercent() {
        var h = LatencyHistogram()
        for v in 1...100_000 { h.record(SimTime(v) * 1_000) }
        for q in [0.5, 0.95, 0.99] {
            let exact = q * 100_000 * 1_000
            let got = Double(h.quantile(q)!)
            #expect(abs(got / exact - 1) < 0.01, "q \(q): \(got) vs \(exact)")
        }
        var other = LatencyHistogram()
        other.record(5)
        h.merge(other)
        #expect(h.total == 100_001)
        h.clear()
        #expect(h.quantile(0.5) == nil)
    }

    /// Each quantile is the bucket of the sample at its rank (the ceiling of q times the
    /// count, at least 1) among all samples sorted, for samples few or many, near together
    /// or spread over every magnitude, and ranks at and beside each bucket's end: the scan
    /// that passes eight buckets at a time stops where one bucket at a time would.
    @Test(arguments: [(5, 3), (100, 12), (5_000, 30), (40_000, 40)] as [(Int, Int)])
    func histogramQuantilesAreTheSamplesAtTheirRanks(samples count: Int, magnitudeBits: Int) {
        var rng = Xoshiro256StarStar(seed: UInt64(count))
        var h = LatencyHistogram()
        var samples: [SimTime] = []
        for _ in 0..<count {
            let sample = SimTime(rng.below(1 << 12)) << SimTime(rng.below(magnitudeBits))
            h.record(sample)
            samples.append(sample)
        }
        samples.sort()
        var qs = [0.0, 0.5, 0.95, 0.99, 0.999, 1.0]
        // The ranks that end a bucket of samples, and those just past: every edge of a scan.
        for k in stride(from: 1, to: count, by: max(1, count / 50)) {
            qs += [Double(k) / Double(count), Double(k + 1) / Double(count)]
        }
        qs.sort()
        let expected = qs.map { q in
            let rank = max(1, Int((q * Double(count)).rounded(.up)))
            return LatencyHistogram.representative(of: LatencyHistogram.bucket(for: samples[rank - 1])) as SimTime?
        }
        #expect(h.quantiles(qs) == expected)
    }

    @Test func histogramBucketsAreContiguous() {
        for b in 0..<(LatencyHistogram.bucketCount - 1) {
            let low = LatencyHistogram.lowerBound(of: b)
            #expect(LatencyHistogram.bucket(for: low) == b)
            let next = LatencyHistogram.lowerBound(of: b + 1)
            #expect(LatencyHistogram.bucket(for: next - 1) == b)
        }
    }
}

@Suite struct WindowedHistogramTests {
    @Test func subtractUndoesMerge() {
        var a = LatencyHistogram()
        var b = LatencyHistogram()
        for v in [100, 2_000, 50_000] { a.record(SimTime(v)) }
        for v in [7, 2_000, 9_000_000] { b.record(SimTime(v)) }
        var sum = a
        sum.merge(b)
        sum.subtract(b)
        #expect(sum == a)
        sum.subtract(a)
        #expect(sum.total == 0 && sum.quantile(0.5) == nil)
    }

    /// `record` writes through a pointer to the buckets kept beside them: after every way a
    /// histogram gets a buffer of its own (made unique, merged into, cleared, subtracted
    /// from) its records land in its own buckets, and never in a copy's.
    @Test func recordsLandInTheHistogramsOwnBucketsAfterEveryChangeOfBuffer() {
        let value: SimTime = 2_000_000
        func recorded(_ times: Int) -> LatencyHistogram {
            var h = LatencyHistogram()
            for _ in 0..<times { h.record(value) }
            return h
        }
        let original = recorded(1)
        // Each change, and how many records of `value` the copy holds after it.
        let changes: [(String, Int, (inout LatencyHistogram) -> Void)] = [
            ("makeUnique", 1, { $0.makeUnique() }),
            ("merge", 2, { $0.merge(original) }),
            ("clear", 0, { $0.clear() }),
            ("subtract", 0, { $0.subtract(original) }),
        ]
        for (name, held, change) in changes {
            var copy = original
            change(&copy)
            for _ in 0..<3 { copy.record(value) }
            #expect(copy == recorded(held + 3), "\(name)")
            #expect(original == recorded(1), "\(name) wrote into the original's buckets")
        }
    }

    @Test func warmupSamplesAreLeftOutOfTheRunTotal() {
        var h = WindowedHistogram()
        let statsStart: SimTime = 1_500_000_000
        h.record(1)  // first window, wholly in the warm-up
        h.closeWindow(end: 1_000_000_000, statsStart: statsStart)
        h.record(2)  // second window, before the end of the warm-up
        h.markStatsStart()
        h.record(3_000)  // second window, measured
        #expect(h.measured(now: statsStart + 1, statsStart: statsStart).total == 1)
        h.closeWindow(end: 2_000_000_000, statsStart: statsStart)
        h.record(4_000)
        let measured = h.measured(now: 2_500_000_000, statsStart: statsStart)
        #expect(measured.total == 2)
        #expect(measured.quantile(0) == LatencyHistogram.representative(of: LatencyHistogram.bucket(for: 3_000)))
    }
}
