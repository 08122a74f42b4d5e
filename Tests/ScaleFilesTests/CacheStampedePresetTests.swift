@testable import ScaleFiles
@testable import ScaleSim
import Testing

/// The `cache-stampede` preset proves its lesson: a flushed hot cache sends every reader to
/// the database, which saturates and drops reads; with request coalescing it does not.
@Suite struct CacheStampedePresetTests {
    /// The preset run to 80 s (its script flushes the cache at 60 s), coalescing as given.
    static func run(coalesce: Bool) throws -> Engine {
        var spec = try Stage.spec("cache-stampede")
        let cache = try #require(spec.nodes.firstIndex { $0.id == "cache" })
        spec.nodes[cache].cache?.coalesce = coalesce
        return Stage.run(spec, seconds: 80)
    }

    static func db(_ engine: Engine) throws -> [NodeWindow] {
        let n = try #require(engine.spec.nodes.firstIndex { $0.id == "db" })
        return engine.nodes[n].history.elements
    }

    @Test func beforeTheFlushTheWarmCacheKeepsTheDatabaseIdle() throws {
        let db = try Self.db(try Self.run(coalesce: false))
        // Seconds 40 to 59: full load, every key cached; the database sees the writes
        // (0.5% of 10,000/s = 50/s) and little else.
        for window in db[40..<60] {
            #expect(window.arrivals < 100 && window.utilization < 0.2 && window.dropped == 0, "\(window)")
        }
    }

    @Test func withoutCoalescingTheFlushSaturatesTheDatabaseAndDropsReads() throws {
        let engine = try Self.run(coalesce: false)
        let db = try Self.db(engine)
        // Window 60 is the second after the flush: ~9,950 reads miss, the database serves
        // 32 / 50 ms = 640 a second, its queue of 1,000 fills and the rest are dropped.
        #expect(db[60].arrivals > 2_000, "\(db[60].arrivals)")
        #expect(db[60].utilization > 0.99 && db[61].utilization > 0.99)
        let dropped = db[60..<70].map(\.dropped).reduce(0, +)
        #expect(dropped > 1_000, "\(dropped)")
        #expect(try engine.summary().node("db").dropped == dropped)
    }

    @Test func withCoalescingTheDatabaseSeesAboutOneReadPerKey() throws {
        let engine = try Self.run(coalesce: true)
        let db = try Self.db(engine)
        let s = engine.summary()
        #expect(s.errors == 0)
        // 600 keys: at most one read each, plus the second's ~50 writes.
        #expect(db[60].arrivals <= 600 + 100 && db[60].arrivals > 400, "\(db[60].arrivals)")
        #expect(db[62..<70].allSatisfy { $0.utilization < 0.3 })
        let coalesced = try #require(try s.node("cache").cache?.coalesced)
        #expect(coalesced > 1_000, "reads that waited instead of going on: \(coalesced)")
    }
}
