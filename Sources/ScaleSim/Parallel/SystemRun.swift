import Foundation

/// A system running from time zero, in one engine or in partitions: what the dashboard,
/// replays and recordings drive, whichever of the two it is.
///
/// Asked for threads, a system of several partitions runs in them (`PartitionedEngine`), and
/// any other in one engine, as `Engine.reasonNotPartitioned` decides; either way the run
/// answers the same questions. Its `revision` is the one a recording of it carries
/// (docs/replay.md, "Engine revisions").
public final class SystemRun {
    /// The engine, when the run is one engine; nil when it runs in partitions, which hold
    /// their own copies (keeping the starting point too would hold a second copy of every
    /// cache and version store: 165 MB on ten-million-users).
    public private(set) var engine: Engine?
    /// The run in partitions, when threads were asked for and the system has several.
    public let partitioned: PartitionedEngine?
    /// Threads a partitioned run takes unless told: one per core of this machine.
    public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// The engine revision a recording of this run names: partitioned whenever the system
    /// allows when threads were asked for, one engine otherwise.
    public let revision: Int

    /// Runs `engine`'s system from where it stands; with `threads`, in partitions on that many
    /// threads when it has several and starts at time zero, taking commands as
    /// `partitionedRevision` did (a replay of an older recording names its own).
    public init(_ engine: Engine, threads: Int?, partitionedRevision: Int = Engine.partitionedRevision) {
        partitioned = threads.flatMap { PartitionedEngine(engine, threads: $0, revision: partitionedRevision) }
        self.engine = partitioned == nil ? engine : nil
        revision = threads == nil ? engine.followsRevision : partitionedRevision
    }

    /// The simulated time now.
    public var now: SimTime { partitioned?.now ?? engine!.now }

    /// The design as it runs now.
    public var spec: SystemSpec { partitioned?.spec ?? engine!.spec }

    /// Runs every event at or before `end`.
    public func run(until end: SimTime) {
        if let partitioned { partitioned.run(until: end) } else { engine!.run(until: end) }
    }

    /// Runs to `end`, stopping at every whole second after the current time, up to and
    /// including `end`, to hand the run to `onSecond`: checkpoints and per-second reports.
    public func run(until end: SimTime, onSecond: (SystemRun) throws -> Void) rethrows {
        if let partitioned {
            try partitioned.run(until: end) { _ in try onSecond(self) }
        } else {
            // The engine is handed over through `self`, which must see it at each second.
            var next = (engine!.now / Nanos.perSecond + 1) * Nanos.perSecond
            while next <= end {
                engine!.run(until: next)
                try onSecond(self)
                next += Nanos.perSecond
            }
            engine!.run(until: end)
        }
    }

    /// Applies `command` now, or refuses it saying why.
    @discardableResult
    public func execute(_ command: SimCommand) -> CommandResult {
        if let partitioned { partitioned.execute(command) } else { engine!.execute(command) }
    }

    /// The fingerprint replay checkpoints compare.
    public func digest() -> UInt64 { partitioned?.digest() ?? engine!.digest() }

    /// The picture the dashboard and per-second reports show now.
    public func simulationSnapshot(
        paused: Bool = false, speed: Double = 1, behind: Bool = false, historyLimit: Int = 120, speedReached: Double? = nil
    ) -> SimulationSnapshot {
        if let partitioned {
            return partitioned.simulationSnapshot(
                paused: paused, speed: speed, behind: behind, historyLimit: historyLimit, speedReached: speedReached)
        }
        return engine!.simulationSnapshot(
            paused: paused, speed: speed, behind: behind, historyLimit: historyLimit, speedReached: speedReached)
    }

    /// The run's figures so far, as reports give them.
    public func summary() -> RunSummary { partitioned?.summary() ?? engine!.summary() }

    /// Every request's outcome so far.
    public var totalOutcomes: OutcomeCounts { partitioned?.totalOutcomes ?? engine!.totalOutcomes }
}

extension SystemRun {
    /// Runs to `end`, applying each of `commands` (in time order) after every event at or
    /// before its time, as the dashboard applies a command between two steps and as replay
    /// files log and replay it (see `Engine.run(until:applying:onSecond:onCommand:)`).
    public func run(
        until end: SimTime, applying commands: [ScheduledCommand],
        onSecond: (SystemRun) throws -> Void, onCommand: (ScheduledCommand) throws -> Void
    ) rethrows {
        for scheduled in commands where scheduled.at <= end {
            try run(until: scheduled.at, onSecond: onSecond)
            execute(scheduled.command)
            try onCommand(scheduled)
        }
        try run(until: end, onSecond: onSecond)
    }

    /// Runs to `end`, applying each of `commands` (in time order) after every event at or
    /// before its time.
    public func run(until end: SimTime, applying commands: [ScheduledCommand]) {
        run(until: end, applying: commands, onSecond: { _ in }, onCommand: { _ in })
    }
}
