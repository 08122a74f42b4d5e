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

    public func run(presetName: UntrustedText) async {
        let clock = ContinuousClock()
        var playback = ReplayPlayback(file: file, factor: initialFactor)
        var last = clock.now
        while !mailbox.isStopped {
            let now = clock.now
            let elapsed = now - last
            last = now
            var output = DriverOutput()
            let tookOver = playback.handle(mailbox.receive(), into: &output)
            if !tookOver {
                let deadline = clock.now + Simulation.tickBudget
                let behind = playback.play(for: elapsed, into: &output) { clock.now > deadline }
                playback.publish(behind: behind, into: &output)
            }
            mailbox.post { $0.append(output) }
            if tookOver { return }
            try? await Task.sleep(until: now + SimulationDriver.tickInterval, clock: clock)
        }
    }
}

/// A replay file being played: the state behind `ReplayDriver`, moved on by the wall time
/// it is given, so a test can drive it with a clock of its own.
struct ReplayPlayback {
    let file: ReplayFile
    private(set) var replayer: Replayer
    private(set) var viewerPaused = false
    /// Multiplies the recorded speed.
    private(set) var factor: Double
    /// Wall time played so far: the sum of what `play` was given.
    private var wallClock: Duration = .zero
    /// When the recording's own pause began here, on `wallClock`, and its wall time in the file.
    private var recordedPause: (since: Duration, wallMilliseconds: Int64)?
    /// Each stage's length in simulated time: the time of its last line, the end line or
    /// the `load` that left it. Stage 0 is the header's preset.
    let stageLengths: [SimTime]

    init(file: ReplayFile, factor: Double) {
        self.file = file
        self.factor = factor
        replayer = Replayer(file: file)
        var lengths: [SimTime] = [0]
        for entry in file.entries {
            if let time = entry.record.time { lengths[lengths.count - 1] = max(lengths[lengths.count - 1], time) }
            if case .command(_, .load, _) = entry.record { lengths.append(0) }
        }
        stageLengths = lengths
    }

    /// Applies the viewer's requests; true once the viewer took over (the handover is in
    /// `output` and playback ends).
    mutating func handle(_ requests: [DriverRequest], into output: inout DriverOutput) -> Bool {
        for request in requests {
            switch request {
            case .pause: viewerPaused = true
            case .resume: viewerPaused = false
            case .setSpeed(let factor): self.factor = factor
            case .seek(let offset) where offset < 0:
                replayer = Replayer.seek(file, to: max(0, replayer.engine.now + offset), stage: replayer.stage)
                recordedPause = nil
            case .seek(let offset):
                // Forward no further than the stage's last line: past the end of a recording
                // there is nothing recorded to show.
                apply(upTo: min(replayer.engine.now + offset, stageLengths[replayer.stage]), into: &output)
            case .takeOver:
                output.handover = ReplayHandover(
                    engine: replayer.engine, header: file.header,
                    commands: file.entries.prefix(replayer.position).map(\.record).filter(\.isCommand))
                return true
            case .command, .load, .fetchSpec, .startRecording, .stopRecording:
                // The reducer sends none of these during a replay: the file decides.
                break
            }
        }
        return false
    }

    /// Advances by `wall` at the recorded pace; true when `overBudget` turned true first
    /// (the tick's time ran out: the replay falls behind).
    mutating func play(for wall: Duration, into output: inout DriverOutput, overBudget: () -> Bool) -> Bool {
        wallClock += wall
        guard !viewerPaused, !replayer.isFinished else { return false }
        if replayer.paused {
            // Wait out the recorded pause, then take the line that ended it.
            guard let resume = nextWallMilliseconds() else {
                step(into: &output)
                return false
            }
            let since = recordedPause?.since ?? wallClock
            let pausedAt = recordedPause?.wallMilliseconds ?? lastWallMilliseconds()
            recordedPause = (since, pausedAt)
            let waited = wallClock - since
            // In doubles: wall times come from the file, and their difference may not fit an Int64.
            guard waited.seconds * 1000 >= (Double(resume) - Double(pausedAt)) / factor else { return false }
            recordedPause = nil
            step(into: &output)
            return false
        }
        let start = replayer.engine.now
        // `Nanos.from` clamps whatever the file's speed and the factor make of it (even NaN).
        let advance = Nanos.from(seconds: wall.seconds * replayer.speed * factor)
        let target = start.saturatingAdd(advance) / 1_000 * 1_000
        let slice = 10 * Nanos.perMillisecond
        var reached = start
        while reached < target, !replayer.isFinished, !replayer.paused {
            reached = min(target, reached + slice)
            apply(upTo: reached, into: &output)
            if overBudget() { return true }
        }
        return false
    }

