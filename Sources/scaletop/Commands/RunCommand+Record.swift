import Foundation
import ScaleFiles
import ScaleSim

/// `run --record FILE`: the replay file of a headless run, written as the run goes.
///
/// The header carries the preset as run (overrides applied), the seed and the warm-up;
/// script-file commands become command lines at their times, paced as if played at 1x; a
/// checkpoint follows every simulated second and an end line the last one.
final class RunRecorder {
    private let writer: ReplayWriter

    /// Checks that the run can be recorded, then creates `path` (never over an existing
    /// file unless `force`) and writes the header; bad input exits with status 2.
    init(
        path: String, force: Bool, loaded: LoadedPreset, seed: UInt64, seeds: Int, warmup: SimTime, length: SimTime,
        script: [ScheduledCommand]
    ) throws {
        guard seeds == 1 else { throw badInput("--record records one run; drop --seeds") }
        guard loaded.spec.workload.keys.trace == nil else {
            throw badInput("--record: \(loaded.name) reads a key trace, which a replay file cannot carry")
        }
        // Replay files time everything in whole microseconds.
        let times = [("--duration", length), ("--warmup", warmup)] + script.map { ("the script's \"at \(DurationParser.format($0.at))\"", $0.at) }
        for (what, time) in times where time % Nanos.perMicrosecond != 0 {
            throw badInput("--record: \(what) is finer than a microsecond, which replay files cannot time")
        }
        do {
            writer = try ReplayWriter(creating: path, force: force)
        } catch {
            throw badInput(error.description)
        }
        try write(.header(ReplayHeader(spec: loaded.spec, presetName: loaded.name, seed: seed, warmup: warmup)))
    }

    /// Writes one line; a failed write (a full disk) ends the run with status 2.
    func write(_ record: ReplayRecord) throws {
        do {
            try writer.write(record)
        } catch {
            throw badInput(error.description)
        }
    }

    /// Logs a script-file command, just applied at its time.
    func write(command scheduled: ScheduledCommand) throws {
        try write(.command(
            microseconds: scheduled.at / Nanos.perMicrosecond, action: .simulation(scheduled.command),
            wallMilliseconds: scheduled.at / Nanos.perMillisecond))
    }

    /// Removes the file again, when the run fails before it starts.
    func discard() {
        try? FileManager.default.removeItem(atPath: writer.name)
    }
}
