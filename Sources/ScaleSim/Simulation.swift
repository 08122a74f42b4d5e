import Foundation

/// One node as the dashboard sees it at an instant.
public struct NodeSnapshot: Sendable, Hashable {
    public var id: String
    public var kind: NodeKind
    public var servers: Int
    public var workers: Int
    /// The last closed one-second window.
    public var window: NodeWindow?
    public var bottleneck: Bool
    /// Recent windows, oldest first.
    public var history: [NodeWindow]
}

/// An immutable picture of a running simulation, safe to hand to any thread.
public struct SimulationSnapshot: Sendable, Hashable {
    public var time: SimTime
    public var users: Int
    public var paused: Bool
    /// Simulated seconds per wall second asked for.
    public var speed: Double
    /// True when the engine could not keep up with the asked speed in the last tick.
    public var behind: Bool
    /// The last closed one-second window of the whole system.
    public var system: SystemWindow?
    public var nodes: [NodeSnapshot]
}

extension Engine {
    /// The engine's state for display, with at most `historyLimit` windows per node.
    public func snapshot(historyLimit: Int = 120) -> [NodeSnapshot] {
        nodes.indices.map { n in
            let history = nodes[n].history.elements
            return NodeSnapshot(
                id: spec.nodes[n].id,
                kind: nodes[n].kind,
                servers: nodes[n].activeServers.count,
                workers: Int(nodes[n].workers),
                window: nodes[n].history.last,
                bottleneck: isBottleneck(node: n),
                history: Array(history.suffix(historyLimit))
            )
        }
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

    /// Longest wall time one `tick` may spend simulating, so callers stay responsive.
    public static let tickBudget: Duration = .milliseconds(50)

    public init(spec: SystemSpec, seed: UInt64? = nil, warmup: SimTime = 0) {
        engine = Engine(spec: spec, seed: seed, warmup: warmup)
    }

    public var now: SimTime { engine.now }

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
        engine.run(until: engine.now + max(0, duration))
    }

    /// Advances by `wallSeconds` of real time at the current speed unless paused, spending
    /// at most `tickBudget`; simulated time the budget could not cover is skipped and the
    /// snapshot says the engine is behind.
    public func tick(wallSeconds: Double) {
        guard !paused, wallSeconds > 0 else {
            behind = false
            return
        }
        let target = engine.now + Nanos.from(seconds: wallSeconds * speed)
        let slice = 10 * Nanos.perMillisecond
        let clock = ContinuousClock()
        let deadline = clock.now + Self.tickBudget
        while engine.now < target {
            engine.run(until: min(target, engine.now + slice))
            if clock.now > deadline { break }
        }
        behind = engine.now < target
    }

    /// The figures of the measured part of the run so far.
    public func summary() -> RunSummary { engine.summary() }

    public func snapshot(historyLimit: Int = 120) -> SimulationSnapshot {
        SimulationSnapshot(
            time: engine.now,
            users: engine.spec.workload.users,
            paused: paused,
            speed: speed,
            behind: behind,
            system: engine.systemHistory.last,
            nodes: engine.snapshot(historyLimit: historyLimit)
        )
    }
}
