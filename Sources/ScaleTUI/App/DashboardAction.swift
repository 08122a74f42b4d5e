import ScaleSim

/// Something that happened, from the terminal, the simulation or the file system: the
/// loop posts the terminal's, the engine's driver posts the rest, and only the reducer
/// acts on them.
public enum DashboardAction: Sendable, Equatable {
    case keyPressed(Key)
    case clicked(x: Int, y: Int)
    case resized(width: Int, height: Int)
    case snapshotArrived(SimulationSnapshot)
    /// The engine applied or refused a command the dashboard sent, at simulated time `at`.
    case commandAnswered(SimCommand, CommandResult, at: SimTime)
    /// The engine started over from a stage or preset: what it is and what changed from the
    /// stage before. Every snapshot after this one is of the new engine.
    case presetLoaded(PresetInfo, changes: [String])
    /// A preset could not be loaded; the simulation goes on as it was.
    case presetFailed(String)
    case presetSaved(path: String)
    case saveFailed(String)
    /// A recording started, stopped (its file complete) or failed.
    case recording(RecordingEvent)
    /// A replay played on to `progress`.
    case replayProgressed(ReplayProgress)
    /// The viewer took a replay over; the session is live from here.
    case tookOver
}

/// What became of a recording.
public enum RecordingEvent: Sendable, Equatable {
    case started(path: String)
    case stopped(path: String)
    case failed(String)
    /// A recording could not start, for the reason given.
    case refused(String)
}

/// Work the reducer asks the engine's driver to do; its outcome comes back as an action.
public enum DashboardEffect: Sendable, Equatable {
    /// An engine command: the same one a script line or a replay would carry.
    case send(SimCommand)
    case pause
    case resume
    case setSpeed(Double)
    /// Start over from a preset: a stage number (`03`, `05v`), a name or a path.
    case loadPreset(String)
    case savePreset
    /// Record the session into a new file, from its start; the screen's size goes in its header.
    case startRecording(width: Int, height: Int)
    case stopRecording
    /// Replay only.
    case seek(SimTime)
    case takeOver
    /// The loop ends; the driver finishes what it was given and closes a recording.
    case quit
}
