import ScaleFiles
import ScaleSim

/// Keeps what a replay of this session needs, and writes it to a file while recording.
///
/// Commands are kept from the start of the session, so a recording begun at any moment
/// replays from the preset at time zero; checkpoints are written only while recording.
struct SessionRecorder {
    /// The session's starting point: the preset, inline, and the seed.
    let header: ReplayHeader
    /// Every command line since the start, in the engine's order.
    private(set) var commands: [ReplayRecord] = []
    private(set) var writer: ReplayWriter?
    /// Times each line's wall milliseconds, which pace a replay's pauses.
    private let clock: any LoopClock
    private let start: ContinuousClock.Instant

    /// A recorder whose session starts now at `header`, `commands` already applied (a replay
    /// taken over: its history comes first in any recording).
    init(header: ReplayHeader, commands: [ReplayRecord] = [], clock: any LoopClock) {
        self.header = header
        self.commands = commands
        self.clock = clock
        start = clock.now
    }

    var isRecording: Bool { writer != nil }

    private var wallMilliseconds: Int64 {
        let elapsed = clock.now - start
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }

    /// Logs `action`, applied at simulated time `time`.
    mutating func log(_ action: ReplayAction, at time: SimTime) throws(ReplayError) {
        let record = ReplayRecord.command(
            microseconds: time / Nanos.perMicrosecond, action: action, wallMilliseconds: wallMilliseconds)
        commands.append(record)
        try writer?.write(record)
    }

    /// Writes a checkpoint while recording.
    func checkpoint(at time: SimTime, digest: UInt64) throws(ReplayError) {
        try writer?.write(.checkpoint(microseconds: time / Nanos.perMicrosecond, digest: digest))
    }

    /// Starts writing to `writer`: the header with the terminal's size, then every command
    /// so far.
    mutating func startRecording(into writer: ReplayWriter, terminal: String) throws(ReplayError) {
        var header = header
        header.terminal = UntrustedText(terminal)
        try writer.write(.header(header))
        for command in commands { try writer.write(command) }
        self.writer = writer
    }

    /// Ends the file with the final time and digest, closes it and stops writing; returns
    /// its name. A failed write or close throws: the file stops at its last whole line.
    mutating func stopRecording(at time: SimTime, digest: UInt64) throws(ReplayError) -> String? {
        guard let writer else { return nil }
        self.writer = nil
        do throws(ReplayError) {
            try writer.write(.end(microseconds: time / Nanos.perMicrosecond, digest: digest))
        } catch {
            try? writer.close()
            throw error
        }
        try writer.close()
        return writer.name
    }
}
