import Testing
@testable import ScaleSim

/// Client deadlines, retry budgets and jitter, and load shedding (Components/Client and
/// Components/Shedding), against arithmetic done by hand and queueing theory.
@Suite struct ClientTests {
    static let second = Nanos.perSecond
    static let millisecond = Nanos.perMillisecond

    /// One station serving in exactly `service`, one worker, five users' requests arriving
    /// within a few milliseconds (1,000 a second, five in all).
    static func fiveRequests(service: SimTime, clientTimeout: SimTime?, retries: RetrySpec = RetrySpec()) -> SystemSpec {
        var workload = WorkloadSpec(users: 1_000, ratePerUser: 1, entry: "s", requestLimit: 5, retries: retries)
        workload.clientTimeout = clientTimeout
        return SystemSpec(
            name: "five",
            workload: workload,
            nodes: [NodeSpec(id: "s", kind: .station, service: .deterministic(mean: service), queueCapacity: nil)])
    }

    @Test func aDeadlineAbandonsLateAttemptsWhileTheServerGoesOn() {
        // Served one after another, 400 ms each: requests 0 and 1 answer at 0.4 s and 0.8 s,
        // within the 1 s deadline; 2 is in service at its deadline (it ends at 1.2 s), 3 and 4
        // are still queued and are served afterwards, 1.2 to 2.0 s, for nobody.
        var engine = Engine(spec: Self.fiveRequests(service: 400 * Self.millisecond, clientTimeout: Self.second), seed: 3)
        engine.run(until: 10 * Self.second)
        let totals = engine.totalOutcomes
        #expect(totals.requests == 5)
        #expect(totals.completed == 2)
        #expect(totals.timedOut == 3)
        let c = engine.clientFigures
        #expect(c.firstAttempts == 5)
        #expect(c.retries == 0)
        #expect(c.abandoned == 3)
        #expect(c.completedAfterAbandon == 3)
        #expect(c.servedAfterAbandon == 2)
        #expect(c.wastedServiceTime == 800 * Self.millisecond)
        #expect(c.amplification == 1)
        // The server did all five, as without a deadline.
        #expect(engine.summary().nodes[0].completions == 5)
        #expect(engine.liveRequests == 0)
    }

    @Test func aRetryAfterTheDeadlineIsANewAttemptBehindTheAbandonedOnes() {
        // As above, and each user retries once, 100 ms after giving up (no jitter). Requests 2,
        // 3 and 4 give up at about 1.0 s and retry at about 1.1 s, queued behind the
        // abandoned 3 and 4 (served 1.2 to 2.0 s). Retry 2 is served 2.0 to 2.4 s but its
        // deadline is 2.1 s; retries 3 and 4, served 2.4 to 3.2 s, were given up on in the
        // queue. So: 6 attempts abandoned, all 6 answered late, 4 of them served entirely
        // after their client left (1.6 s of server time), 3 requests timed out.
        let retries = RetrySpec(limit: 1, backoff: 100 * Self.millisecond, jitter: .none)
        var engine = Engine(
            spec: Self.fiveRequests(service: 400 * Self.millisecond, clientTimeout: Self.second, retries: retries), seed: 3)
        engine.run(until: 10 * Self.second)
        let totals = engine.totalOutcomes
        #expect(totals.completed == 2)
        #expect(totals.timedOut == 3)
        let c = engine.clientFigures
        #expect(c.firstAttempts == 5)
        #expect(c.retries == 3)
        #expect(c.amplification == 1.6)
        #expect(c.abandoned == 6)
        #expect(c.completedAfterAbandon == 6)
        #expect(c.servedAfterAbandon == 4)
        #expect(c.wastedServiceTime == 1_600 * Self.millisecond)
        #expect(engine.summary().nodes[0].completions == 8)
        #expect(engine.liveRequests == 0)
    }

    @Test func withoutAClientTimeoutNothingIsAbandoned() {
        var engine = Engine(spec: Self.fiveRequests(service: 400 * Self.millisecond, clientTimeout: nil), seed: 3)
        engine.run(until: 10 * Self.second)
        #expect(engine.totalOutcomes.completed == 5)
        #expect(engine.clientFigures.abandoned == 0)
        #expect(engine.clientFigures.firstAttempts == 5)
    }

    // MARK: Load shedding

    @Test func erlangBByHand() {
        #expect(QueueingTheory.erlangB(servers: 0, offeredLoad: 3) == 1)
        #expect(abs(QueueingTheory.erlangB(servers: 1, offeredLoad: 1) - 0.5) < 1e-12)
        // (1/2) / (1 + 1 + 1/2)
        #expect(abs(QueueingTheory.erlangB(servers: 2, offeredLoad: 1) - 0.2) < 1e-12)
    }

