import ArgumentParser
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

    /// Checks that the run can be recorded, then opens `path` (never over an existing
    /// regular file unless `force`, never one of `avoiding`) and writes the header, naming
    /// `engineRevision` (one engine or partitioned); bad input exits with status 2, a failed
    /// write with 74.
    init(
        path: String, force: Bool, loaded: LoadedPreset, seed: UInt64, seeds: Int, warmup: SimTime, length: SimTime,
        script: [ScheduledCommand], engineRevision: Int = Engine.revision,
        avoiding: [(FileDescriptorIO.FileIdentity, String)] = []
    ) throws {
        guard seeds == 1 else { throw badInput("--record records one run; drop --seeds") }
        guard loaded.spec.workload.keys.trace == nil else {
            throw badInput("--record: \(loaded.name) reads a key trace, which a replay file cannot carry")
        }
        // Replay files time everything in whole microseconds.
        let times =
            [("--duration", length), ("--warmup", warmup)]
            + script.map { ("the script's \"at \(DurationParser.format($0.at))\"", $0.at) }
        for (what, time) in times where time % Nanos.perMicrosecond != 0 {
            throw badInput("--record: \(what) is finer than a microsecond, which replay files cannot time")
        }
        do {
            writer = try ReplayWriter(creating: path, force: force, avoiding: avoiding)
        } catch {
            throw badInput(error.description)
        }
        do {
            try write(
                .header(
                    ReplayHeader(
                        spec: loaded.spec, presetName: loaded.name, seed: seed, warmup: warmup,
                        engineRevision: engineRevision)))
        } catch {
            discard()
            throw error
        }
    }

    /// The file, for the report to refuse to be the same one; nil for a character device,
    /// which both may share (`/dev/null`).
    var identity: FileDescriptorIO.FileIdentity? { writer.isCharacterDevice ? nil : writer.identity }

    /// Writes one line; a failed write (a full disk) ends the run with status 74.
    func write(_ record: ReplayRecord) throws {
        do {
            try writer.write(record)
        } catch {
            throw Self.failed(error)
        }
    }

    /// Closes the file; a write the system reports only now ends the run with status 74.
    func close() throws {
        do {
            try writer.close()
        } catch {
            throw Self.failed(error)
        }
    }

    /// Says why the recording failed and returns exit status 74.
    private static func failed(_ error: ReplayError) -> ExitCode {
        printError("scaletop: " + error.description)
        return writeFailedStatus
    }

    /// Logs a script-file command, just applied at its time.
    func write(command scheduled: ScheduledCommand) throws {
        try write(
            .command(
                microseconds: scheduled.at / Nanos.perMicrosecond, action: .simulation(scheduled.command),
                wallMilliseconds: scheduled.at / Nanos.perMillisecond))
    }

    /// After a failed run: closes the file and removes it if this run created it; a file
    /// that was there before (`--force`), a device or a FIFO stays as it is.
    func discard() {
        writer.discard()
    }
}
