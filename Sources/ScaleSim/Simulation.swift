import Foundation

/// One node as the dashboard sees it at an instant.
public struct NodeSnapshot: Sendable, Hashable {
    /// The node as configured now, commands included (its routes give the topology).
    public var spec: NodeSpec
    public var servers: Int
    /// Servers of the pool that are down.
    public var downServers: Int
    /// Servers still warming up after the autoscaler added them.
    public var warmingServers: Int
    public var workers: Int
    /// Step on the vertical ladder.
    public var size: Int
    /// Service takes this many times longer than normal (1 unless slowed down).
    public var slowFactor: Double
    /// For a cache or CDN edge: entries held now.
    public var cacheEntries: Int?
    /// The last closed one-second window.
    public var window: NodeWindow?
    public var bottleneck: Bool
    /// Recent windows, oldest first.
    public var history: [NodeWindow]
    /// Each server of the pool (each shard of a sharded database) over the last closed
    /// window, in pool order.
    public var members: [MemberSnapshot] = []
    /// Users of a sticky pool logged out (their request reached another server than the
    /// one holding their live session): since time zero, and in the last closed window.
    public var sessionsLost = 0
    public var sessionsLostLastWindow = 0
    /// Live sticky sessions dropped since time zero with the servers that held them
    /// (removed or gone down), counted at that moment.
    public var sessionsDropped = 0
    /// Requests the node's rate limiter turned away since time zero, and the tokens its
    /// bucket holds now (nil without a rate limiter).
    public var rejected = 0
    public var rateLimitTokens: Double? = nil

    public var id: String { spec.id }
    public var kind: NodeKind { spec.kind }
    /// Every server of the pool is down.
    public var isDown: Bool { servers > 0 && downServers == servers }
}

/// A data center and whether it is up.
public struct DataCenterStatus: Sendable, Hashable {
    public var name: String
    public var down: Bool
}

/// An immutable picture of a running simulation, safe to hand to any thread.
public struct SimulationSnapshot: Sendable, Hashable {
    public var time: SimTime
    /// The workload as it is now, commands included.
    public var workload: WorkloadSpec
    public var paused: Bool
    /// Simulated seconds per wall second asked for.
    public var speed: Double
    /// True when the engine could not keep up with the asked speed in the last tick.
    public var behind: Bool
    /// The last closed one-second window of the whole system.
    public var system: SystemWindow?
    /// Recent system windows, oldest first.
    public var systemHistory: [SystemWindow]
    public var nodes: [NodeSnapshot]
    public var datacenters: [DataCenterStatus]
    /// The engine's latest notices, oldest first; `sequence` tells new from seen.
    public var notices: [EngineNotice]
    /// Each user region's end-to-end figures, in workload order; empty when it names none.
    public var regions: [RegionSnapshot] = []
    /// Simulated seconds advanced per wall second over about the last second, when measured
    /// (a live run ticking); it depends on the machine, never on the simulation.
    public var speedReached: Double? = nil
    /// Every link with what it carried over the last closed second (see `Engine.linkSnapshot`).
    public var links: [LinkSnapshot] = []

    public var users: Int { workload.users }
}

extension Engine {
    /// The engine's state for display, with at most `historyLimit` windows per node.
    public func snapshot(historyLimit: Int = 120) -> [NodeSnapshot] {
        nodes.indices.map { n in
            // Counted in place: copying each server would copy its queue and apply log.
            let pool = nodes[n].activeServers
            return NodeSnapshot(
                spec: spec.nodes[n],
                servers: pool.count,
                downServers: pool.count { servers[Int($0)].down },
                warmingServers: pool.count { servers[Int($0)].warmUntil > now },
                workers: Int(nodes[n].workers),
                size: nodes[n].size,
                slowFactor: nodes[n].slowFactor,
                cacheEntries: cacheSlot(n).map { cacheStates[$0].cache.count },
                window: nodes[n].history.last,
                bottleneck: isBottleneck(node: n),
                history: Array(nodes[n].history.elements.suffix(historyLimit)),
                members: memberSnapshots(of: n),
                sessionsLost: nodes[n].counters.sessionsLost,
                sessionsLostLastWindow: appSlot(n).map { appStates[$0].figures.lostInWindow } ?? 0,
                sessionsDropped: appSlot(n).map { appStates[$0].figures.dropped } ?? 0,
                rejected: nodes[n].counters.rejected,
                rateLimitTokens: rateLimitTokens(node: n)
            )
        }
    }

    /// The whole picture for display, with the pace settings of whoever drives the engine.
    public func simulationSnapshot(
        paused: Bool = false, speed: Double = 1, behind: Bool = false, historyLimit: Int = 120, speedReached: Double? = nil
    ) -> SimulationSnapshot {
        SimulationSnapshot(
            time: now,
            workload: spec.workload,
            paused: paused,
            speed: speed,
            behind: behind,
            system: systemHistory.last,
            systemHistory: Array(systemHistory.elements.suffix(historyLimit)),
            nodes: snapshot(historyLimit: historyLimit),
            datacenters: dataCenterStatus,
            notices: notices.recent,
            regions: regionSnapshots(historyLimit: historyLimit),
            speedReached: speedReached,
            links: linkSnapshot
        )
    }

    /// Each data center and whether it is up.
    public var dataCenterStatus: [DataCenterStatus] {
        datacenters.map { DataCenterStatus(name: $0.name, down: $0.down) }
    }
}

