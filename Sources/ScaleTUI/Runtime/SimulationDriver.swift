import ScaleFiles
import ScaleSim

/// What the dashboard asks of the simulation between two ticks.
public enum DriverRequest: Sendable {
    case command(SimCommand)
    case pause
    case resume
    case setSpeed(Double)
    /// Start over from a preset (a stage key, `load` at the prompt); `loads` in the output
    /// says when the engine did.
    case load(SystemSpec, keyTrace: [UInt32], name: UntrustedText)
    /// Send back the live topology (for `w`).
    case fetchSpec
    /// Record the session into `writer`, from its start; `terminal` is the screen's `WxH`.
    case startRecording(ReplayWriter, terminal: String)
    case stopRecording
    /// Replay only: jump by this much simulated time (back replays from the start).
    case seek(SimTime)
    /// Replay only: hand the engine over for a live session from here.
    case takeOver
}

/// What became of a recording.
public enum RecordingEvent: Sendable, Equatable {
    case started(path: String)
    case stopped(path: String)
    case failed(String)
}

/// What came back from the simulation since the UI last looked.
public struct DriverOutput: Sendable {
    /// The newest snapshot, if one arrived since the last take: of the engine the last of
    /// `loads` started, if any.
    public var snapshot: SimulationSnapshot?
    /// Commands applied or refused, each at the simulated time the engine took it.
    public var answers: [(command: SimCommand, result: CommandResult, time: SimTime)] = []
    public var specs: [SystemSpec] = []
    public var recording: [RecordingEvent] = []
    /// Presets the engine started over from, oldest first.
    public var loads: [(name: UntrustedText, spec: SystemSpec)] = []
    /// Replay only: how far it has played, and the handover.
    public var replay: ReplayProgress?
    public var handover: ReplayHandover?

    /// Adds `newer`, produced after this: its lists after these, its snapshot and progress
    /// in place of these.
    mutating func append(_ newer: DriverOutput) {
        snapshot = newer.snapshot ?? snapshot
        answers += newer.answers
        specs += newer.specs
        recording += newer.recording
        loads += newer.loads
        replay = newer.replay ?? replay
        handover = newer.handover ?? handover
    }
}

/// Runs the simulation at its own pace on its own task, independent of the frame rate.
///
/// The UI thread never awaits: it drops requests into a mailbox and takes whatever output
/// is ready, both behind a lock held only for the swap. The actor is crossed once per tick,
/// never per request.
public final class SimulationDriver: EngineDriver {
    public let simulation: Simulation
    public let mailbox = DriverMailbox()
    /// How often the engine is ticked and a snapshot published.
    public static let tickInterval: Duration = .milliseconds(33)
    /// Windows of history each snapshot carries, for the inspector's sparklines.
    public static let historyLimit = 180
    /// Commands applied per tick at most: a pasted or scripted burst is applied in slices,
    /// so snapshots keep coming and `q` is never stuck behind it.
    public static let commandsPerTick = 100

    /// The history a replay taken over brings: its header and the commands played so far.
    private let history: (header: ReplayHeader, commands: [ReplayRecord])?

    public init(simulation: Simulation, history: (header: ReplayHeader, commands: [ReplayRecord])? = nil) {
        self.simulation = simulation
        self.history = history
    }

    /// Ticks the simulation until `stop()`, at wall-clock pace; `presetName` names the
    /// running preset in recordings. A recording still open at the end gets its end line.
    public func run(presetName: UntrustedText) async {
        var recorder = if let history {
            SessionRecorder(header: history.header, commands: history.commands)
        } else {
            SessionRecorder(header: ReplayHeader(spec: await simulation.spec, presetName: presetName, seed: await simulation.seed))
        }
        let clock = ContinuousClock()
        var last = clock.now
        var pending: [DriverRequest] = []
        while !mailbox.isStopped {
            await handleRequests(&recorder, &pending)
            let now = clock.now
            let elapsed = now - last
            last = now
            await simulation.tick(wallSeconds: elapsed.seconds)
            if recorder.isRecording {
                do throws(ReplayError) {
                    for (time, digest) in await simulation.takeCheckpoints() { try recorder.checkpoint(at: time, digest: digest) }
                } catch {
                    await fail(&recorder, error)
                }
            }
            let snapshot = await simulation.snapshot(historyLimit: Self.historyLimit)
            mailbox.post { $0.snapshot = snapshot }
            try? await Task.sleep(until: now + Self.tickInterval, clock: clock)
        }
        await handleRequests(&recorder, &pending, stopping: true)
        await stopRecording(&recorder)
    }

