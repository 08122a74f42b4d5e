import Testing

@testable import ScaleSim

/// The circuit breaker: its state machine against a scripted failure pattern, then a
/// breaker on a link of a running engine whose target dies or slows.
@Suite struct CircuitBreakerTests {
    static let second = Nanos.perSecond
    static let millisecond = Nanos.perMillisecond

    // MARK: - The state machine

    @Test func theStateSequenceOfAScriptedFailurePattern() {
        // Window 4, at least 4 outcomes, opens at half failed; open for 1 s; 2 probes.
        var breaker = CircuitBreaker(
            spec: BreakerSpec(threshold: 0.5, window: 4, minRequests: 4, openFor: Self.second, probes: 2), epoch: 1)
        var epochs: UInt32 = 1
        func record(_ failed: Bool, _ epoch: UInt32, at time: SimTime) -> BreakerState? {
            let change = breaker.record(failed: failed, callEpoch: epoch, now: time, newEpoch: epochs + 1)
            if change != nil { epochs += 1 }
            return change
        }
        var admitted: [UInt32?] = []
        for _ in 0..<4 { admitted.append(breaker.admit()) }
        #expect(admitted == [1, 1, 1, 1])
        // Success, failure, failure: 2 of 3 failed, but fewer than 4 outcomes: still closed.
        #expect(record(false, 1, at: 10) == nil)
        #expect(record(true, 1, at: 11) == nil)
        #expect(record(true, 1, at: 12) == nil)
        #expect(breaker.failureRate == 2.0 / 3.0)
        // The fourth: 3 of 4 failed, 0.75 >= 0.5: open, in a new epoch, until 13 + 1 s.
        #expect(record(true, 1, at: 13) == .open)
        #expect(breaker.state == .open && breaker.epoch == 2 && breaker.openUntil == 13 + Self.second)
        #expect(breaker.openingRate == 0.75)
        #expect(breaker.failureRate == nil, "the window starts afresh")
        // Open: calls fail at once, and a late outcome of a call sent while closed is ignored.
        let whileOpen = [breaker.admit(), breaker.admit()]
        #expect(whileOpen == [nil, nil])
        #expect(breaker.shortCircuited == 2)
        #expect(record(false, 1, at: 14) == nil)
        #expect(breaker.state == .open)
        // Not before its time; then half-open in epoch 3.
        let early = breaker.endOpenSpell(now: 12 + Self.second, newEpoch: 3)
        let due = breaker.endOpenSpell(now: 13 + Self.second, newEpoch: 3)
        #expect(!early && due)
        epochs = 3
        #expect(breaker.state == .halfOpen && breaker.timeOpen(at: 99 * Self.second) == Self.second)
        // Two probes go through, the third call fails at once.
        let probing = [breaker.admit(), breaker.admit(), breaker.admit()]
        #expect(probing == [3, 3, nil])
        #expect(breaker.shortCircuited == 3)
        // One probe succeeds, the other fails: open again (epoch 4), and no rate opened it.
        #expect(record(false, 3, at: 2 * Self.second) == nil)
        #expect(record(true, 3, at: 2 * Self.second + 5) == .open)
        #expect(breaker.epoch == 4 && breaker.openingRate == nil && breaker.timesOpened == 2)
        let dueAgain = breaker.endOpenSpell(now: 3 * Self.second + 5, newEpoch: 5)
        #expect(dueAgain)
        epochs = 5
        // Both probes succeed: closed (epoch 6); open 1 s twice.
        let probes = [breaker.admit(), breaker.admit()]
        #expect(probes == [5, 5])
        #expect(record(false, 5, at: 3 * Self.second + 6) == nil)
        #expect(record(false, 5, at: 3 * Self.second + 7) == .closed)
        #expect(breaker.state == .closed && breaker.epoch == 6)
        #expect(breaker.timeOpen(at: 99 * Self.second) == 2 * Self.second)
        let closed = breaker.admit()
        #expect(closed == 6)
    }

