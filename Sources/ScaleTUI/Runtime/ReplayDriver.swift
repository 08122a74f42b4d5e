import ScaleFiles
import ScaleSim

/// Plays a replay file back at its recorded pace, on its own task.
///
/// Simulated time advances at the speed the recording was at, times the viewer's factor;
/// each command line applies when the engine reaches its time, so the run is the recorded
/// one exactly. A pause in the recording lasts the wall time it lasted then. Seeking back
/// replays from the start (`Replayer.seek`); the engine is fast enough.
public final class ReplayDriver: EngineDriver {
    public let file: ReplayFile
    public let mailbox = DriverMailbox()
    private let initialFactor: Double

    /// `factor` multiplies the recorded speed (`--speed`).
    public init(file: ReplayFile, factor: Double = 1) {
        self.file = file
        initialFactor = factor
    }

    /// Playback state owned by the run loop.
    private struct Playback {
        var replayer: Replayer
        var viewerPaused = false
        var factor: Double
        /// When the recording's own pause began here, and its wall time in the file.
        var recordedPause: (since: ContinuousClock.Instant, wallMilliseconds: Int64)?
    }

    public func run(presetName: String) async {
        let clock = ContinuousClock()
        var playback = Playback(replayer: Replayer(file: file), factor: initialFactor)
        var last = clock.now
        while !mailbox.isStopped {
            let now = clock.now
            let elapsed = now - last
            last = now
            if handleRequests(&playback) { return }
            let behind = play(&playback, wallSeconds: elapsed.seconds, now: now)
            publish(playback, behind: behind)
            try? await Task.sleep(until: now + SimulationDriver.tickInterval, clock: clock)
        }
    }

    /// Applies the viewer's requests; true once the viewer took over (the loop ends).
    private func handleRequests(_ playback: inout Playback) -> Bool {
        let requests = mailbox.receive()
        for request in requests {
            switch request {
            case .pause: playback.viewerPaused = true
            case .resume: playback.viewerPaused = false
            case .setSpeed(let factor): playback.factor = factor
            case .seek(let offset):
                let target = max(0, playback.replayer.engine.now + offset)
                if offset < 0 {
                    playback.replayer = Replayer.seek(file, to: target, stage: playback.replayer.stage)
                    playback.recordedPause = nil
                } else {
                    apply(&playback, upTo: target)
                }
            case .takeOver:
                let handover = ReplayHandover(engine: playback.replayer.engine, header: file.header,
                                              commands: file.entries.prefix(playback.replayer.position).map(\.record).filter(\.isCommand))
                mailbox.post { $0.handover = handover }
                return true
            case .command, .load, .fetchSpec, .startRecording, .stopRecording:
                // The reducer sends none of these during a replay: the file decides.
                break
            }
        }
        return false
    }

    /// Advances by `wallSeconds` at the recorded pace within the tick budget; true when the
    /// budget ran out first.
    private func play(_ playback: inout Playback, wallSeconds: Double, now: ContinuousClock.Instant) -> Bool {
        guard !playback.viewerPaused, !playback.replayer.isFinished else { return false }
        if playback.replayer.paused {
            // Wait out the recorded pause, then take the line that ended it.
            guard let resume = nextWallMilliseconds(playback.replayer) else {
                step(&playback)
                return false
            }
            let since = playback.recordedPause?.since ?? now
            let pausedAt = playback.recordedPause?.wallMilliseconds ?? lastWallMilliseconds(playback.replayer)
            playback.recordedPause = (since, pausedAt)
            let waited = now - since
            guard waited.seconds * 1000 >= Double(resume - pausedAt) / playback.factor else { return false }
            playback.recordedPause = nil
            step(&playback)
            return false
        }
        let start = playback.replayer.engine.now
        let target = (start + Nanos.from(seconds: wallSeconds * playback.replayer.speed * playback.factor)) / 1_000 * 1_000
        let clock = ContinuousClock()
        let deadline = clock.now + Simulation.tickBudget
        let slice = 10 * Nanos.perMillisecond
        var reached = start
        while reached < target, !playback.replayer.isFinished, !playback.replayer.paused {
            reached = min(target, reached + slice)
            apply(&playback, upTo: reached)
            if clock.now > deadline { return true }
        }
        return false
    }

    /// Applies every line up to `time` (stopping after a load, which restarts the clock),
    /// then runs the engine to it.
    private func apply(_ playback: inout Playback, upTo time: SimTime) {
        while let next = nextTime(playback.replayer), next <= time {
            let isLoad = step(&playback)
            if isLoad || playback.replayer.paused { return }
        }
        try? playback.replayer.advance(to: time)
    }

    /// Applies the next line and reports commands as the event log shows them; true for a load.
    @discardableResult
    private func step(_ playback: inout Playback) -> Bool {
        let entry = file.entries[playback.replayer.position]
        // Without verification a step cannot throw.
        let result = try? playback.replayer.step(verify: false)
        guard case .command(_, let action, _) = entry.record else { return false }
        switch action {
        case .simulation(let command):
            if let result { mailbox.post { $0.answers.append((command, result)) } }
        case .load(let name, _, _):
            if let spec = entry.loadedSpec { mailbox.post { $0.loads.append((name, spec)) } }
            return true
        case .pause, .resume, .speed:
            break
        }
        return false
    }

    private func nextTime(_ replayer: Replayer) -> SimTime? {
        replayer.isFinished ? nil : file.entries[replayer.position].record.time
    }

    private func nextWallMilliseconds(_ replayer: Replayer) -> Int64? {
        guard !replayer.isFinished, case .command(_, _, let wall) = file.entries[replayer.position].record else { return nil }
        return wall
    }

    private func lastWallMilliseconds(_ replayer: Replayer) -> Int64 {
        guard replayer.position > 0, case .command(_, _, let wall) = file.entries[replayer.position - 1].record else { return 0 }
        return wall
    }

    private func publish(_ playback: Playback, behind: Bool) {
        let replayer = playback.replayer
        let snapshot = replayer.engine.simulationSnapshot(
            paused: playback.viewerPaused || replayer.paused || replayer.isFinished,
            speed: replayer.speed * playback.factor, behind: behind, historyLimit: SimulationDriver.historyLimit)
        let progress = ReplayProgress(line: replayer.position, lines: file.entries.count, finished: replayer.isFinished)
        mailbox.post {
            $0.snapshot = snapshot
            $0.replay = progress
        }
    }
}


/// How far a replay has played.
public struct ReplayProgress: Sendable, Hashable {
    public var line: Int
    public var lines: Int
    public var finished: Bool
}

/// A replay the viewer took over: the engine as it stands, and the history that leads to
/// it, so a recording of the live session that follows replays from the start.
public struct ReplayHandover: Sendable {
    public var engine: Engine
    public var header: ReplayHeader
    public var commands: [ReplayRecord]
}

extension ReplayRecord {
    var isCommand: Bool {
        if case .command = self { return true }
        return false
    }
}
