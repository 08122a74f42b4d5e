import Testing
@testable import ScaleSim

/// The rate limiter: the token bucket's arithmetic, and a limited node in a running engine.
@Suite struct RateLimiterTests {
    static let second = Nanos.perSecond
    static let millisecond = Nanos.perMillisecond

    /// How many arrivals `gap` apart, at `start` and after up to `end`, the bucket admits.
    static func admitted(_ bucket: inout TokenBucket, from start: SimTime, through end: SimTime, gap: SimTime) -> Int {
        var admitted = 0
        var time = start
        while time <= end {
            if bucket.admit(at: time) { admitted += 1 }
            time += gap
        }
        return admitted
    }

    @Test func arrivalsAtTwiceTheRateAdmitTheRateTimesTheTimePlusTheBurst() {
        // 100/s, burst 10; arrivals 5 ms apart from 0 to 10 s: 100 × 10 + 10.
        var bucket = TokenBucket(RateLimitSpec(rate: 100, burst: 10), now: 0)
        let gap = 5 * Self.millisecond
        #expect(Self.admitted(&bucket, from: 0, through: 10 * Self.second, gap: gap) == 1_010)
        // Over the next 10 s the bucket stays empty: exactly the rate gets through.
        #expect(Self.admitted(&bucket, from: 10 * Self.second + gap, through: 20 * Self.second, gap: gap) == 1_000)
    }

    @Test func aBurstTakesTheWholeBucketAndNoMore() {
        var bucket = TokenBucket(RateLimitSpec(rate: 5, burst: 20), now: 0)
        #expect((0..<50).count { _ in bucket.admit(at: Self.second) } == 20)
        // One second refills 5 tokens of the 20.
        #expect((0..<10).count { _ in bucket.admit(at: 2 * Self.second) } == 5)
        #expect(bucket.level(at: 2 * Self.second) == 0)
    }

    @Test func refillStopsAtTheBurst() {
        var bucket = TokenBucket(RateLimitSpec(rate: 100, burst: 20), now: 0)
        #expect((0..<20).count { _ in bucket.admit(at: 0) } == 20)
        // An hour idle earns 360,000 tokens, of which the bucket holds 20.
        #expect(bucket.level(at: 3_600 * Self.second) == 20)
        #expect((0..<100).count { _ in bucket.admit(at: 3_600 * Self.second) } == 20)
    }

    @Test func aFractionalRateDoesNotDrift() {
        // Half a token a second, one at most: every other arrival, a second apart, for a day.
        var bucket = TokenBucket(RateLimitSpec(rate: 0.5, burst: 1), now: 0)
        #expect(Self.admitted(&bucket, from: 0, through: 86_400 * Self.second, gap: Self.second) == 43_201)
        // 3 per second with arrivals about 1/7 s apart for an hour, never full after the
        // start: the burst plus 3 per second of the time, whole tokens only.
        var thirds = TokenBucket(RateLimitSpec(rate: 3, burst: 2), now: 0)
        let gap: SimTime = 142_857_143
        let end = 7 * 3_600 * gap
        let admitted = Self.admitted(&thirds, from: 0, through: end, gap: gap)
        let earned = 3 * Double(end) / Double(Self.second)
        #expect(admitted == Int(earned + 2), "admitted \(admitted), earned \(earned)")
    }

    @Test func aNewLimitKeepsTheTokensHeldUpToItsBurst() {
        var bucket = TokenBucket(RateLimitSpec(rate: 10, burst: 100), now: 0)
        #expect((0..<40).count { _ in bucket.admit(at: 0) } == 40)
        bucket.reconfigure(RateLimitSpec(rate: 10, burst: 30), now: 0)
        #expect(bucket.level(at: 0) == 30)
        bucket.reconfigure(RateLimitSpec(rate: 1_000, burst: 500), now: 0)
        #expect(bucket.level(at: 0) == 30)
        #expect(bucket.level(at: Self.second / 10) == 130)
    }

    /// One roomy station behind a limited balancer: Poisson arrivals at 1,000/s.
    static func limited(rate: Double, burst: Double, retries: RetrySpec = RetrySpec()) -> SystemSpec {
        SystemSpec(
            name: "limited",
            workload: WorkloadSpec(users: 10_000, ratePerUser: 0.1, entry: "lb", retries: retries),
            nodes: [
                NodeSpec(
                    id: "lb", kind: .lb, service: .none, routes: [RouteSpec(to: "app")],
                    rateLimit: RateLimitSpec(rate: rate, burst: burst)),
                NodeSpec(
                    id: "app", kind: .station, workers: 1_000, service: .exponential(mean: Self.millisecond),
                    queueCapacity: nil),
            ])
    }

