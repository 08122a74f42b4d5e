import Testing

@testable import ScaleSim

/// Request coalescing at a cache: one read per key on its way to the database at a time.
@Suite struct CoalescingTests {
    static let ms = Nanos.perMillisecond

    /// 2,000 reads of 10 keys, uniform, at 10,000 a second, through a cache to a database
    /// that answers in exactly 50 ms: each key's first miss is on its way while some 50 more
    /// reads of the same key come in. Nothing is random but the arrivals and keys.
    static func burst(coalesce: Bool, at time: SimTime? = nil, _ command: SimCommand? = nil) -> SystemSpec {
        var spec = SystemSpec(
            name: "burst",
            workload: WorkloadSpec(
                users: 1, ratePerUser: 10_000, keys: KeySpace(count: 10, zipf: 0), entry: "cache", requestLimit: 2_000),
            nodes: [
                NodeSpec(
                    id: "cache", kind: .cache, workers: 1_000, service: .deterministic(mean: Nanos.perMicrosecond),
                    routes: [RouteSpec(to: "db", outcome: .miss)], cache: CacheSpec(entries: 100, coalesce: coalesce)),
                NodeSpec(id: "db", kind: .db, workers: 1_000, service: .deterministic(mean: 50 * ms)),
            ])
        if let time, let command { spec.script = [ScheduledCommand(at: time, command: command)] }
        return spec
    }

    static func drained(_ spec: SystemSpec) -> (RunSummary, Engine) {
        var engine = Engine(spec: spec, seed: 7)
        engine.runUntilDrained()
        return (engine.summary(), engine)
    }

    @Test func aMissBurstSendsExactlyOneReadPerKey() throws {
        let (s, _) = Self.drained(Self.burst(coalesce: true))
        let cache = try #require(s.nodes.first { $0.id == "cache" }?.cache)
        let db = try #require(s.nodes.first { $0.id == "db" })
        #expect(db.arrivals == 10, "one read per key, not \(db.arrivals)")
        #expect(cache.misses == 10 + cache.coalesced)
        // In the first 50 ms some 500 reads arrive; all but the 10 leaders wait.
        #expect((400...600).contains(cache.coalesced), "\(cache.coalesced)")
        #expect(s.endToEnd.counts.completed == 2_000)
    }

    @Test func withoutCoalescingEveryMissGoesToTheDatabase() throws {
        let (s, _) = Self.drained(Self.burst(coalesce: false))
        let cache = try #require(s.nodes.first { $0.id == "cache" }?.cache)
        let db = try #require(s.nodes.first { $0.id == "db" })
        #expect(db.arrivals == cache.misses)
        #expect(db.arrivals > 400, "\(db.arrivals)")
        #expect(cache.coalesced == 0)
    }

    @Test func aFlushStartsOneNewBurstOfOneReadPerKey() throws {
        let (s, _) = Self.drained(Self.burst(coalesce: true, at: 100 * Self.ms, .flush(node: "cache")))
        let db = try #require(s.nodes.first { $0.id == "db" })
        #expect(db.arrivals == 20, "two bursts of 10 keys: \(db.arrivals)")
        #expect(s.endToEnd.counts.completed == 2_000)
    }

    @Test func waitersTakeTheLeadersAnswerAndItsTime() throws {
        let (s, _) = Self.drained(Self.burst(coalesce: true))
        // The slowest read waited for a whole database read: 50 ms plus two 1 µs lookups.
        let p99 = try #require(s.endToEnd.p99)
        #expect(p99 <= 50 * Self.ms + 3 * Nanos.perMicrosecond)
        #expect(p99 > 45 * Self.ms)
    }

    /// Every way a leader's read can end without an answer frees its waiters: none is left
    /// waiting for ever, each is counted.
    @Test(arguments: [
        ("kill db", SimCommand.kill(node: "db", server: nil)),
        ("remove cache", SimCommand.removeCache("cache")),
    ])
    func nothingWaitsForAReadThatWillNotComeBack(_ name: String, _ command: SimCommand) throws {
        let (s, engine) = Self.drained(Self.burst(coalesce: true, at: 20 * Self.ms, command))
        #expect(engine.requests.live == 0, "\(name): requests left waiting")
        let counts = s.endToEnd.counts
        #expect(counts.completed + counts.failed == 2_000, "\(name)")
        #expect(counts.failed >= 150, "\(name): the ~200 reads of the first 20 ms fail: \(counts.failed)")
    }

    @Test func aTimedOutLeaderFailsItsWaitersTheSameWay() throws {
        var spec = Self.burst(coalesce: true)
        spec.nodes[1].timeout = 10 * Self.ms
        let (s, engine) = Self.drained(spec)
        #expect(engine.requests.live == 0)
        #expect(s.endToEnd.counts.completed == 0, "every read outlives the database's 10 ms timeout")
        #expect(s.endToEnd.counts.timedOut == 2_000)
    }

    @Test func turningCoalescingOnIsACommandAndTheSpecFollows() {
        var engine = Engine(spec: Self.burst(coalesce: false), seed: 7)
        #expect(engine.execute(.setCoalescing(node: "cache", on: true)) == .applied)
        #expect(engine.spec.nodes[0].cache?.coalesce == true)
        engine.runUntilDrained()
        #expect(engine.summary().nodes.first { $0.id == "db" }?.arrivals == 10)
        #expect(engine.execute(.setCoalescing(node: "db", on: true)) != .applied)
        #expect(engine.execute(.setCoalescing(node: "nowhere", on: true)) != .applied)
        #expect(engine.spec.nodes[1].cache == nil)
    }
}
