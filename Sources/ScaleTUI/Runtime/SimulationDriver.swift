import ScaleFiles
import ScaleSim

/// The live simulation behind the dashboard: the engine, its pace, and the recorder that
/// keeps what a replay of the session needs. `EngineDriver` owns it and calls it once per
/// tick; what happens is appended to the actions it is given.
public final class SimulationDriver {
    /// Windows of history each snapshot carries, for the inspector's sparklines.
    public static let historyLimit = 180

    /// The system running, in one engine or in partitions.
    private(set) var run: SystemRun
    /// Threads for partitioned runs, or nil to run every system in one engine.
    private let threads: Int?
    private(set) var paused = false
    /// Simulated seconds per wall second.
    private(set) var speed = 1.0
    /// The last tick could not reach the time the speed asked for.
    private var behind = false
    /// The machine's cores, which `--threads` could use.
    var cores = SystemRun.defaultThreads
    /// Measures the speed reached, from the loop's clock at each tick.
    private var gauge = SpeedGauge()
    private var recorder: SessionRecorder

    /// Runs `engine` as it stands, its session begun at `header` with `history` applied
    /// (empty unless a replay was taken over).
    /// With `threads`, a system of several partitions that starts at time zero runs in
    /// partitions on that many threads (docs/architecture.md, "Windows and messages"), and
    /// a recording names the partitioned engine revision.
    convenience init(
        engine: Engine, header: ReplayHeader, history: [ReplayRecord] = [], clock: any LoopClock, threads: Int? = nil
    ) {
        self.init(run: SystemRun(engine, threads: threads), header: header, history: history, clock: clock, threads: threads)
    }

    /// Goes on with `run` as it stands (a replay taken over), each later stage on `threads`
    /// threads as `run` was asked for.
    init(run: SystemRun, header: ReplayHeader, history: [ReplayRecord] = [], clock: any LoopClock, threads: Int?) {
        self.run = run
        self.threads = threads
        var header = header
        header.engineRevision = run.revision
        recorder = SessionRecorder(header: header, commands: history, clock: clock)
    }

    var isRecording: Bool { recorder.isRecording }

    /// The simulated time now.
    var now: SimTime { run.now }

    /// The design as it runs now.
    var spec: SystemSpec { run.spec }

    /// The partitioned run, when the system runs in partitions.
    var partitioned: PartitionedEngine? { run.partitioned }

    // MARK: - What the dashboard asks

    /// Applies `command` at the current simulated time and logs it for replays.
    func apply(_ command: SimCommand, into actions: inout [DashboardAction]) {
        let result = run.execute(command)
        actions.append(.commandAnswered(command, result, at: now))
        log(.simulation(command), into: &actions)
    }

    func setPaused(_ paused: Bool, into actions: inout [DashboardAction]) {
        self.paused = paused
        log(paused ? .pause : .resume, into: &actions)
    }

    /// Sets the speed; one that is not a positive number is logged but leaves it as it was.
    func setSpeed(_ factor: Double, into actions: inout [DashboardAction]) {
        if factor.isFinite, factor > 0 { speed = factor }
        log(.speed(factor), into: &actions)
    }

    /// Starts over from `spec` at time zero, named `name` in recordings; pause and speed stay.
    func load(_ spec: SystemSpec, keyTrace: [UInt32], name: UntrustedText, into actions: inout [DashboardAction]) {
        // Logged before the engine restarts: the line carries the time it left.
        log(.load(name: name, preset: PresetEncoder.yaml(spec), seed: nil), into: &actions)
        run = SystemRun(Engine(spec: spec, seed: nil, keyTrace: keyTrace), threads: threads)
        behind = false
        gauge.reset()
    }

    /// Records the session into `writer` from its start (after closing any recording);
    /// `terminal` is the screen's `WxH`.
    func startRecording(into writer: ReplayWriter, terminal: String, into actions: inout [DashboardAction]) {
        stopRecording(into: &actions)
        do throws(ReplayError) {
            try recorder.startRecording(into: writer, terminal: terminal)
            actions.append(.recording(.started(path: writer.name)))
        } catch {
            actions.append(.recording(.failed(error.description)))
        }
    }

    /// Ends the recording's file with the final time and digest.
    func stopRecording(into actions: inout [DashboardAction]) {
        guard recorder.isRecording else { return }
        do throws(ReplayError) {
            if let name = try recorder.stopRecording(at: run.now, digest: run.digest()) {
                actions.append(.recording(.stopped(path: name)))
            }
        } catch {
            actions.append(.recording(.failed(error.description)))
        }
    }

    // MARK: - Time

    /// Advances by `wall` time at the current speed unless paused, in 10 ms slices until
    /// `overBudget` turns true; simulated time the budget could not cover is skipped and
    /// the snapshot says the engine is behind. While recording, a checkpoint is written at
    /// every whole simulated second.
    func advance(by wall: Duration, clock: any LoopClock, overBudget: () -> Bool, into actions: inout [DashboardAction]) {
        guard !paused, wall > .zero else {
            behind = false
            gauge.reset()
            return
        }
        // Whole microseconds: commands land between ticks, and replay files time them in µs.
        let target = (now + Nanos.from(seconds: wall.seconds * speed)) / 1_000 * 1_000
        let slice = 10 * Nanos.perMillisecond
        var checkpoints: [(time: SimTime, digest: UInt64)] = []
        while now < target {
            let end = min(target, now + slice)
            if recorder.isRecording {
                run.run(until: end) { checkpoints.append(($0.now, $0.digest())) }
            } else {
                run.run(until: end)
            }
            if overBudget() { break }
        }
        behind = now < target
        gauge.record(wall: clock.now, simulated: now)
        do throws(ReplayError) {
            for (time, digest) in checkpoints { try recorder.checkpoint(at: time, digest: digest) }
        } catch {
            fail(error, into: &actions)
        }
    }

    /// The picture the dashboard shows now.
    func snapshot() -> SimulationSnapshot {
        var snapshot = run.simulationSnapshot(
            paused: paused, speed: speed, behind: behind, historyLimit: Self.historyLimit, speedReached: gauge.reached)
        if behind { snapshot.spreadAvailable = spreadAvailable }
        return snapshot
    }

    /// How `--threads` would spread this system over the machine's cores, when it runs in
    /// one engine though it could run in several partitions, on several cores.
    private var spreadAvailable: PartitionSpread? {
        guard let engine = run.engine, engine.reasonNotPartitioned == nil else { return nil }
        let partitions = engine.partitionPlan.partitions.count
        let threads = min(partitions, cores)
        return threads > 1 ? PartitionSpread(partitions: partitions, threads: threads) : nil
    }

    // MARK: - Recording

    /// Logs the action a replay of this session must repeat, at the engine's time.
    private func log(_ action: ReplayAction, into actions: inout [DashboardAction]) {
        do throws(ReplayError) {
            try recorder.log(action, at: now)
        } catch {
            fail(error, into: &actions)
        }
    }

    /// A write failed: the file keeps its whole lines and the recording stops.
    private func fail(_ error: ReplayError, into actions: inout [DashboardAction]) {
        _ = try? recorder.stopRecording(at: run.now, digest: run.digest())
        actions.append(.recording(.failed(error.description)))
    }
}
