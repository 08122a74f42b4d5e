import ScaleFiles
import ScaleSim
import Testing

@testable import ScaleTUI

/// The live driver's pace: simulated time follows the wall clock times the speed, stops
/// while paused, and is marked behind when the tick's budget cannot cover it.
@Suite struct SimulationDriverTests {
    static func driver(users: Int? = nil) throws -> SimulationDriver {
        var spec = try PresetCatalog(environment: [:]).load("bench-network").spec
        if let users { spec.workload.users = users }
        let header = ReplayHeader(spec: spec, presetName: "bench-network", seed: 4)
        return SimulationDriver(engine: Engine(spec: spec, seed: 4), header: header, clock: VirtualClock())
    }

    @Test func timeFollowsTheSpeedAndStopsWhilePaused() throws {
        let driver = try Self.driver()
        var actions: [DashboardAction] = []
        driver.setSpeed(10, into: &actions)
        driver.advance(by: .milliseconds(100), clock: VirtualClock(), overBudget: { false }, into: &actions)
        #expect(driver.engine.now == Nanos.perSecond)
        driver.setPaused(true, into: &actions)
        driver.advance(by: .milliseconds(100), clock: VirtualClock(), overBudget: { false }, into: &actions)
        let snapshot = driver.snapshot()
        #expect(snapshot.time == Nanos.perSecond)
        #expect(snapshot.paused)
        #expect(!snapshot.behind)
        #expect(snapshot.speed == 10)
    }

    @Test func aSpeedTheBudgetCannotCoverIsMarkedBehind() throws {
        let driver = try Self.driver(users: 20_000_000)  // 2M requests/s
        var actions: [DashboardAction] = []
        driver.setSpeed(1_000, into: &actions)
        // The budget runs out after the first 10 ms slice.
        driver.advance(by: .seconds(1), clock: VirtualClock(), overBudget: { true }, into: &actions)
        let snapshot = driver.snapshot()
        #expect(snapshot.behind)
        #expect(snapshot.time == 10 * Nanos.perMillisecond)
        #expect(actions.isEmpty, "nothing to say: not recording, no command")
    }

    @Test func aSpeedThatIsNotAPositiveNumberLeavesItAsItWas() throws {
        let driver = try Self.driver()
        var actions: [DashboardAction] = []
        for factor in [0, -1, Double.nan, .infinity] { driver.setSpeed(factor, into: &actions) }
        #expect(driver.speed == 1)
    }
}