    @Test func aConcurrencyLimitWithNoQueueLosesTheErlangBShare() {
        // 20 workers but at most 8 requests at once and no queue: an M/M/8/8 loss system.
        // 600 requests/s of 10 ms each offer 6 erlangs; B(8, 6) = 0.1219.
        let spec = SystemSpec(
            name: "loss",
            workload: WorkloadSpec(users: 600, ratePerUser: 1, entry: "s"),
            nodes: [
                NodeSpec(
                    id: "s", kind: .station, workers: 20, service: .exponential(mean: 10 * Self.millisecond),
                    queueCapacity: 0, concurrencyLimit: 8)
            ])
        var engine = Engine(spec: spec, seed: 11, warmup: 10 * Self.second)
        engine.run(until: 400 * Self.second)
        let node = engine.summary().nodes[0]
        let loss = Double(node.rejected) / Double(node.arrivals)
        let theory = QueueingTheory.erlangB(servers: 8, offeredLoad: 6)
        #expect(abs(loss - theory) / theory < 0.02, "loss \(loss), Erlang B \(theory)")
        #expect(node.dropped == 0, "the limit rejects before the empty queue could drop")
        #expect(engine.summary().endToEnd.counts.rejected == node.rejected)
    }

    @Test func aQueueDeadlineDropsWhatWaitedTooLong() {
        // Five requests at once, one worker of 400 ms, a 500 ms queue deadline: request 1
        // starts at 0.4 s (waited 0.4 s), request 2 would start at 0.8 s: dropped, and so 3
        // and 4 at the same moment; the worker is then free.
        var spec = Self.fiveRequests(service: 400 * Self.millisecond, clientTimeout: nil)
        spec.nodes[0].queueDeadline = 500 * Self.millisecond
        var engine = Engine(spec: spec, seed: 3)
        engine.run(until: 10 * Self.second)
        #expect(engine.totalOutcomes.completed == 2)
        #expect(engine.totalOutcomes.dropped == 3)
        #expect(engine.summary().nodes[0].dropped == 3)
        #expect(engine.summary().nodes[0].completions == 2)
    }

    @Test func liveSheddingCommandsChangeTheSpecOrAreRefused() {
        var engine = Engine(spec: Self.fiveRequests(service: Self.millisecond, clientTimeout: nil), seed: 3)
        #expect(engine.execute(.setConcurrencyLimit(node: "s", limit: 4)) == .applied)
        #expect(engine.spec.nodes[0].concurrencyLimit == 4)
        #expect(engine.execute(.setQueueDeadline(node: "s", deadline: Self.second)) == .applied)
        #expect(engine.spec.nodes[0].queueDeadline == Self.second)
        let before = engine.spec
        for bad: SimCommand in [
            .setConcurrencyLimit(node: "s", limit: 0), .setConcurrencyLimit(node: "s", limit: -3),
            .setConcurrencyLimit(node: "s", limit: 1_000_001), .setConcurrencyLimit(node: "nowhere", limit: 5),
            .setQueueDeadline(node: "s", deadline: 0), .setQueueDeadline(node: "s", deadline: -Self.second),
            .setQueueDeadline(node: "s", deadline: 3_601 * Self.second),
            .setRetryPolicy(budget: -0.1, jitter: .full), .setRetryPolicy(budget: 1.5, jitter: .full),
            .setRetryPolicy(budget: .nan, jitter: .full), .setRetryPolicy(budget: .infinity, jitter: .none),
        ] {
            guard case .refused = engine.execute(bad) else {
                Issue.record("\(bad) was not refused")
                continue
            }
        }
        #expect(engine.spec == before, "a refused command leaves the system unchanged")
        #expect(engine.refusedCommands.count == 11)
        #expect(engine.execute(.setConcurrencyLimit(node: "s", limit: nil)) == .applied)
        #expect(engine.spec.nodes[0].concurrencyLimit == nil)
        #expect(engine.execute(.setRetryPolicy(budget: 0.1, jitter: .full)) == .applied)
        #expect(engine.execute(.setRetries(limit: 3, backoff: Self.second)) == .applied)
        #expect(engine.spec.workload.retries == RetrySpec(limit: 3, backoff: Self.second, budget: 0.1, jitter: .full))
    }

    // MARK: Retry budgets

    @Test func theBudgetWindowKeepsEverySpanWithinItsShare() {
        // Random first attempts and a flood of retry demands: over every span of 1 to 10
        // whole seconds, retries allowed stay within 10% of first attempts.
        var window = RetryBudgetWindow()
        var random = SplitMix64(state: 99)
        var firsts = [Int](repeating: 0, count: 300)
        var retries = [Int](repeating: 0, count: 300)
        var time: SimTime = 0
        while time < 300 * Self.second {
            time += SimTime(random.next() % UInt64(20 * Self.millisecond))
            guard time < 300 * Self.second else { break }
            let second = Int(time / Self.second)
            // The rate of first attempts swings between seconds, which a lenient budget would
            // let retries ride on.
            if second % 7 < 3 || random.next() % 4 == 0 {
                window.noteFirstAttempt(at: time)
                firsts[second] += 1
            }
            for _ in 0..<3 where window.allowRetry(at: time, budget: 0.1) { retries[second] += 1 }
        }
        #expect(retries.reduce(0, +) > 1_000, "the budget lets retries through")
        for start in 0..<300 {
            for length in 1...10 where start + length <= 300 {
                let f = firsts[start..<(start + length)].reduce(0, +)
                let r = retries[start..<(start + length)].reduce(0, +)
                #expect(Double(r) <= 0.1 * Double(f) + 1e-9, "seconds \(start)+\(length): \(r) retries, \(f) first attempts")
            }
        }
    }

