import Foundation
import ScaleFiles
import ScaleSim

extension BenchCommand {
    /// The `replay` scenario: a headless replay of a recording of the `ten-million-users`
    /// preset against `scaletop run` of the same preset and commands, and the size of an hour
    /// of recording.
    ///
    /// The recording covers 10 simulated seconds with one user command (`set users`) at 5 s;
    /// each of `runs` rounds times the plain run and the replay (reading the file, replaying
    /// and verifying every checkpoint, which must all agree), and the line gives the medians. `replay_vs_run` above
    /// 1 means the replay is faster. `bytes_per_hour` is the size of a recording of one
    /// simulated hour at 1x with a user command every 10 s, written line by line: digests
    /// are fixed-width, so the size does not depend on their values.
    func replayScenario() throws -> BenchResult {
        let loaded = try loadPreset("ten-million-users")
        let spec = loaded.spec
        let length = 10 * Nanos.perSecond
        let script = [
            ScheduledCommand(at: 5 * Nanos.perSecond, command: .setUsers(spec.workload.users + spec.workload.users / 100))
        ]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("scaletop-bench-\(UUID().uuidString).jsonl").path
        // Removed at the end only as the file this run created, never a file in its place.
        let recording = try record(to: path, loaded: loaded, length: length, script: script)
        defer { recording.discard() }

        let clock = ContinuousClock()
        var runWalls: [Double] = []
        var replayWalls: [Double] = []
        var verified = 0
        var requests = 0
        for round in 0..<runs {
            // Alternate which goes first, and free each engine before the next starts, so
            // neither gains from the other's warm memory.
            for replaying in round % 2 == 0 ? [false, true] : [true, false] {
                let start = clock.now
                if replaying {
                    var replayer = Replayer(file: try ReplayReader.read(file: path))
                    try replayer.runToEnd(verify: true)
                    replayWalls.append((clock.now - start).seconds)
                    verified = replayer.verifiedCheckpoints
                    requests = replayer.run.totalOutcomes.requests
                } else {
                    var engine = Engine(spec: spec, seed: spec.seed)
                    engine.run(until: length, applying: script)
                    runWalls.append((clock.now - start).seconds)
                }
            }
        }
        // A checkpoint each second and the end line, all verified: a recording this build
        // cannot verify (another engine revision in its header) would time a replay that
        // compared nothing.
        let checkpoints = Int(length / Nanos.perSecond) + 1
        guard verified == checkpoints else {
            let file = try ReplayReader.read(file: path)
            throw badInput(
                "bench replay: verified \(verified) of \(checkpoints) checkpoints" + (file.revisionNote.map { "; " + $0 } ?? ""))
        }
        let runWall = runWalls.sorted()[runWalls.count / 2]
        let replayWall = replayWalls.sorted()[replayWalls.count / 2]
        let hourBytes = try hourOfRecordingBytes(loaded: loaded)
        return BenchResult(fields: [
            ("scenario", .string("replay")),
            ("preset", .string(loaded.name.verbatim)),
            ("sim_s", .int(Int(Nanos.seconds(length)))),
            ("requests", .int(requests)),
            ("wall_s", .double(replayWall, digits: 3)),
            ("run_wall_s", .double(runWall, digits: 3)),
            ("speed_x", .double(Nanos.seconds(length) / replayWall, digits: 2)),
            ("run_speed_x", .double(Nanos.seconds(length) / runWall, digits: 2)),
            ("replay_vs_run", .double(runWall / replayWall, digits: 3)),
            ("req_per_s", .int(Int(Double(requests) / replayWall))),
            ("verified", .int(verified)),
            ("bytes_per_hour", .int(hourBytes)),
            ("file_mib", .double(Double(hourBytes) / 1_048_576, digits: 2)),
            ("rss_mib", .int(ResourceUsage.peakResidentMiB())),
        ])
    }

    /// Records `length` of `loaded` with `script` to the new file `path` with `run --record`'s
    /// recorder, and returns it closed, for the caller to discard.
    private func record(to path: String, loaded: LoadedPreset, length: SimTime, script: [ScheduledCommand]) throws -> RunRecorder
    {
        let recorder = try RunRecorder(
            path: path, force: false, loaded: loaded, seed: loaded.spec.seed, seeds: 1, warmup: 0, length: length, script: script)
        do {
            var engine = Engine(spec: loaded.spec, seed: loaded.spec.seed)
            try engine.run(until: length, applying: script, onSecond: { try recorder.write(.checkpoint(of: $0)) }) { scheduled in
                try recorder.write(command: scheduled)
            }
            try recorder.write(.end(of: engine))
            try recorder.close()
        } catch {
            recorder.discard()
            throw error
        }
        return recorder
    }

    /// The bytes of a one-hour recording of `loaded` at 1x with a `set users` every 10 s.
    private func hourOfRecordingBytes(loaded: LoadedPreset) throws -> Int {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("scaletop-bench-\(UUID().uuidString).jsonl").path
        let length = 3_600 * Nanos.perSecond
        let recorder = try RunRecorder(
            path: path, force: false, loaded: loaded, seed: loaded.spec.seed, seeds: 1, warmup: 0, length: length, script: [])
        defer { recorder.discard() }
        let users = loaded.spec.workload.users
        for second in Int64(1)...3_600 {
            let t = second * 1_000_000
            // Digests spread over the whole range, as real ones are: the width is fixed anyway.
            try recorder.write(.checkpoint(microseconds: t, digest: SplitMix64.mix(UInt64(second))))
            if second % 10 == 0 {
                try recorder.write(
                    command: ScheduledCommand(at: second * Nanos.perSecond, command: .setUsers(users + Int(second))))
            }
        }
        try recorder.write(.end(microseconds: length / Nanos.perMicrosecond, digest: SplitMix64.mix(0)))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return attributes[.size] as? Int ?? 0
    }
}
