@testable import ScaleFiles
import ScaleSim
import Testing

/// The metastable-retry-storm presets: naive retries keep goodput down after the database
/// recovers; the defended variant is back within seconds.
@Suite struct MetastableRetryStormTests {
    /// Completions end to end (goodput: answers within the client deadline) per second,
    /// over the whole seconds from `from` to `to`.
    static func goodput(_ engine: Engine, from: Int, to: Int) -> Double {
        let windows = engine.systemHistory.elements.filter {
            $0.end > SimTime(from) * Nanos.perSecond && $0.end <= SimTime(to) * Nanos.perSecond
        }
        return Double(windows.reduce(0) { $0 + $1.completed }) / Double(max(1, windows.count))
    }

    @Test func naiveRetriesStayCollapsedAMinuteAfterTheSlowdownEnds() throws {
        let spec = try Stage.spec("metastable-retry-storm")
        // The database is slowed from 60 s to 90 s by the preset's own script.
        let engine = Stage.run(spec, seconds: 160)
        let before = Self.goodput(engine, from: 30, to: 60)
        let afterAMinute = Self.goodput(engine, from: 150, to: 160)
        #expect(before > 180, "healthy: about 200 requests/s answered, got \(before)")
        #expect(afterAMinute < 0.2 * before, "still collapsed a minute after the trigger: \(afterAMinute) of \(before)")
        let clients = engine.clientFiguresAll
        #expect(clients.amplification! > 2, "a retry storm: \(clients.amplification!) attempts per request")
        #expect(clients.completedAfterAbandon > 10_000, "the database works for clients long gone")
        // 0.7 for the first minute, then full for good.
        #expect(engine.summary().nodes.first { $0.id == "db" }!.utilization! > 0.85)
    }

    @Test func theDefendedVariantRecoversWithinSeconds() throws {
        let spec = try Stage.spec("metastable-retry-storm-defended")
        let engine = Stage.run(spec, seconds: 120)
        let before = Self.goodput(engine, from: 30, to: 60)
        let during = Self.goodput(engine, from: 65, to: 90)
        let justAfter = Self.goodput(engine, from: 93, to: 100)
        #expect(before > 180, "healthy: \(before)")
        #expect(during > 15, "the slowed database still answers some in time: \(during)")
        #expect(justAfter > 0.9 * before, "back within 3 s of the trigger's end: \(justAfter) of \(before)")
        let clients = engine.clientFiguresAll
        #expect(clients.amplification! < 1.11, "the budget holds retries to 10%: \(clients.amplification!)")
        #expect(engine.summary().nodes.first { $0.id == "db" }!.rejected > 0, "the concurrency limit sheds load")
    }
}