    @Test func theWindowSlides() {
        // Threshold 0.6 over the last 4, from 2 outcomes: F S S S F F F. Counted over every
        // outcome the rate would be 4/7 = 0.57 and never reach 0.6; over the last 4 it goes
        // 1/2, 1/3, 1/4, 1/4 (the first F slides out), 2/4, then 3/4, which opens.
        var breaker = CircuitBreaker(
            spec: BreakerSpec(threshold: 0.6, window: 4, minRequests: 2, openFor: Self.second, probes: 1), epoch: 7)
        let pattern = [true, false, false, false, true, true, true]
        var states: [BreakerState?] = []
        for failed in pattern {
            states.append(breaker.record(failed: failed, callEpoch: 7, now: 0, newEpoch: 8))
        }
        #expect(states == [nil, nil, nil, nil, nil, nil, .open])
        #expect(breaker.openingRate == 0.75)
    }

    @Test func aNewWindowSizeStartsTheWindowAfresh() {
        var breaker = CircuitBreaker(spec: BreakerSpec(window: 4, minRequests: 4), epoch: 1)
        for _ in 0..<3 { _ = breaker.record(failed: true, callEpoch: 1, now: 0, newEpoch: 2) }
        breaker.reconfigure(BreakerSpec(threshold: 0.9, window: 4, minRequests: 4))
        #expect(breaker.recorded == 3, "same window: the outcomes stay")
        breaker.reconfigure(BreakerSpec(window: 10, minRequests: 4))
        #expect(breaker.recorded == 0 && breaker.state == .closed)
    }

    // MARK: - In the engine

    /// Users at 100 requests/s to `app`, which calls `db`; both roomy, deterministic.
    static func guarded(breaker: BreakerSpec?, dbTimeout: SimTime? = nil) -> SystemSpec {
        SystemSpec(
            name: "guarded",
            workload: WorkloadSpec(users: 1_000, ratePerUser: 0.1, entry: "app"),
            nodes: [
                NodeSpec(
                    id: "app", kind: .station, workers: 100, service: .deterministic(mean: Self.millisecond),
                    queueCapacity: nil, routes: [RouteSpec(to: "db", breaker: breaker)]),
                NodeSpec(
                    id: "db", kind: .station, workers: 100, service: .deterministic(mean: 2 * Self.millisecond),
                    queueCapacity: nil, timeout: dbTimeout),
            ])
    }

    static let standard = BreakerSpec(threshold: 0.5, window: 20, minRequests: 10, openFor: 5 * second, probes: 3)

    /// The breaker notices posted so far: (time, state, opening rate).
    static func breakerNotices(_ engine: Engine) -> [(SimTime, BreakerState, Double?)] {
        engine.notices.recent.compactMap { notice in
            guard case .breakerChanged("app", "db", let state, let rate) = notice.event else { return nil }
            return (notice.time, state, rate)
        }
    }

    @Test func aDeadTargetOpensTheBreakerWhichProbesUntilItIsBack() throws {
        var engine = Engine(
            spec: Self.guarded(breaker: Self.standard), seed: 3,
            script: [
                ScheduledCommand(at: 10 * Self.second, command: .kill(node: "db", server: nil)),
                ScheduledCommand(at: 30 * Self.second, command: .restore(node: "db", server: nil)),
            ])
        engine.run(until: 60 * Self.second)
        let notices = Self.breakerNotices(engine)
        // Killed at 10 s: every call fails at once (or is lost in service), so the 10th
        // failure makes 10 of the last 20 and opens it, well within half a second at 100/s.
        // Each open spell lasts 5 s; the first probe of each half-open spell fails while
        // `app` still sees no live db server, which lasts until the health check 5 s after
        // the restore, 35 s: so it opens 5 times, the last probes succeed after 35 s.
        #expect(
            notices.map(\.1) == [
                .open, .halfOpen, .open, .halfOpen, .open, .halfOpen, .open, .halfOpen, .open, .halfOpen, .closed,
            ])
        guard notices.count == 11 else { return }
        #expect(notices[0].0 > 10 * Self.second && notices[0].0 < 10 * Self.second + Self.second / 2, "\(notices[0].0)")
        #expect(notices[0].2 == 0.5, "10 of the 20 latest calls failed")
        for k in stride(from: 1, to: 11, by: 2) {
            #expect(notices[k].0 - notices[k - 1].0 == 5 * Self.second, "half-open exactly 5 s after opening")
        }
        for k in stride(from: 2, to: 10, by: 2) {
            #expect(notices[k].0 > notices[k - 1].0 && notices[k].0 < notices[k - 1].0 + Self.second / 2)
            #expect(notices[k].2 == nil, "a failed probe reopened it")
        }
        #expect(notices[9].0 > 35 * Self.second && notices[10].0 < 36 * Self.second)

