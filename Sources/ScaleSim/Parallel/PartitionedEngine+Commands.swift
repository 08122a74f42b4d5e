/// Commands in a partitioned run (docs/architecture.md, "Windows and messages").
///
/// A command applies at a barrier, after every event at or before its time, in every
/// partition: each copy keeps the whole structure, so node indices stay the same everywhere,
/// while only the owner's state of the node is live, and only the owner's copy schedules
/// what follows (`PartitionCrossing.simulates`). The owner's answer is the command's: a
/// command its owner refuses changes no partition. Only commands whose effect stays inside
/// one partition are taken:
/// - the users and their rate (each partition reschedules its own regions' arrivals);
/// - on a node that holds no data (an app, balancer, queue, station or session store):
///   its servers, workers and size, `kill` and `restore` (the node or one server), `slow`,
///   its balancing policy and health check, a rate limit, a concurrency limit, a queue
///   deadline, its autoscaler and its sessions;
/// - on a cache or a CDN edge: the same, and its capacity, eviction, TTL, write policy,
///   coalescing and `flush`; another partition's copy keeps its one-entry placeholder
///   (`Engine.reconcileCache`), so no copy but the owner's builds the cache's storage;
/// - on a replica pool or a primary the same (`remove replica` resizes the primary's first
///   pool): a replica restored or added copies its primary's data as the mirror knows it,
///   which at the barrier holds every commit made so far; a kill that leaves a primary
///   dead starts the failover the coordinator carries out at a barrier (one server of a
///   primary its autoscaler resized, in its owner alone, is not killed);
/// - adding and removing nodes, when the system keeps its partitions
///   (Parallel/PartitionedEngine+Structure.swift);
/// - `slow` on any node: only its own requests' service takes longer;
/// - `kill dc` and `restore dc`: every copy marks the data center and its nodes, and
///   geo-DNS, the same in every copy, moves each partition's own regions' users; a dead
///   primary's failover happens at a barrier (Parallel/PartitionedEngine+Failover.swift),
///   and a CDN edge whose users were sent to another partition is filled by a message;
/// - `breaker FROM TO ...`, when the outcomes of the link's calls still cross partitions
///   no sooner than the lookahead (tried on a scratch copy, as adding nodes is): every copy
///   links the breaker, live only in FROM's partition (Parallel/Engine+BreakersAcross.swift);
/// - `set retries` and `set retry-policy`, unless retries could then come back sooner than
///   the run's windows (Parallel/Engine+RetriesAcross.swift);
/// - `partition` and `heal`: every copy keeps the same table of cut links, and what a cut
///   holds back waits in the partition it was on its way to (Parallel/PartitionedEngine+Cuts.swift).
///
/// Adding or removing a data center changes the partitions and is refused. A script's
/// commands (the preset's and any added) apply the same way, at their times; a system whose
/// script holds a command not taken, or one that adds or removes nodes, runs in one engine
/// (`Engine.reasonNotPartitioned`).
extension PartitionedEngine {
    /// The design as it runs now: each node as its owner runs it (only the owner's
    /// autoscaler resizes a pool), the rest the same in every partition.
    public var spec: SystemSpec {
        let engines = self.engines
        var spec = engines[0].spec
        for (n, owner) in engines[0].crossing.owners.enumerated() { spec.nodes[n] = engines[Int(owner)].spec.nodes[n] }
        return spec
    }

