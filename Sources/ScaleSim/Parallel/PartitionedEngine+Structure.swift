/// Commands that add or remove nodes in a partitioned run (docs/architecture.md, "Windows
/// and messages"): a load balancer, a session store, replicas, a cache, a CDN edge, a
/// database, a message queue, and taking one away.
///
/// Each is first tried on a scratch copy of the whole system. The run takes it only if
/// the system it makes keeps the same partitions, a lookahead no shorter than the windows
/// already run on or `PartitionedEngine.shortestWindow` (windows shorten to it), every node
/// it keeps in the partition it had, and nothing the partitioned engine does not carry
/// (`Engine.reasonNotPartitioned`); otherwise it is refused, saying why, and nothing
/// changes. Taken, it applies at the barrier in every partition, whose copies add (at the
/// end) or remove the same nodes, so indices stay the same everywhere; a new node belongs
/// to the partition of its data center, and a cache's storage is built only there
/// (neither the scratch copy nor another partition builds one: a cache of 100,000,000
/// entries is built once).
extension PartitionedEngine {
    /// Applies `command`, which adds or removes nodes, in every partition, or refuses it
    /// saying why.
    func executeStructural(_ command: SimCommand) -> CommandResult {
        let first = simulation.partitions[0].engine
        if command.removesNodes, !first.crossing.failovers.isEmpty {
            return .refused("a partitioned run cannot take this: a failover is under way; wait until it is done")
        }
        var trial = first.wholeSystemCopy()
        if case .refused(let reason) = trial.apply(command) { return .refused(reason) }
        if let reason = structuralRefusal(trial: trial, before: first) { return .refused(reason) }
        let owners = trial.owners(in: trial.partitionPlan)
        var result = CommandResult.applied
        var losses = Engine.RemovalLosses()
        var removed: [String] = []
        for p in simulation.partitions.indices {
            let answer = simulation.update(p) { $0.engine.applyStructural(command, owners: owners) }
            if p == 0 { result = answer.result }
            if let removal = answer.removal {
                removed = removal.nodes
                losses.requests += removal.losses.requests
                losses.jobs += removal.losses.jobs
            }
        }
        // One notice for the whole system, with what every partition lost.
        if !removed.isEmpty {
            let notice = EngineNotice.Event.nodesRemoved(nodes: removed, requestsFailed: losses.requests, jobsLost: losses.jobs)
            simulation.update(0) { $0.engine.notices.post(notice, at: $0.engine.now) }
        }
        return result
    }

    /// Why the system `trial` (this run's with a command's nodes added or removed) cannot go
    /// on in this run's partitions, or nil when it can; the refusal says how to take it.
    func structuralRefusal(trial: Engine, before: Engine) -> String? {
        reasonStructureBreaks(trial: trial, before: before).map {
            "a partitioned run cannot take this: \($0) (run with --one-engine to take it)"
        }
    }

    private func reasonStructureBreaks(trial: Engine, before: Engine) -> String? {
        let plan = trial.partitionPlan
        guard plan.partitions == self.plan.partitions else {
            return "it would change which data centers run together"
        }
        if let reason = trial.reasonNotPartitioned { return reason }
        if let lookahead = plan.lookahead, lookahead < min(simulation.lookahead, Self.shortestWindow) {
            let limit = plan.limitedBy ?? "an effect"
            return "\(limit) would cross partitions in \(Nanos.seconds(lookahead)) s, "
                + "which needs windows shorter than the \(Nanos.seconds(Self.shortestWindow)) s a partitioned run "
                + "takes at least"
        }
        let owners = trial.owners(in: plan)
        let moved = before.nodes.indices.first { n in
            trial.nodeIndex[before.spec.nodes[n].id].map { owners[Int($0)] != before.crossing.owners[n] } ?? false
        }
        if let moved { return "\(before.spec.nodes[moved].id) would move to another partition" }
        return nil
    }
}

extension SimCommand {
    /// True for a command that adds or removes nodes (taken live by a partitioned run when
    /// the system stays partitioned the same way, never in a script).
    var changesStructure: Bool { addsNodes || removesNodes }

    /// True for a command that adds nodes.
    var addsNodes: Bool {
        switch self {
        case .addLoadBalancer, .addSessionStore, .addReplicas, .addCache, .addCDN, .addDatabase, .addQueue,
            .addDataCenter:
            true
        default: false
        }
    }

    /// True for a command that removes nodes.
    var removesNodes: Bool {
        switch self {
        case .removeLoadBalancer, .removeSessionStore, .removeCache, .removeCDN, .removeDatabase, .removeQueue,
            .removeDataCenter:
            true
        default: false
        }
    }
}

extension Engine {
    /// This engine's whole structure as a system of one partition, to try a command on:
    /// never run, and sharing no storage it changes with this engine.
    func wholeSystemCopy() -> Engine {
        var copy = self
        copy.makeStorageUnique()
        copy.crossing = PartitionCrossing()
        copy.crossing.keepsNoCacheStorage = true
        return copy
    }

    /// What a partition did with a command that adds or removes nodes: its answer, and for a
    /// removal the nodes and what this partition lost in them.
    fileprivate struct StructuralAnswer {
        var result: CommandResult
        var removal: (nodes: [String], losses: RemovalLosses)?
    }

    /// Applies `command`, which adds or removes nodes, in this partition at a barrier.
    ///
    /// New nodes get their owners before they exist (a new node's first events ask who
    /// simulates it); a removal renumbers the nodes, and the owners follow after it. The
    /// primaries' writes are then sent to wherever their data is kept now. A removal's
    /// notice is left to the coordinator, which posts one for every partition's losses.
    fileprivate mutating func applyStructural(_ command: SimCommand, owners: [Int32]) -> StructuralAnswer {
        makeStorageUnique()
        if command.addsNodes { crossing.owners = owners }
        crossing.removal = nil
        let result = apply(command)
        crossing.owners = owners
        crossing.commitSubscribers = commitSubscribers(owners: owners)
        defer { crossing.removal = nil }
        return StructuralAnswer(result: result, removal: crossing.removal)
    }
}