        let summary = engine.summary()
        let breaker = try #require(summary.breakers.first)
        #expect(summary.breakers.count == 1)
        #expect(breaker.from == "app" && breaker.to == "db" && breaker.state == .closed)
        #expect(breaker.timesOpened == 5)
        #expect(breaker.openSeconds == 25, "five spells of exactly 5 s")
        // Every request served by app either reached db or was short-circuited; without
        // retries, every short-circuit is a failed user request, as is every db failure.
        let app = summary.nodes[0]
        let db = summary.nodes[1]
        #expect(app.completions == db.arrivals + breaker.shortCircuited)
        #expect(summary.endToEnd.counts.failed == db.failed + breaker.shortCircuited)
        // About 100/s for the 25 s it was open (Poisson: the spread is about 50).
        #expect(breaker.shortCircuited > 2_200 && breaker.shortCircuited < 2_800, "\(breaker.shortCircuited)")
        // Failures at db came only while the breaker was closed or probing: 10 to open, the
        // requests lost in service at the kill, and one probe per half-open spell.
        #expect(db.failed >= 14 && db.failed < 20, "\(db.failed)")
        let totals = engine.totalOutcomes
        #expect(
            totals.requests == totals.completed + totals.dropped + totals.timedOut + totals.failed + totals.rejected
                + engine.liveRequests)
    }

    @Test func aSlowTargetOpensItWhenItsLateAnswersComeBack() throws {
        // db times out after 100 ms; slowed 100 times at 10 s, each call takes 200 ms: the
        // sender hears of the first timeout at 10.2 s, and the 10th about 0.1 s later.
        var engine = Engine(
            spec: Self.guarded(breaker: Self.standard, dbTimeout: 100 * Self.millisecond), seed: 5,
            script: [ScheduledCommand(at: 10 * Self.second, command: .slow(node: "db", factor: 100))])
        engine.run(until: 16 * Self.second)
        let notices = Self.breakerNotices(engine)
        let opened = try #require(notices.first)
        #expect(opened.1 == .open)
        #expect(opened.0 >= 10_200 * Self.millisecond && opened.0 < 10_600 * Self.millisecond, "\(opened.0)")
        #expect(opened.2 == 0.5)
        #expect(notices.count == 3, "half-open at open + 5 s, then a probe times out: \(notices.map(\.1))")
        #expect(notices.dropFirst().first?.0 == opened.0 + 5 * Self.second)
        let summary = engine.summary()
        #expect(summary.nodes[1].timedOut > 10)
        #expect(summary.breakers[0].shortCircuited > 400)
    }

    @Test func aBreakerThatNeverTripsChangesNoFigure() {
        var plain = Engine(spec: Self.guarded(breaker: nil), seed: 11)
        var guarded = Engine(spec: Self.guarded(breaker: Self.standard), seed: 11)
        plain.run(until: 20 * Self.second)
        guarded.run(until: 20 * Self.second)
        #expect(plain.summary().endToEnd == guarded.summary().endToEnd)
        #expect(plain.summary().nodes == guarded.summary().nodes)
        #expect(guarded.summary().breakers.first?.shortCircuited == 0)
        #expect(guarded.breakerCalls.count < 10, "call records are reused, not one per request")
    }

    // MARK: - The command

    @Test func theCommandRefusesALinkThatDoesNotExistAndChangesNothing() {
        var engine = Engine(spec: Self.guarded(breaker: nil), seed: 1)
        engine.run(until: Self.second)
        let before = engine.spec
        let refusals: [(SimCommand, String)] = [
            (
                .setBreaker(from: "db", to: "app", breaker: .standard),
                "db has no route to app: a breaker guards a link that exists"
            ),
            (
                .setBreaker(from: "app", to: "app", breaker: .standard),
                "app has no route to app: a breaker guards a link that exists"
            ),
            (.setBreaker(from: "app", to: "cache", breaker: .standard), "no node named cache"),
            (.setBreaker(from: "web", to: "db", breaker: .standard), "no node named web"),
            (.setBreaker(from: "app", to: "db", breaker: nil), "app has no breaker on its link to db"),
            (
                .setBreaker(from: "app", to: "db", breaker: BreakerSpec(threshold: 1.5)),
                "app to db: expected \(BreakerSpec.thresholdExpected) for threshold"
            ),
            (
                .setBreaker(from: "app", to: "db", breaker: BreakerSpec(threshold: .nan)),
                "app to db: expected \(BreakerSpec.thresholdExpected) for threshold"
            ),
            (
                .setBreaker(from: "app", to: "db", breaker: BreakerSpec(window: -1)),
                "app to db: expected \(BreakerSpec.windowExpected) for window"
            ),
            (
                .setBreaker(from: "app", to: "db", breaker: BreakerSpec(window: 5, minRequests: 6)),
                "app to db: expected \(BreakerSpec.minRequestsExpected) for min_requests"
            ),
            (
                .setBreaker(from: "app", to: "db", breaker: BreakerSpec(openFor: -Self.second)),
                "app to db: expected \(BreakerSpec.openForExpected) for open_for"
            ),
            (
                .setBreaker(from: "app", to: "db", breaker: BreakerSpec(probes: 0)),
                "app to db: expected \(BreakerSpec.probesExpected) for probes"
            ),
        ]
        for (command, reason) in refusals {
            #expect(engine.execute(command) == .refused(reason))
        }
        #expect(engine.spec == before)
        #expect(engine.breakers.isEmpty)
        #expect(engine.refusedCommands.count == refusals.count)
    }

    @Test func theCommandPutsReplacesAndTakesAwayABreaker() {
        var engine = Engine(spec: Self.guarded(breaker: nil), seed: 1)
        engine.run(until: Self.second)
        #expect(engine.execute(.setBreaker(from: "app", to: "db", breaker: .standard)) == .applied)
        #expect(engine.spec.nodes[0].routes[0].breaker == .standard)
        #expect(engine.simulationSnapshot().breakers.map(\.state) == [.closed])
        engine.run(until: 2 * Self.second)
        let calls = engine.simulationSnapshot().breakers[0].windowCount
        #expect(calls == 20, "a second at 100/s fills the window of 20")
        let tighter = BreakerSpec(threshold: 0.2, window: 20, minRequests: 5, openFor: Self.second, probes: 1)
        #expect(engine.execute(.setBreaker(from: "app", to: "db", breaker: tighter)) == .applied)
        #expect(engine.simulationSnapshot().breakers[0].spec == tighter)
        #expect(engine.simulationSnapshot().breakers[0].windowCount == 20, "same window size: the outcomes stay")
        #expect(engine.execute(.setBreaker(from: "app", to: "db", breaker: nil)) == .applied)
        #expect(engine.spec.nodes[0].routes[0].breaker == nil)
        #expect(engine.breakers.isEmpty)
        // The system is again the one its spec builds, and runs on.
        #expect(engine.spec == Self.guarded(breaker: nil))
        engine.run(until: 3 * Self.second)
        #expect(engine.breakerCalls.count == engine.freeBreakerCalls.count, "every call settled")
    }
}
