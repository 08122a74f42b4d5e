/// A system simulated in partitions, one engine per group of data centers, in windows of
/// simulated time on up to `threads` threads: the same figures whatever the number of
/// threads (docs/architecture.md, "Windows and messages").
///
/// `scaletop run`, the dashboard, `scaletop replay` and `scaletop bench` drive it with
/// `--threads`, through `SystemRun` but for the bench.
public final class PartitionedEngine {
    /// The partitions and the lookahead, as the system's plan gives them; a command may
    /// shorten the lookahead, never below `shortestWindow`.
    public internal(set) var plan: PartitionPlan
    let simulation: WindowedSimulation<EnginePartition>
    /// The whole system's per-second windows (Parallel/PartitionedEngine+Windows.swift).
    var whole: WholeWindows
    /// The system's timed commands, by time, and the next one to apply.
    private let script: [ScheduledCommand]
    private var nextScripted = 0

    /// The shortest a command may make the windows: shorter, the barriers would cost more
    /// than the threads give, so a command that would need them is refused.
    public static let shortestWindow: SimTime = 10 * Nanos.perMillisecond

    /// The most threads a run may ask for.
    public static let maxThreads = 1024

    /// The partitioned engine revision whose commands this run takes (see
    /// `Engine.partitionedRevisions`).
    public let revision: Int

    /// `engine`'s system, from time zero, in its partitions on `threads` threads, taking
    /// commands as `revision` did; nil when the system cannot run in partitions, or did not
    /// in `revision` (`Engine.reasonNotPartitioned(revision:)` says why).
    public init?(_ engine: Engine, threads: Int, revision: Int = Engine.partitionedRevision) {
        guard engine.now == 0, engine.reasonNotPartitioned(revision: revision) == nil,
            let lookahead = engine.partitionPlan.lookahead
        else { return nil }
        plan = engine.partitionPlan
        self.revision = revision
        simulation = WindowedSimulation(
            partitions: engine.partitioned(), lookahead: lookahead, threads: threads, alignment: Nanos.perSecond)
        whole = WholeWindows(regionCount: engine.regionMetrics.regions.count)
        script = engine.script
    }

    /// Threads the windows run on: at most one per partition.
    public var threads: Int { simulation.threads }

    /// Wall time each partition has spent running its windows so far (measured, for the
    /// bench: the busiest partition bounds the speed-up of more threads).
    public var busyTime: [Duration] { simulation.busyTime }

    /// The simulated time every partition has reached.
    public var now: SimTime { simulation.partitions[0].engine.now }

    /// Every partition's engine, as of the last window's end: each one's own nodes and
    /// regions are live, the rest is as the system started.
    public var engines: [Engine] { simulation.partitions.map(\.engine) }

    /// Runs every partition up to and including `end`, applying each command of the
    /// system's script after every event at or before its time, carrying out each
    /// failover of a dead primary at its time (Parallel/PartitionedEngine+Failover.swift)
    /// and finishing each healed cut's catch-up at its time (Parallel/PartitionedEngine+Cuts.swift).
    public func run(until end: SimTime) {
        while true {
            let command = nextScripted < script.count && script[nextScripted].at <= end ? script[nextScripted] : nil
            let failover = nextFailover(through: end)
            if let catchUp = nextCatchUp(through: end), catchUp.at <= command?.at ?? .max,
                catchUp.at < failover?.at ?? .max
            {
                finish(catchUp)
            } else if let command, failover.map({ command.at <= $0.at }) ?? true {
                advance(until: command.at)
                let result = execute(command.command)
                // The notice one engine posts when its script runs a command.
                simulation.update(0) { $0.engine.notices.post(.scheduledCommand(command.command, result), at: command.at) }
                nextScripted += 1
            } else if let failover {
                carryOut(failover)
            } else {
                break
            }
        }
        advance(until: end)
    }

    /// Runs every partition up to and including `end`.
    ///
    /// Windows end a nanosecond before each whole second: the reads of the window are
    /// settled (Engine+CommitsAcross.swift) before the tick at the second closes the figures,
    /// and the coordinator closes the whole system's window of each second before the next.
    func advance(until end: SimTime) {
        var second = (simulation.simulatedThrough / Nanos.perSecond + 1) * Nanos.perSecond
        while second - 1 < end {
            simulation.run(through: second - 1)
            closeWholeWindowIfTicked()
            second += Nanos.perSecond
        }
        simulation.run(through: end)
        closeWholeWindowIfTicked()
    }

    /// Runs to `end` as `run(until:)` does, stopping at every whole second after the current
    /// time, up to and including `end`, to hand the run to `onSecond` (the whole system's
    /// window of that second is closed by then).
    public func run(until end: SimTime, onSecond: (PartitionedEngine) throws -> Void) rethrows {
        var next = (now / Nanos.perSecond + 1) * Nanos.perSecond
        while next <= end {
            run(until: next)
            try onSecond(self)
            next += Nanos.perSecond
        }
        run(until: end)
    }

    /// Every request's outcome so far, over every partition (a request is counted where it
    /// is born, and where it ends).
    public var totalOutcomes: OutcomeCounts {
        engines.reduce(into: OutcomeCounts()) { sum, engine in sum.merge(engine.totalOutcomes) }
    }

}
