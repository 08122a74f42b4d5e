import ScaleFiles
import ScaleSim

/// A replay file being played back at its recorded pace: the replay mode of `EngineDriver`,
/// moved on by the wall time it is given.
///
/// Simulated time advances at the speed the recording was at, times the viewer's factor;
/// each command line applies when the engine reaches its time, so the run is the recorded
/// one exactly. A pause in the recording lasts the wall time it lasted then. Seeking back
/// replays from the start (`Replayer.seek`); the engine is fast enough.
final class ReplayPlayback {
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

    /// Plays `file` at its recorded pace times `factor`; a file of the partitioned revision on
    /// `threads` threads (nil: one per core).
    init(file: ReplayFile, factor: Double, threads: Int? = nil) {
        self.file = file
        self.factor = factor
        replayer = Replayer(file: file, threads: threads)
        var lengths: [SimTime] = [0]
        for entry in file.entries {
            if let time = entry.record.time { lengths[lengths.count - 1] = max(lengths[lengths.count - 1], time) }
            if case .command(_, .load, _) = entry.record { lengths.append(0) }
        }
        stageLengths = lengths
    }

    /// Applies the viewer's pace and seeking; any other effect is not the viewer's to ask
    /// for in a replay (the reducer sends none: the file decides what happens).
    func perform(_ effect: DashboardEffect, into actions: inout [DashboardAction]) {
        switch effect {
        case .pause: viewerPaused = true
        case .resume: viewerPaused = false
        case .setSpeed(let factor): self.factor = factor
        case .seek(let offset) where offset < 0:
            replayer = Replayer.seek(
                file, to: max(0, replayer.run.now + offset), stage: replayer.stage, threads: replayer.threads)
            recordedPause = nil
        case .seek(let offset):
            // Forward no further than the stage's last line: past the end of a recording
            // there is nothing recorded to show.
            apply(upTo: min(replayer.run.now + offset, stageLengths[replayer.stage]), into: &actions)
        case .send, .loadPreset, .savePreset, .startRecording, .stopRecording, .takeOver, .quit:
            break
        }
    }

    /// The command lines played so far: a live session taking over from here starts with
    /// them, so a recording of it replays from the start.
    var history: [ReplayRecord] {
        file.entries.prefix(replayer.position).map(\.record).filter(\.isCommand)
    }

    /// Advances by `wall` at the recorded pace; true when `overBudget` turned true first
    /// (the tick's time ran out: the replay falls behind).
    func play(for wall: Duration, into actions: inout [DashboardAction], overBudget: () -> Bool) -> Bool {
        wallClock += wall
        guard !viewerPaused, !replayer.isFinished else { return false }
        if replayer.paused {
            // Wait out the recorded pause, then take the line that ended it.
            guard let resume = nextWallMilliseconds() else {
                step(into: &actions)
                return false
            }
            let since = recordedPause?.since ?? wallClock
            let pausedAt = recordedPause?.wallMilliseconds ?? lastWallMilliseconds()
            recordedPause = (since, pausedAt)
            let waited = wallClock - since
            // In doubles: wall times come from the file, and their difference may not fit an Int64.
            guard waited.seconds * 1000 >= (Double(resume) - Double(pausedAt)) / factor else { return false }
            recordedPause = nil
            step(into: &actions)
            return false
        }
        let start = replayer.run.now
        // `Nanos.from` clamps whatever the file's speed and the factor make of it (even NaN).
        let advance = Nanos.from(seconds: wall.seconds * replayer.speed * factor)
        let target = start.saturatingAdd(advance) / 1_000 * 1_000
        let slice = 10 * Nanos.perMillisecond
        var reached = start
        while reached < target, !replayer.isFinished, !replayer.paused {
            reached = min(target, reached + slice)
            apply(upTo: reached, into: &actions)
            if overBudget() { return true }
        }
        return false
    }

    /// The picture the dashboard shows now; `behind` when the last tick ran out of time.
    func snapshot(behind: Bool) -> SimulationSnapshot {
        replayer.run.simulationSnapshot(
            paused: viewerPaused || replayer.paused || replayer.isFinished,
            speed: replayer.speed * factor, behind: behind, historyLimit: SimulationDriver.historyLimit)
    }

    /// How far the replay has played, in simulated time over every stage.
    /// Saturating: a file's stages may each last up to `Nanos.longest`, and many of them more
    /// than a `SimTime` holds.
    var progress: ReplayProgress {
        let before = stageLengths[..<replayer.stage].reduce(SimTime(0)) { $0.saturatingAdd($1) }
        return ReplayProgress(
            elapsed: before.saturatingAdd(min(replayer.run.now, stageLengths[replayer.stage])),
            length: stageLengths.reduce(SimTime(0)) { $0.saturatingAdd($1) }, finished: replayer.isFinished)
    }

    /// Applies every line up to `time` (stopping after a load, which restarts the clock),
    /// then runs the engine to it.
    private func apply(upTo time: SimTime, into actions: inout [DashboardAction]) {
        while let next = nextTime(), next <= time {
            let isLoad = step(into: &actions)
            if isLoad || replayer.paused { return }
        }
        try? replayer.advance(to: time)
    }

    /// Applies the next line and reports commands as the event log shows them, at the time
    /// the engine took them; true for a load.
    @discardableResult
    private func step(into actions: inout [DashboardAction]) -> Bool {
        let entry = file.entries[replayer.position]
        // Without verification a step cannot throw.
        let result = try? replayer.step(verify: false)
        guard case .command(_, let action, _) = entry.record else { return false }
        switch action {
        case .simulation(let command):
            if let result { actions.append(.commandAnswered(command, result, at: replayer.run.now)) }
        case .load(let name, _, _):
            if let spec = entry.loadedSpec { actions.append(.presetLoaded(PresetInfo(name: name, spec: spec), changes: [])) }
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