    @Test func aRetryBudgetCapsRetriesInEveryTenSecondsOfARun() {
        // A station that rejects most requests (a concurrency limit of 2, no queue, at 4
        // times its capacity), clients that would retry each failure 3 times.
        var spec = SystemSpec(
            name: "budget",
            workload: WorkloadSpec(
                users: 400, ratePerUser: 1, entry: "s",
                retries: RetrySpec(limit: 3, backoff: 10 * Self.millisecond, budget: 0.1, jitter: .full)),
            nodes: [
                NodeSpec(
                    id: "s", kind: .station, workers: 2, service: .exponential(mean: 20 * Self.millisecond),
                    queueCapacity: 0, concurrencyLimit: 2)
            ])
        var engine = Engine(spec: spec, seed: 5)
        var perSecond: [ClientCounters] = [engine.clientFiguresAll]
        for s in 1...120 {
            engine.run(until: SimTime(s) * Self.second)
            perSecond.append(engine.clientFiguresAll)
        }
        let total = engine.clientFiguresAll
        #expect(total.retriesDenied > 10_000, "the budget refuses most retries: \(total.retriesDenied)")
        #expect(total.retries > 2_000, "and lets about 10% through: \(total.retries)")
        for start in 0...(perSecond.count - 11) {
            let first = perSecond[start + 10].firstAttempts - perSecond[start].firstAttempts
            let retried = perSecond[start + 10].retries - perSecond[start].retries
            #expect(Double(retried) <= 0.1 * Double(first), "from \(start) s: \(retried) retries, \(first) first attempts")
        }
        // Without the budget the same clients retry far more.
        spec.workload.retries.budget = nil
        var unbounded = Engine(spec: spec, seed: 5)
        unbounded.run(until: 120 * Self.second)
        #expect(unbounded.clientFiguresAll.retries > 5 * total.retries)
        #expect(unbounded.clientFiguresAll.retriesDenied == 0)
    }

    @Test func jitterSpreadsTheBackoffAsNamed() {
        // The first retry's wait after a 100 ms backoff, for 200 requests: exactly the
        // backoff (none; decorrelated, whose cap with one retry is the backoff), up to it
        // (full), or within ±50% of it (half).
        for (jitter, low, high): (RetryJitter, Double, Double) in [
            (.none, 0.1, 0.1), (.full, 0, 0.1), (.half, 0.05, 0.15), (.decorrelated, 0.1, 0.1),
        ] {
            let retries = RetrySpec(limit: 1, backoff: 100 * Self.millisecond, jitter: jitter)
            var engine = Engine(spec: Self.fiveRequests(service: Self.millisecond, clientTimeout: nil, retries: retries), seed: 3)
            var waits: [Double] = []
            for k in 0..<200 {
                let i = Int(engine.requests.allocate(born: SimTime(k), user: UInt32(k), key: 9, requestClass: 0))
                engine.requests.slots[i].attempt = 1
                waits.append(engine.retryBackoff(of: i) / 1e9)
            }
            #expect(waits.allSatisfy { $0 >= low - 1e-12 && $0 <= high + 1e-12 }, "\(jitter): \(waits.min()!)...\(waits.max()!)")
            if low < high { #expect(waits.max()! - waits.min()! > (high - low) * 0.8, "\(jitter) spreads") }
        }
    }

    @Test func decorrelatedWaitsGrowFromTheBackoffUpToTheCap() {
        let retries = RetrySpec(limit: 4, backoff: 100 * Self.millisecond, jitter: .decorrelated)
        var engine = Engine(spec: Self.fiveRequests(service: Self.millisecond, clientTimeout: nil, retries: retries), seed: 3)
        var thirds: [Double] = []
        for k in 0..<500 {
            let i = Int(engine.requests.allocate(born: SimTime(k), user: UInt32(k), key: 3, requestClass: 0))
            engine.requests.slots[i].attempt = 3
            thirds.append(engine.retryBackoff(of: i) / 1e9)
        }
        // Between the backoff and the cap, 100 ms × 2^3; spread, not all at either end.
        #expect(thirds.allSatisfy { $0 >= 0.1 - 1e-12 && $0 <= 0.8 + 1e-12 })
        #expect(thirds.min()! < 0.2 && thirds.max()! > 0.6)
    }
}
