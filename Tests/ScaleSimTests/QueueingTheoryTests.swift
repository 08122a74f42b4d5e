import Testing
@testable import ScaleSim

@Suite struct QueueingTheoryTests {
    @Test func erlangCMatchesTheBenchmarkNetwork() {
        // docs/benchmark.md: the DB (c = 4, λ = 200/s, μ = 71.43/s) has Erlang C = 0.428654.
        let c = QueueingTheory.erlangC(servers: 4, offeredLoad: 200 / (200 / 2.8))
        #expect(abs(c - 0.428654) < 1e-6)
    }

    @Test func mm1ResponseIsOneOverMuMinusLambda() {
        let w = QueueingTheory.mmcResponse(arrivalRate: 800, serviceRate: 1000, servers: 1)
        #expect(abs(w - 1.0 / 200) < 1e-12)
    }

    @Test func referenceNetworkAnalyticMean() throws {
        // docs/benchmark.md: 15.4669 ms with random routing.
        let w = try #require(QueueingTheory.jacksonResponse(TestNetworks.reference))
        #expect(abs(w * 1000 - 15.4669) < 0.0001)
    }

    @Test func feedbackNetworkTrafficEquations() throws {
        // Visits: front v = 1 + 0.25·0.4·v → v = 1/0.9; then solve by hand.
        let gamma = 300.0
        let front = gamma / 0.9
        let pool = 0.6 * front
        let db = 0.4 * front
        let expected =
            (front * QueueingTheory.mmcResponse(arrivalRate: front, serviceRate: 500, servers: 1)
                + pool * QueueingTheory.mmcResponse(arrivalRate: pool / 2, serviceRate: 200, servers: 1)
                + db * QueueingTheory.mmcResponse(arrivalRate: db, serviceRate: 1000 / 15, servers: 3)) / gamma
            + 0.4 / 0.9 * 0.0005
        let w = try #require(QueueingTheory.jacksonResponse(TestNetworks.feedback))
        #expect(abs(w - expected) < 1e-9)
    }

    @Test func notAJacksonNetworkGivesNil() {
        var spec = TestNetworks.reference
        spec.nodes[0].policy = .roundRobin
        #expect(QueueingTheory.jacksonResponse(spec) == nil)
        spec = TestNetworks.reference
        spec.nodes[3].service = .deterministic(mean: 14_000_000)
        #expect(QueueingTheory.jacksonResponse(spec) == nil)
    }
}