    @Test func aLimitedNodeRejectsWhatTheBucketCannotCoverAndEveryRequestIsCounted() {
        let end = 100 * Self.second
        var engine = Engine(spec: Self.limited(rate: 400, burst: 50), seed: 9)
        engine.run(until: end)
        let lb = engine.summary().nodes[0]
        // At 2.5 times the rate the bucket is full only until the first arrival (it loses
        // the refill of that first millisecond or so), then every token is taken as it
        // comes: what it admitted plus what it holds now is 400 × 100 + 50, less the refill
        // lost before the first arrival (under 4 tokens unless it came after 10 ms).
        let admitted = lb.arrivals - lb.rejected
        let accounted = Double(admitted) + engine.snapshot()[0].rateLimitTokens!
        #expect(accounted > 40_046 && accounted <= 40_050, "admitted \(admitted), accounted \(accounted)")
        #expect(lb.rejected > 55_000, "rejected \(lb.rejected)")
        let totals = engine.totalOutcomes
        #expect(totals.rejected == lb.rejected, "without retries every rejection is final")
        #expect(
            totals.requests == totals.completed + totals.dropped + totals.timedOut + totals.failed
                + totals.rejected + engine.liveRequests)
        let window = engine.nodes[0].history.last!
        #expect(window.rejected > 400 && window.rejected < 800, "about 600 a second: \(window.rejected)")
        #expect(engine.systemHistory.last!.rejected == window.rejected)
        let endToEnd = engine.summary().endToEnd
        #expect(endToEnd.counts.rejected == lb.rejected)
        #expect(endToEnd.errorRate! > 0.55, "a rejection is an error to the user")
        #expect(engine.snapshot()[0].rejected == lb.rejected)
        #expect(engine.snapshot()[0].rateLimitTokens! < 5, "the bucket runs empty")
        #expect(engine.snapshot()[1].rateLimitTokens == nil)
    }

    @Test func clientsRetryARejection() {
        var engine = Engine(
            spec: Self.limited(rate: 400, burst: 50, retries: RetrySpec(limit: 3, backoff: 50 * Self.millisecond)), seed: 9)
        engine.run(until: 60 * Self.second)
        let lb = engine.summary().nodes[0]
        let totals = engine.totalOutcomes
        #expect(lb.arrivals > totals.requests, "retries arrive again")
        #expect(totals.rejected > 0 && totals.rejected < lb.rejected, "some retries get through, the rest end rejected")
        #expect(
            totals.requests == totals.completed + totals.dropped + totals.timedOut + totals.failed
                + totals.rejected + engine.liveRequests)
    }

    @Test func commandsSetReplaceAndRemoveALimitAndRefuseBadOnes() {
        var engine = Engine(spec: TestNetworks.reference, seed: 1)
        engine.run(until: Self.second)
        let before = engine.spec
        for (rate, burst) in [
            (0.0, nil), (-5, nil), (.nan, nil), (.infinity, nil), (60_000_000, nil), (10, 0),
            (10, .nan), (10, 60_000_000),
        ] as [(Double, Double?)] {
            guard case .refused(let reason) = engine.execute(.setRateLimit(node: "lb", rate: rate, burst: burst)) else {
                Issue.record("rate \(rate) burst \(String(describing: burst)) was accepted")
                continue
            }
            #expect(reason.hasPrefix("lb: the "), "\(reason)")
        }
        #expect(engine.execute(.removeRateLimit(node: "lb")) == .refused("lb has no rate limit"))
        #expect(engine.execute(.setRateLimit(node: "nope", rate: 5, burst: nil)) == .refused("no node named nope"))
        #expect(engine.spec == before, "a refused command changes nothing")
        #expect(engine.refusedCommands.count == 10)

        #expect(engine.execute(.setRateLimit(node: "app", rate: 200, burst: nil)) == .applied)
        #expect(engine.spec.nodes[1].rateLimit == RateLimitSpec(rate: 200, burst: 200))
        #expect(engine.execute(.setRateLimit(node: "db", rate: 50, burst: 5)) == .applied)
        #expect(engine.execute(.setRateLimit(node: "app", rate: 100, burst: 10)) == .applied)
        #expect(engine.rateLimiters.count == 2)
        #expect(engine.execute(.removeRateLimit(node: "app")) == .applied)
        // The last limiter moved into the freed slot, and still belongs to db.
        #expect(engine.rateLimiters.count == 1)
        #expect(engine.nodes[3].rateLimiter == 0 && engine.nodes[1].rateLimiter == -1)
        #expect(engine.rateLimiters[0].spec == RateLimitSpec(rate: 50, burst: 5))
        engine.run(until: 10 * Self.second)
        #expect(engine.summary().nodes[3].rejected > 0, "db takes 200 requests/s over a 50/s limit")
        #expect(engine.summary().nodes[1].rejected == 0)
    }

    @Test func aLimitNobodyHitsChangesNoFigureAndNoDigest() {
        var plain = Engine(spec: TestNetworks.reference, seed: 4)
        var spec = TestNetworks.reference
        spec.nodes[0].rateLimit = RateLimitSpec(rate: 1_000_000, burst: 1_000_000)
        var limited = Engine(spec: spec, seed: 4)
        plain.run(until: 20 * Self.second)
        limited.run(until: 20 * Self.second)
        #expect(limited.digest() == plain.digest())
        #expect(limited.summary().endToEnd == plain.summary().endToEnd)
    }
}