    /// Applies `command` now in every partition, or refuses it saying why; a refusal is
    /// kept with the run's refused commands, as one engine keeps it.
    @discardableResult
    public func execute(_ command: SimCommand) -> CommandResult {
        // Every message sent so far is delivered first: a command may kill what one is on
        // its way to, or drop what has not arrived (`kill dc`), as one engine would.
        simulation.endWindowHere()
        // What the command sends (the retries of requests it failed) arrives after the barrier.
        defer { deliverSentAtBarrier() }
        if let refusal = simulation.partitions[0].engine.olderRevisionRefusal(of: command, revision: revision) {
            return refuse(command, refusal)
        }
        if command.changesStructure {
            let result = executeStructural(command)
            if case .refused(let reason) = result { return refuse(command, reason) }
            keepWindowsWithinTheLookahead()
            return result
        }
        let first = simulation.partitions[0].engine
        if let refusal = first.partitionedRunRefusal(of: command) ?? refusalToKillPartOfAPrimary(command)
            ?? refusalOfBreaker(command) ?? first.retriesRefusal(of: command, lookahead: simulation.lookahead)
        {
            return refuse(command, refusal)
        }
        let owner = first.commandedNode(command).map { Int(first.crossing.owners[$0]) } ?? 0
        let result = simulation.update(owner) { $0.engine.applyAtBarrier(command) }
        if case .refused(let reason) = result { return refuse(command, reason) }
        // Another copy may refuse what its owner took (its copy of the pool is not the
        // owner's): that copy is not live, and nothing reads it.
        for p in simulation.partitions.indices where p != owner {
            simulation.update(p) { _ = $0.engine.applyAtBarrier(command) }
        }
        if case .heal = command { agreeOnCatchUps() }
        keepWindowsWithinTheLookahead()
        return result
    }

    /// Shortens the windows from here on when the command just taken brought two partitions
    /// closer than the windows (a shorter backoff, a breaker's outcomes, a new route): each
    /// command that could is refused if it would need windows shorter than `shortestWindow`.
    private func keepWindowsWithinTheLookahead() {
        let after = simulation.partitions[0].engine.partitionPlan
        guard let lookahead = after.lookahead, lookahead < simulation.lookahead else { return }
        precondition(after.partitions == plan.partitions, "a command taken keeps the partitions")
        simulation.shortenWindows(to: lookahead)
        plan = after
    }

    /// Why a partitioned run does not kill one server of this primary, or nil. Every copy
    /// decides whether a kill leaves a primary dead (its replicas there drop the writes on
    /// their way, and the failover is due), so each must hold the servers the owner holds;
    /// the autoscaler resizes a pool in its owner alone.
    private func refusalToKillPartOfAPrimary(_ command: SimCommand) -> String? {
        let engines = self.engines
        guard case .kill(let id, .some) = command, let n = engines[0].nodeIndex[id].map(Int.init),
            engines[0].primarySlot(n) != nil, Set(engines.map { $0.nodes[n].activeServers.count }).count > 1
        else { return nil }
        return "\(id)'s autoscaler resized it in its own partition alone, so a partitioned run kills the whole "
            + "primary, not one server (run with --one-engine to kill one)"
    }

    /// Why a partitioned run does not put this circuit breaker on a link, or nil: tried on a
    /// scratch copy of the whole system, its outcomes must not join two partitions or cross
    /// sooner than the windows of this run (as for adding nodes, `structuralRefusal`).
    private func refusalOfBreaker(_ command: SimCommand) -> String? {
        guard case .setBreaker = command else { return nil }
        var trial = simulation.partitions[0].engine.wholeSystemCopy()
        if case .refused(let reason) = trial.apply(command) { return reason }
        return structuralRefusal(trial: trial, before: simulation.partitions[0].engine)
    }

    /// Keeps `command`'s refusal where the run's figures read the refused commands.
    func refuse(_ command: SimCommand, _ reason: String) -> CommandResult {
        let refused = RefusedCommand(at: now, command: command, reason: reason)
        simulation.update(0) { $0.engine.refusedCommands.append(refused) }
        return .refused(reason)
    }
}

extension Engine {
    /// Applies `command` in this partition at a barrier, keeping no refusal (the
    /// partitioned engine keeps the owner's).
    fileprivate mutating func applyAtBarrier(_ command: SimCommand) -> CommandResult {
        makeStorageUnique()
        return apply(command)
    }