    /// The snapshot and progress the dashboard shows now.
    func publish(behind: Bool, into output: inout DriverOutput) {
        output.snapshot = replayer.engine.simulationSnapshot(
            paused: viewerPaused || replayer.paused || replayer.isFinished,
            speed: replayer.speed * factor, behind: behind, historyLimit: SimulationDriver.historyLimit)
        output.replay = progress
    }

    /// How far the replay has played, in simulated time over every stage.
    /// Saturating: a file's stages may each last up to `Nanos.longest`, and many of them more
    /// than a `SimTime` holds.
    var progress: ReplayProgress {
        let before = stageLengths[..<replayer.stage].reduce(SimTime(0)) { $0.saturatingAdd($1) }
        return ReplayProgress(
            elapsed: before.saturatingAdd(min(replayer.engine.now, stageLengths[replayer.stage])),
            length: stageLengths.reduce(SimTime(0)) { $0.saturatingAdd($1) }, finished: replayer.isFinished)
    }

    /// Applies every line up to `time` (stopping after a load, which restarts the clock),
    /// then runs the engine to it.
    private mutating func apply(upTo time: SimTime, into output: inout DriverOutput) {
        while let next = nextTime(), next <= time {
            let isLoad = step(into: &output)
            if isLoad || replayer.paused { return }
        }
        try? replayer.advance(to: time)
    }

    /// Applies the next line and reports commands as the event log shows them, at the time
    /// the engine took them; true for a load.
    @discardableResult
    private mutating func step(into output: inout DriverOutput) -> Bool {
        let entry = file.entries[replayer.position]
        // Without verification a step cannot throw.
        let result = try? replayer.step(verify: false)
        guard case .command(_, let action, _) = entry.record else { return false }
        switch action {
        case .simulation(let command):
            if let result { output.answers.append((command, result, replayer.engine.now)) }
        case .load(let name, _, _):
            if let spec = entry.loadedSpec { output.loads.append((name, spec)) }
            return true
        case .pause, .resume, .speed:
            break
        }
        return false
    }

    private func nextTime() -> SimTime? {
        replayer.isFinished ? nil : file.entries[replayer.position].record.time
    }

    private func nextWallMilliseconds() -> Int64? {
        guard !replayer.isFinished, case .command(_, _, let wall) = file.entries[replayer.position].record else { return nil }
        return wall
    }

    private func lastWallMilliseconds() -> Int64 {
        guard replayer.position > 0, case .command(_, _, let wall) = file.entries[replayer.position - 1].record else { return 0 }
        return wall
    }
}

/// How far a replay has played, in simulated time: a recording begun late still replays
/// from the session's start, so lines would say little about time.
public struct ReplayProgress: Sendable, Hashable {
    /// Simulated time played, the stages before the current one counted whole.
    public var elapsed: SimTime
    /// Every stage's simulated time, from the start to the last line.
    public var length: SimTime
    public var finished: Bool

    /// Played so far, 0 to 100; 100 once finished.
    public var percent: Int {
        guard !finished else { return 100 }
        guard length > 0 else { return 0 }
        // Past about three years of simulated time 100 × elapsed overflows: then in doubles.
        let (scaled, overflow) = elapsed.multipliedReportingOverflow(by: 100)
        let share = overflow ? 100 * (Double(elapsed) / Double(length)) : Double(scaled / length)
        return Int(min(100, max(0, share)))
    }
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

/// Arithmetic on times read from replay files, which stops at the bounds of `SimTime`
/// instead of trapping: the players must not crash whatever a file holds.
extension SimTime {
    /// `microseconds` (a line's `t_us`) in nanoseconds.
    init(saturatingMicroseconds microseconds: Int64) {
        let (product, overflow) = microseconds.multipliedReportingOverflow(by: Nanos.perMicrosecond)
        self = overflow ? (microseconds > 0 ? .max : .min) : product
    }

    /// `self + other`.
    func saturatingAdd(_ other: SimTime) -> SimTime {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }
}