    private func fail(_ recorder: inout SessionRecorder, _ error: ReplayError) async {
        _ = try? recorder.stopRecording(at: await simulation.now, digest: await simulation.digest)
        await simulation.setTakesCheckpoints(false)
        mailbox.post { $0.recording.append(.failed(error.description)) }
    }

    private func stopRecording(_ recorder: inout SessionRecorder) async {
        guard recorder.isRecording else { return }
        do throws(ReplayError) {
            if let name = try recorder.stopRecording(at: await simulation.now, digest: await simulation.digest) {
                mailbox.post { $0.recording.append(.stopped(path: name)) }
            }
        } catch {
            mailbox.post { $0.recording.append(.failed(error.description)) }
        }
        await simulation.setTakesCheckpoints(false)
    }

    /// Handles the requests waiting in `pending` and the mailbox, in order, up to
    /// `commandsPerTick` commands; the rest stay in `pending` for the next tick.
    private func handleRequests(_ recorder: inout SessionRecorder, _ pending: inout [DriverRequest], stopping: Bool = false) async {
        pending += mailbox.receive()
        // On the way out, commands not applied yet are dropped: they never ran, so nothing
        // records them, and quitting never waits for a burst.
        if stopping { pending.removeAll { if case .command = $0 { true } else { false } } }
        var commands = 0
        var handled = 0
        defer { pending.removeFirst(handled) }
        for request in pending {
            if case .command = request {
                guard commands < Self.commandsPerTick else { break }
                commands += 1
            }
            handled += 1
            // The action a replay of this session must repeat, logged at the engine's time.
            var logged: ReplayAction?
            switch request {
            case .command(let command):
                let result = await simulation.apply(command)
                let time = await simulation.now
                mailbox.post { $0.answers.append((command, result, time)) }
                logged = .simulation(command)
            case .pause:
                await simulation.pause()
                logged = .pause
            case .resume:
                await simulation.resume()
                logged = .resume
            case .setSpeed(let factor):
                await simulation.setSpeed(factor)
                logged = .speed(factor)
            case .load(let spec, let keyTrace, let name):
                // Logged before the engine restarts: the line carries the time it left.
                do throws(ReplayError) {
                    try recorder.log(.load(name: name, preset: PresetEncoder.yaml(spec), seed: nil), at: await simulation.now)
                } catch {
                    await fail(&recorder, error)
                }
                await simulation.load(spec, keyTrace: keyTrace)
                // A snapshot of the engine left behind, not yet taken, would follow the load
                // and bring back its notices: only the new engine's go out from here.
                mailbox.post {
                    $0.snapshot = nil
                    $0.loads.append((name, spec))
                }
            case .fetchSpec:
                let spec = await simulation.spec
                mailbox.post { $0.specs.append(spec) }
            case .startRecording(let writer, let terminal):
                await stopRecording(&recorder)
                do throws(ReplayError) {
                    try recorder.startRecording(into: writer, terminal: terminal)
                    await simulation.setTakesCheckpoints(true)
                    mailbox.post { $0.recording.append(.started(path: writer.name)) }
                } catch {
                    mailbox.post { $0.recording.append(.failed(error.description)) }
                }
            case .stopRecording:
                await stopRecording(&recorder)
            case .seek, .takeOver:
                // Only a replay seeks or hands over.
                break
            }
            if let logged {
                do throws(ReplayError) {
                    try recorder.log(logged, at: await simulation.now)
                } catch {
                    await fail(&recorder, error)
                }
            }
        }
    }
}