    /// Why a partitioned run of this system does not take `command`, or nil when it does.
    func partitionedRunRefusal(of command: SimCommand) -> String? {
        switch command {
        case .setUsers, .setRatePerUser, .slow, .killDataCenter, .restoreDataCenter, .removeReplicas, .setServers,
            .addServers, .removeServers, .setWorkers, .setSize, .resize, .kill, .restore, .setPolicy, .setHealthCheck,
            .setRateLimit, .removeRateLimit, .setConcurrencyLimit, .setQueueDeadline, .setAutoscale, .setSessions,
            .setCacheCapacity, .setEviction, .setTTL, .setWritePolicy, .setCoalescing, .flush, .setShards, .setBreaker,
            .setRetries, .setRetryPolicy, .partition, .heal:
            // A node's own state stays in its owner; what reaches across (requests, writes,
            // a failover) goes by messages and barriers (docs/architecture.md, "Windows and
            // messages", Commands). `remove replica` resizes the primary's first pool. A
            // command the node does not take, or an unknown node, the engine refuses in its
            // own words.
            return nil
        default:
            return Self.notTakenYet
        }
    }

    /// The refusal of a command no partitioned run takes yet.
    static let notTakenYet = "a partitioned run does not take this command yet (run with --one-engine for every command)"

    /// Why a run of an older partitioned `revision` refused `command`, which this build
    /// takes, or nil when that revision took it too. A replay of such a recording refuses
    /// them again, so it verifies (docs/replay.md, "Engine revisions").
    func olderRevisionRefusal(of command: SimCommand, revision: Int) -> String? {
        switch command {
        case .setRetries, .setRetryPolicy, .setBreaker, .partition, .heal, .setShards:
            // Taken since revision 6.
            return revision < 6 ? Self.notTakenYet : nil
        default:
            return revision == 4 ? revision4Refusal(of: command) : nil
        }
    }

    /// Why a run of partitioned revision 4 refused `command`, or nil when it took it: every
    /// command on a node that holds data (a primary, a replica pool, a cache, a CDN edge),
    /// the cache settings, and every command adding or removing nodes.
    private func revision4Refusal(of command: SimCommand) -> String? {
        switch command {
        case .setUsers, .setRatePerUser, .slow, .killDataCenter, .restoreDataCenter:
            return nil
        case .setCacheCapacity, .setEviction, .setTTL, .setWritePolicy, .setCoalescing, .flush:
            return Self.notTakenYet
        default:
            guard let id = command.nodeID else { return Self.notTakenYet }
            guard let n = nodeIndex[id] else { return nil }
            switch nodes[Int(n)].kind {
            case .db, .replica, .cache, .cdn: return "\(id) holds data, whose copies reach across partitions: \(Self.notTakenYet)"
            case .app, .lb, .queue, .station, .sessionStore: return nil
            }
        }
    }
}

extension Engine {
    /// The node a command taken by a partitioned run changes, whose owner answers for it:
    /// the node it names, for `remove replica` the pool it shrinks, for `breaker` the node
    /// whose calls it guards.
    fileprivate func commandedNode(_ command: SimCommand) -> Int? {
        if case .removeReplicas(let primary, _) = command {
            return nodeIndex[primary].flatMap { replicaPools(of: Int($0)).first }.map(Int.init)
        }
        if case .setBreaker(let from, _, _) = command { return nodeIndex[from].map(Int.init) }
        return command.nodeID.flatMap { nodeIndex[$0] }.map(Int.init)
    }
}

extension SimCommand {
    /// The node a command taken by a partitioned run changes, whose owner answers for it.
    fileprivate var nodeID: String? {
        switch self {
        case .setServers(let id, _), .addServers(let id, _), .removeServers(let id, _), .setWorkers(let id, _),
            .setSize(let id, _), .resize(let id, _), .kill(let id, _), .restore(let id, _), .slow(let id, _),
            .setPolicy(let id, _), .setHealthCheck(let id, _), .setRateLimit(let id, _, _), .removeRateLimit(let id),
            .setConcurrencyLimit(let id, _), .setQueueDeadline(let id, _), .setAutoscale(let id, _),
            .setSessions(let id, _), .setCacheCapacity(let id, _), .setEviction(let id, _), .setTTL(let id, _),
            .setWritePolicy(let id, _), .setCoalescing(let id, _), .flush(let id), .setShards(let id, _):
            id
        default: nil
        }
    }
}
