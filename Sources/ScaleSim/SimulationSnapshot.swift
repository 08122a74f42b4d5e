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
    /// What the node costs per month at the rate of now: its servers as they are, its
    /// traffic as in the last closed second (docs/cost.md).
    public var costPerMonth = 0.0
    /// For a cache in another data center than its primary: the writes on their way to it.
    public var remoteWrites: RemoteWrites? = nil

    public var id: String { spec.id }
    public var kind: NodeKind { spec.kind }
    /// Every server of the pool is down.
    public var isDown: Bool { servers > 0 && downServers == servers }
}

/// The writes a cache's primary in another data center has shipped to it: how far they
/// travel (`dc_latency`) and how many are on their way now (docs/architecture.md).
public struct RemoteWrites: Sendable, Hashable {
    public var primary: String
    public var delay: SimTime
    public var inFlight: Int
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
    /// How a partitioned run is spread (Parallel/PartitionedEngine.swift); nil for one engine.
    public var spread: PartitionSpread? = nil
    /// How the system would be spread with `--threads`, when it runs in one engine though
    /// it could run in several partitions on several of the machine's cores (a live
    /// dashboard's, for the hint beside `BEHIND`); nil otherwise.
    public var spreadAvailable: PartitionSpread? = nil
    /// Every link with what it carried over the last closed second (see `Engine.linkSnapshot`).
    public var links: [LinkSnapshot] = []
    /// One-way latency from each user region to each data center, commands included.
    public var latencies: [RegionLatency] = []
    /// The prices the system runs at (docs/cost.md).
    public var prices = Pricing.shipped
    /// Every network partition so far, open or healed (see `PartitionEpisode`).
    public var partitions: [PartitionEpisode] = []
    /// What the clients did in the last whole second (attempts, retries, deadlines).
    public var clientsLastSecond = ClientCounters()
    /// Every circuit breaker, in spec order (see Engine+CircuitBreaker.swift).
    public var breakers: [BreakerSnapshot] = []

    public var users: Int { workload.users }
    /// What the whole system costs per month at the rate of now: every node's.
    public var costPerMonth: Double { nodes.reduce(0) { $0 + $1.costPerMonth } }
}

extension Engine {
    /// The engine's state for display, with at most `historyLimit` windows per node.
    public func snapshot(historyLimit: Int = 120) -> [NodeSnapshot] {
        let costs = costRates()
        return nodes.indices.map { n in
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
                rateLimitTokens: rateLimitTokens(node: n),
                costPerMonth: costs[n],
                remoteWrites: remoteWrites(toCache: n)
            )
        }
    }

    /// The whole picture for display, with the pace settings of whoever drives the engine.
    public func simulationSnapshot(
        paused: Bool = false, speed: Double = 1, behind: Bool = false, historyLimit: Int = 120, speedReached: Double? = nil
    ) -> SimulationSnapshot {
        simulationSnapshot(
            paused: paused, speed: speed, behind: behind, historyLimit: historyLimit, speedReached: speedReached,
            nodes: snapshot(historyLimit: historyLimit))
    }

    /// The whole picture with `nodes` for its nodes (a partitioned run takes each from its owner).
    func simulationSnapshot(
        paused: Bool, speed: Double, behind: Bool, historyLimit: Int, speedReached: Double?, nodes: [NodeSnapshot]
    ) -> SimulationSnapshot {
        SimulationSnapshot(
            time: now,
            workload: spec.workload,
            paused: paused,
            speed: speed,
            behind: behind,
            system: systemHistory.last,
            systemHistory: Array(systemHistory.elements.suffix(historyLimit)),
            nodes: nodes,
            datacenters: dataCenterStatus,
            notices: notices.recent,
            regions: regionSnapshots(historyLimit: historyLimit),
            speedReached: speedReached,
            links: linkSnapshot,
            latencies: spec.latencies,
            prices: spec.prices,
            partitions: partitionEpisodes,
            clientsLastSecond: client.lastSecond,
            breakers: breakerSnapshots
        )
    }

    /// Each data center and whether it is up.
    public var dataCenterStatus: [DataCenterStatus] {
        datacenters.map { DataCenterStatus(name: $0.name, down: $0.down) }
    }
}

/// How many partitions a partitioned run has and how many threads run them.
public struct PartitionSpread: Sendable, Hashable {
    public var partitions: Int
    public var threads: Int

    public init(partitions: Int, threads: Int) {
        self.partitions = partitions
        self.threads = threads
    }
}
