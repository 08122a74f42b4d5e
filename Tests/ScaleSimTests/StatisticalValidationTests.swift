import Foundation
import Testing
@testable import ScaleSim

/// Mean response times against queueing theory, within 2%.
///
/// How long each run is: batch means with doubling (Schmeiser; Law and Kelton). After a
/// warm-up the run is cut into 40 batches; while the batch means' standard error is above
/// 0.4% of their mean, or their lag-1 autocorrelation is above 0.2 (batches too short to be
/// independent), adjacent batches merge and the run extends back to 40. A correct engine
/// then lands outside ±2% only on a 5-standard-error deviation: probability about 6e-7 per
/// check, about 1e-5 for the 18 checks here, far below one failure in a thousand runs.
/// Slow in debug builds: .ci/run runs this suite in release with `-enable-testing`.
@Suite struct StatisticalValidationTests {
    static let tolerance = 0.02
    static let targetRelativeError = 0.004

    struct Estimate {
        var mean: Double
        var standardError: Double
        var requests: Int
    }

    /// Mean end-to-end response time in seconds, by batch means with doubling.
    static func estimate(_ spec: SystemSpec, seed: UInt64, warmup: SimTime) throws -> Estimate {
        var engine = Engine(spec: spec, seed: seed, warmup: warmup)
        engine.run(until: warmup)
        var batchLength = 5 * Nanos.perSecond
        var batches: [Double] = []
        var last = engine.summary().endToEnd.counts
        func runBatch() {
            engine.run(until: engine.now + batchLength)
            let counts = engine.summary().endToEnd.counts
            batches.append((counts.latencySum - last.latencySum) / Double(counts.completed - last.completed) / 1e9)
            last = counts
        }
        for _ in 0..<40 { runBatch() }
        for _ in 0..<14 {
            let mean = batches.reduce(0, +) / Double(batches.count)
            let variance = batches.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(batches.count - 1)
            let lag1 =
                zip(batches, batches.dropFirst()).map { ($0 - mean) * ($1 - mean) }.reduce(0, +)
                / Double(batches.count - 1) / variance
            let standardError = (variance / Double(batches.count)).squareRoot()
            if standardError <= targetRelativeError * mean && lag1 <= 0.2 {
                return Estimate(mean: mean, standardError: standardError, requests: last.completed)
            }
            batches = stride(from: 0, to: batches.count - 1, by: 2).map { (batches[$0] + batches[$0 + 1]) / 2 }
            batchLength *= 2
            for _ in 0..<20 { runBatch() }
        }
        Issue.record("batch means did not settle; the engine or the model is unstable")
        throw CancellationError()
    }

    static func check(_ spec: SystemSpec, expected: Double, seeds: [UInt64] = [1, 2, 3]) throws {
        for seed in seeds {
            let e = try estimate(spec, seed: seed, warmup: 100 * Nanos.perSecond)
            let error = (e.mean - expected) / expected
            #expect(
                abs(error) < tolerance,
                "\(spec.name) seed \(seed): \(e.mean * 1000) ms vs theory \(expected * 1000) ms (\(error * 100)%, se \(e.standardError / e.mean * 100)%, \(e.requests) requests)"
            )
        }
    }

    @Test(arguments: [0.5, 0.8, 0.95])
    func mm1(rho: Double) throws {
        let spec = TestNetworks.mmc(rho: rho, workers: 1)
        try Self.check(spec, expected: QueueingTheory.mmcResponse(arrivalRate: rho * 1000, serviceRate: 1000, servers: 1))
    }

    @Test(arguments: [0.5, 0.8, 0.95])
    func mm4ErlangC(rho: Double) throws {
        let spec = TestNetworks.mmc(rho: rho, workers: 4)
        try Self.check(spec, expected: QueueingTheory.mmcResponse(arrivalRate: rho * 4000, serviceRate: 1000, servers: 4))
    }

    @Test func jacksonNetworkWithSplitsAndFeedback() throws {
        let spec = TestNetworks.feedback
        try Self.check(spec, expected: try #require(QueueingTheory.jacksonResponse(spec)))
    }

    @Test func referenceNetwork() throws {
        let spec = TestNetworks.reference
        try Self.check(spec, expected: try #require(QueueingTheory.jacksonResponse(spec)))
    }
}
