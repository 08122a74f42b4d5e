import Foundation
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

    /// With threads, a system of several partitions runs partitioned: the snapshot says how
    /// it is spread, a command it takes applies, any other is answered refused, and a
    /// recording is refused and leaves no file. A system of one partition runs in one engine.
    @Test func aPartitionedRunSaysItsSpreadAndRefusesWhatItCannotTake() throws {
        let spec = try PresetCatalog(environment: [:]).load("08-multi-dc").spec
        let header = ReplayHeader(spec: spec, presetName: "08-multi-dc", seed: 42)
        let driver = SimulationDriver(engine: Engine(spec: spec), header: header, clock: VirtualClock(), threads: 2)
        var actions: [DashboardAction] = []
        driver.advance(by: .milliseconds(500), clock: VirtualClock(), overBudget: { false }, into: &actions)
        #expect(driver.now == Nanos.perSecond / 2)
        driver.apply(.addServers(node: "app", count: 1), into: &actions)
        driver.apply(.partition("us-east", "eu-west"), into: &actions)
        let answers = actions.compactMap { action -> CommandResult? in
            if case .commandAnswered(_, let result, let time) = action, time == Nanos.perSecond / 2 { return result }
            return nil
        }
        #expect(answers.first == .applied)
        #expect(answers.count == 2 && answers[1] != .applied)
        let snapshot = driver.snapshot()
        #expect(snapshot.spread?.partitions == 2 && snapshot.spread?.threads == 2)
        #expect(snapshot.nodes.first { $0.spec.id == "app" }?.servers == 25)
        #expect(snapshot.datacenters.allSatisfy { !$0.down })

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("partitioned-\(UUID()).jsonl").path
        actions = []
        driver.startRecording(into: try ReplayWriter(creating: path, force: false), terminal: "80x24", into: &actions)
        #expect(!driver.isRecording)
        #expect(!FileManager.default.fileExists(atPath: path))
        guard case .recording(.refused(let reason)) = actions.last else {
            Issue.record("no refusal: \(actions)")
            return
        }
        #expect(reason.contains("a partitioned run is not recorded"))

        let network = try PresetCatalog(environment: [:]).load("bench-network").spec
        let one = SimulationDriver(
            engine: Engine(spec: network), header: ReplayHeader(spec: network, presetName: "bench-network", seed: 42),
            clock: VirtualClock(), threads: 2)
        #expect(one.partitioned == nil && one.snapshot().spread == nil)
    }
}
