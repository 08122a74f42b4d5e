import Foundation
import ScaleSim

/// Plays a replay file back into an engine, line by line, headless and as fast as it can.
///
/// The engine starts from the header's preset, seed and warm-up; a file of the partitioned
/// revision runs each stage's system in partitions when it has several, on any number of
/// threads (the digests do not depend on them), as `SystemRun` decides. Each command line runs the
/// engine to its time (`t_us` × 1000 ns) and then applies the command, after every event at
/// or before that time, as the recording did; a `load` starts a new engine at time zero
/// from the line's preset; pause and speed lines only change `paused` and `speed`, for
/// whoever paces playback. Checkpoint and end lines run the engine to their time and, when
/// verifying, compare its digest with the recorded one.
public struct Replayer {
    public let file: ReplayFile
    /// Threads each stage's partitions run on, for a file of the partitioned revision; nil
    /// for a file recorded in one engine.
    public let threads: Int?
    /// The system running now: the header's, or the last load's.
    public private(set) var run: SystemRun
    /// The name reports give the preset now running: the header's, or the last load's.
    public private(set) var presetName: UntrustedText
    /// Index in `file.entries` of the next line to apply.
    public private(set) var position = 0
    /// 0 while the header's preset runs; k after the k-th `load`.
    public private(set) var stage = 0
    /// Checkpoint and end lines whose digest matched.
    public private(set) var verifiedCheckpoints = 0
    /// Pacing as the recording left it so far.
    public private(set) var paused = false
    public private(set) var speed = 1.0

    /// A replayer at the start of `file`; a file of the partitioned revision runs on
    /// `threads` threads, or as many as the machine has cores.
    public init(file: ReplayFile, threads: Int? = nil) {
        self.file = file
        self.threads =
            Engine.partitionedRevisions.contains(file.header.engineRevision)
            ? threads ?? SystemRun.defaultThreads : nil
        run = SystemRun(
            Self.engine(
                Engine(
                    spec: file.spec, seed: file.header.seed,
                    warmup: file.header.warmupMicroseconds * Nanos.perMicrosecond),
                following: file.header.engineRevision),
            threads: self.threads, partitionedRevision: file.header.engineRevision)
        presetName = file.header.presetName
    }

    /// `engine`, following the rules of the recording's `revision` (`Engine.followsRevision`).
    private static func engine(_ engine: Engine, following revision: Int) -> Engine {
        var engine = engine
        engine.followsRevision = revision
        return engine
    }

    /// True once every line has been applied.
    public var isFinished: Bool { position == file.entries.count }

    /// Applies the next line and returns the engine's answer to it when it is a simulation
    /// command; nil for any other line. With `verify`, a checkpoint or end digest that
    /// differs from the engine's throws, naming the line; a file of another engine revision
    /// (`ReplayFile.isVerifiable` false) plays without comparing any. `onSecond` sees the run at
    /// every whole simulated second it passes.
    @discardableResult
    public mutating func step(verify: Bool, onSecond: (SystemRun) -> Void = { _ in }) throws(ReplayDivergence) -> CommandResult? {
        guard !isFinished else { return nil }
        let entry = file.entries[position]
        position += 1
        if let time = entry.record.time { run.run(until: time, onSecond: onSecond) }
        switch entry.record {
        case .header: break
        case .command(_, let action, _):
            switch action {
            case .simulation(let command): return run.execute(command)
            case .load(let name, _, let seed):
                // The reader decoded every load's preset.
                guard let spec = entry.loadedSpec else { return nil }
                run = SystemRun(
                    Self.engine(Engine(spec: spec, seed: seed), following: file.header.engineRevision),
                    threads: threads, partitionedRevision: file.header.engineRevision)
                presetName = name
                stage += 1
            case .pause: paused = true
            case .resume: paused = false
            case .speed(let factor): speed = factor
            }
        case .checkpoint(_, let expected), .end(_, let expected):
            guard verify, file.isVerifiable else { return nil }
            let actual = run.digest()
            guard actual == expected else {
                throw ReplayDivergence(line: entry.line, time: run.now, expected: expected, actual: actual)
            }
            verifiedCheckpoints += 1
        }
        return nil
    }

    /// Applies every line left.
    public mutating func runToEnd(verify: Bool, onSecond: (SystemRun) -> Void = { _ in }) throws(ReplayDivergence) {
        while !isFinished { try step(verify: verify, onSecond: onSecond) }
    }

    /// Moves to simulated time `time` of the current stage: applies the lines up to that
    /// time (never a `load`, which would start another stage) and runs the engine to it.
    public mutating func advance(to time: SimTime, verify: Bool = false) throws(ReplayDivergence) {
        while !isFinished, let next = file.entries[position].record.time, next <= time {
            if case .command(_, .load, _) = file.entries[position].record { break }
            try step(verify: verify)
        }
        run.run(until: time)
    }

    /// The replay at simulated time `time` of stage `stage` (0 for the header's preset, k
    /// for the stage the k-th `load` started), replayed from the start: for seeking.
    public static func seek(_ file: ReplayFile, to time: SimTime, stage: Int = 0, threads: Int? = nil) -> Replayer {
        var replayer = Replayer(file: file, threads: threads)
        // Without verification no line can throw.
        while replayer.stage < stage, !replayer.isFinished { _ = try? replayer.step(verify: false) }
        try? replayer.advance(to: time)
        return replayer
    }
}
