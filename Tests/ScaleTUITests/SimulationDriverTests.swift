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
        #expect(driver.now == Nanos.perSecond)
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
    /// it is spread, a command it takes applies, and any other is answered refused. A
    /// system of one partition runs in one engine.
    @Test func aPartitionedRunSaysItsSpreadAndRefusesWhatItCannotTake() throws {
        let spec = try PresetCatalog(environment: [:]).load("08-multi-dc").spec
        let header = ReplayHeader(spec: spec, presetName: "08-multi-dc", seed: 42)
        let driver = SimulationDriver(engine: Engine(spec: spec), header: header, clock: VirtualClock(), threads: 2)
        var actions: [DashboardAction] = []
        driver.advance(by: .milliseconds(500), clock: VirtualClock(), overBudget: { false }, into: &actions)
        #expect(driver.now == Nanos.perSecond / 2)
        driver.apply(.addServers(node: "app", count: 1), into: &actions)
        // Retries that could come back sooner than the run's windows: not taken.
        driver.apply(.setRetries(limit: 3, backoff: Nanos.perMillisecond), into: &actions)
        let answers = actions.compactMap { action -> CommandResult? in
            if case .commandAnswered(_, let result, let time) = action, time == Nanos.perSecond / 2 { return result }
            return nil
        }
        #expect(answers.first == .applied)
        #expect(answers.count == 2 && answers[1] != .applied)
        let snapshot = driver.snapshot()
        #expect(snapshot.spread?.partitions == 2 && snapshot.spread?.threads == 2)
        #expect(snapshot.nodes.first { $0.spec.id == "app" }?.servers == 25)

        let network = try PresetCatalog(environment: [:]).load("bench-network").spec
        let one = SimulationDriver(
            engine: Engine(spec: network), header: ReplayHeader(spec: network, presetName: "bench-network", seed: 42),
            clock: VirtualClock(), threads: 2)
        #expect(one.partitioned == nil && one.snapshot().spread == nil)
    }

    /// Behind in one engine, a system of several partitions says what `--threads` would
    /// spread it over: at most a thread per partition, and nothing on one core, when it
    /// keeps up, or for a system of one partition.
    @Test func behindInOneEngineTheSnapshotOffersTheThreads() throws {
        let spec = try PresetCatalog(environment: [:]).load("08-multi-dc").spec
        let header = ReplayHeader(spec: spec, presetName: "08-multi-dc", seed: 42)
        func offer(cores: Int, behind: Bool, spec: SystemSpec = spec) -> PartitionSpread? {
            let driver = SimulationDriver(engine: Engine(spec: spec), header: header, clock: VirtualClock())
            driver.cores = cores
            var actions: [DashboardAction] = []
            driver.setSpeed(behind ? 1_000 : 1, into: &actions)
            driver.advance(by: .milliseconds(100), clock: VirtualClock(), overBudget: { behind }, into: &actions)
            #expect(driver.snapshot().behind == behind)
            return driver.snapshot().spreadAvailable
        }
        #expect(offer(cores: 8, behind: true) == PartitionSpread(partitions: 2, threads: 2))
        #expect(offer(cores: 1, behind: true) == nil)
        #expect(offer(cores: 8, behind: false) == nil)
        #expect(offer(cores: 8, behind: true, spec: try PresetCatalog(environment: [:]).load("bench-network").spec) == nil)
    }

    /// A partitioned session records as any other: the header names the partitioned
    /// revision, and the file replays and verifies on another number of threads, although
    /// the dashboard ran it in slices of wall time the replay never stops at; a data center
    /// killed on the way sends users across once geo-DNS notices.
    @Test func aPartitionedSessionRecordsAndVerifiesOnOtherThreads() throws {
        let spec = try PresetCatalog(environment: [:]).load("08-multi-dc").spec
        let header = ReplayHeader(spec: spec, presetName: "08-multi-dc", seed: 42)
        let driver = SimulationDriver(engine: Engine(spec: spec), header: header, clock: VirtualClock(), threads: 2)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("partitioned-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var actions: [DashboardAction] = []
        driver.advance(by: .milliseconds(230), clock: VirtualClock(), overBudget: { false }, into: &actions)
        driver.startRecording(into: try ReplayWriter(creating: path, force: false), terminal: "80x24", into: &actions)
        #expect(driver.isRecording)
        for (step, command) in [
            SimCommand.addServers(node: "app", count: 2), .killDataCenter("eu-west"), .removeServers(node: "app", count: 1),
        ]
        .enumerated() {
            driver.advance(by: .milliseconds(370 + 130 * step), clock: VirtualClock(), overBudget: { false }, into: &actions)
            driver.apply(command, into: &actions)
        }
        // Past the 10 s geo-DNS takes to send eu's users across to us-east.
        driver.advance(by: .milliseconds(11_900), clock: VirtualClock(), overBudget: { false }, into: &actions)
        let end = driver.now
        driver.stopRecording(into: &actions)
        #expect(!actions.contains { if case .recording(.failed) = $0 { true } else { false } }, "\(actions)")

        let file = try ReplayReader.read(file: path)
        #expect(file.header.engineRevision == Engine.partitionedRevision)
        #expect(file.isVerifiable)
        var replayer = Replayer(file: file, threads: 1)
        try replayer.runToEnd(verify: true)
        #expect(replayer.run.partitioned != nil)
        #expect(replayer.run.now == end)
        #expect(replayer.verifiedCheckpoints == 14, "13 whole seconds and the end")
        let regions = replayer.run.simulationSnapshot().regions
        let eu = try #require(regions.first { $0.name == "eu" })
        // Resolvers forget eu-west as their answers expire (DNS TTL): some users have moved.
        #expect((eu.byDataCenter["us-east"]?.arrivals ?? 0) > 0, "\(eu)")
    }

    /// What a revision refused that the next one takes, recorded between commands both take.
    static let refusedByRevision: [Int: [SimCommand]] = [
        4: [.setCacheCapacity(node: "cache-eu", entries: 100), .addCache(front: "db-replica-eu", entries: 50)],
        5: [.partition("us-east", "eu-west"), .heal("us-east", "eu-west")],
    ]

    /// A session of an older partitioned revision keeps verifying: its replay refuses again
    /// what that revision refused (4: a cache's capacity, a new cache; 5: a network cut and
    /// its heal), while the next takes them, so the same file read as the next revision
    /// diverges.
    @Test(arguments: [4, 5])
    func anOlderRevisionsSessionStillVerifies(revision: Int) throws {
        let spec = try PresetCatalog(environment: [:]).load("08-multi-dc").spec
        let header = ReplayHeader(spec: spec, presetName: "08-multi-dc", seed: 42)
        let run = SystemRun(Engine(spec: spec), threads: 2, partitionedRevision: revision)
        let driver = SimulationDriver(run: run, header: header, clock: VirtualClock(), threads: 2)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("revision\(revision)-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var actions: [DashboardAction] = []
        driver.startRecording(into: try ReplayWriter(creating: path, force: false), terminal: "80x24", into: &actions)
        let refused = try #require(Self.refusedByRevision[revision])
        for command in [refused[0], .addServers(node: "app", count: 1), refused[1]] {
            driver.advance(by: .milliseconds(600), clock: VirtualClock(), overBudget: { false }, into: &actions)
            driver.apply(command, into: &actions)
        }
        driver.advance(by: .milliseconds(1_500), clock: VirtualClock(), overBudget: { false }, into: &actions)
        driver.stopRecording(into: &actions)
        let answers = actions.compactMap { if case .commandAnswered(_, let result, _) = $0 { result } else { nil } }
        #expect(answers.map { $0 == .applied } == [false, true, false], "\(answers)")

        let file = try ReplayReader.read(file: path)
        #expect(file.header.engineRevision == revision)
        var replayer = Replayer(file: file, threads: 1)
        try replayer.runToEnd(verify: true)
        #expect(replayer.verifiedCheckpoints == 4, "3 whole seconds and the end")

        // Read as the next revision, the same commands apply: the run moves, and the replay says so.
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "\"engine_revision\":\(revision)", with: "\"engine_revision\":\(revision + 1)")
        let renamed = path + ".next.jsonl"
        defer { try? FileManager.default.removeItem(atPath: renamed) }
        try text.write(toFile: renamed, atomically: true, encoding: .utf8)
        var newer = Replayer(file: try ReplayReader.read(file: renamed), threads: 1)
        #expect(throws: ReplayDivergence.self) { try newer.runToEnd(verify: true) }
    }

    /// A system revision 5 ran in one engine (the partition preset, whose script cuts the
    /// link) replays in one engine from a revision-5 file, and runs partitioned in 6.
    @Test func revision5RunsInOneEngineWhatItDid() throws {
        let cut = Engine(spec: try PresetCatalog(environment: [:]).load("partition").spec)
        #expect(SystemRun(cut, threads: 2, partitionedRevision: 5).partitioned == nil)
        #expect(SystemRun(cut, threads: 2, partitionedRevision: 6).partitioned != nil)
    }
}