/// The engine's public face: commands in, immutable snapshots out.
///
/// The event loop inside stays synchronous (no await per event); callers cross the actor
/// boundary once per command or per frame, never per request.
public actor Simulation {
    private var engine: Engine
    public private(set) var paused = false
    public private(set) var speed = 1.0
    private var behind = false
    /// Measures the speed reached, from the wall clock at each tick.
    private var gauge = SpeedGauge()
    /// Digests taken at each whole simulated second, while a recorder wants them.
    private var checkpoints: [(time: SimTime, digest: UInt64)] = []
    /// Whether `tick` stops at each whole simulated second to take a digest.
    public private(set) var takesCheckpoints = false

    /// Longest wall time one `tick` may spend simulating, so callers stay responsive.
    public static let tickBudget: Duration = .milliseconds(50)

    public init(spec: SystemSpec, seed: UInt64? = nil, warmup: SimTime = 0, keyTrace: [UInt32] = []) {
        engine = Engine(spec: spec, seed: seed, warmup: warmup, keyTrace: keyTrace)
    }

    /// Continues from `engine` as it stands (a replay taken over by the user).
    public init(engine: Engine) {
        self.engine = engine
    }

    public var now: SimTime { engine.now }

    /// The seed the running engine's random stream started from.
    public var seed: UInt64 { engine.seed }

    /// The digest of the engine's state now (see `Engine.digest()`).
    public var digest: UInt64 { engine.digest() }

    /// Starts or stops taking a digest at every whole simulated second (for recording).
    public func setTakesCheckpoints(_ on: Bool) {
        takesCheckpoints = on
        if !on { checkpoints = [] }
    }

    /// The checkpoints taken since the last call, oldest first.
    public func takeCheckpoints() -> [(time: SimTime, digest: UInt64)] {
        defer { checkpoints = [] }
        return checkpoints
    }

    /// The system as configured now, every command applied: what `w` saves.
    public var spec: SystemSpec { engine.spec }

    /// Starts over from `spec` at time zero (loading a stage); pause and speed stay.
    public func load(_ spec: SystemSpec, seed: UInt64? = nil, keyTrace: [UInt32] = []) {
        engine = Engine(spec: spec, seed: seed, keyTrace: keyTrace)
        behind = false
        gauge.reset()
    }

    /// Applies a topology or workload edit at the current simulated time; a refused one is
    /// listed in the report with the script's.
    public func apply(_ command: SimCommand) -> CommandResult { engine.execute(command) }

    public func pause() { paused = true }
    public func resume() { paused = false }

    /// Sets the speed, in simulated seconds per wall second.
    public func setSpeed(_ factor: Double) {
        guard factor.isFinite, factor > 0 else { return }
        speed = factor
    }

    /// Advances simulated time by `duration`, however long that takes, paused or not.
    public func advance(by duration: SimTime) {
        gauge.reset()
        engine.run(until: engine.now + max(0, duration))
    }

    /// Advances by `wallSeconds` of real time at the current speed unless paused, spending
    /// at most `tickBudget`; simulated time the budget could not cover is skipped and the
    /// snapshot says the engine is behind.
    public func tick(wallSeconds: Double) {
        guard !paused, wallSeconds > 0 else {
            behind = false
            gauge.reset()
            return
        }
        // Whole microseconds: commands land between ticks, and replay files time them in µs.
        let target = (engine.now + Nanos.from(seconds: wallSeconds * speed)) / 1_000 * 1_000
        let slice = 10 * Nanos.perMillisecond
        let clock = ContinuousClock()
        let deadline = clock.now + Self.tickBudget
        while engine.now < target {
            let end = min(target, engine.now + slice)
            if takesCheckpoints {
                engine.run(until: end, checkpointEvery: Nanos.perSecond) { checkpoints.append(($0.now, $0.digest())) }
            } else {
                engine.run(until: end)
            }
            if clock.now > deadline { break }
        }
        behind = engine.now < target
        gauge.record(wall: clock.now, simulated: engine.now)
    }

    /// The figures of the measured part of the run so far.
    public func summary() -> RunSummary { engine.summary() }

    public func snapshot(historyLimit: Int = 120) -> SimulationSnapshot {
        engine.simulationSnapshot(
            paused: paused, speed: speed, behind: behind, historyLimit: historyLimit, speedReached: gauge.reached)
    }
}

/// The speed a run actually reaches: simulated time advanced per wall second, over the
/// samples of about the last second.
public struct SpeedGauge: Sendable {
    private var samples: [(wall: ContinuousClock.Instant, simulated: SimTime)] = []
    /// Wall time the measure spans at most.
    public static let span: Duration = .seconds(1)
    /// Wall time it needs at least before it says anything.
    public static let minimumSpan: Duration = .milliseconds(250)

    public init() {}

    /// Notes where simulated time stood at wall instant `wall`.
    public mutating func record(wall: ContinuousClock.Instant, simulated: SimTime) {
        samples.append((wall, simulated))
        while samples.count > 2, wall - samples[1].wall >= Self.span { samples.removeFirst() }
    }

    /// Forgets the samples (a pause, a load, a jump): the next measure starts afresh.
    public mutating func reset() { samples.removeAll(keepingCapacity: true) }

    /// Simulated seconds per wall second over the samples kept, once they span long enough.
    public var reached: Double? {
        guard let first = samples.first, let last = samples.last else { return nil }
        let wall = last.wall - first.wall
        guard wall >= Self.minimumSpan else { return nil }
        return Nanos.seconds(last.simulated - first.simulated) / wall.seconds
    }
}
