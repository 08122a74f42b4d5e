/// Commands that add nodes to a partitioned run (docs/architecture.md, "Windows and
/// messages"): a load balancer, a session store, a cache, a CDN edge, a database, a
/// replica pool, a message queue.
///
/// Each is first tried on a scratch copy of the whole system. The run takes it only if
/// the system it makes keeps the same partitions, no shorter a lookahead than the windows
/// already run on, every old node with the partition it had, and nothing the partitioned
/// engine does not carry (`Engine.reasonNotPartitioned`); otherwise it is refused, saying
/// why, and nothing changes. Taken, it applies at the barrier in every partition, whose
/// copies append the same nodes at the same indices; the new nodes belong to the partition
/// of their data center, and a cache's storage is kept only there.
extension PartitionedEngine {
    /// Applies `command`, which adds nodes, in every partition, or refuses it saying why.
    func executeAddition(_ command: SimCommand) -> CommandResult {
        let first = simulation.partitions[0].engine
        var trial = first.wholeSystemCopy()
        if case .refused(let reason) = trial.apply(command) { return .refused(reason) }
        if let reason = additionRefusal(trial: trial, before: first) { return .refused(reason) }
        let plan = trial.partitionPlan
        let partitionOf = trial.datacenters.map { dc in plan.partitions.firstIndex { $0.contains(dc.name) } ?? 0 }
        let owners = trial.nodes.indices.map { Int32(partitionOf[trial.homeDataCenter(of: $0)]) }
        var result = CommandResult.applied
        for p in simulation.partitions.indices {
            let answer = simulation.update(p) { $0.engine.applyAddition(command, owners: owners) }
            if p == 0 { result = answer }
        }
        return result
    }

    /// Why the system `trial` (this run's with a command's nodes added) cannot go on in
    /// this run's partitions, or nil when it can.
    func additionRefusal(trial: Engine, before: Engine) -> String? {
        let prefix = "a partitioned run cannot take this: "
        let plan = trial.partitionPlan
        guard plan.partitions == self.plan.partitions else {
            return prefix + "it would join data centers into other partitions (run without --threads)"
        }
        if let reason = trial.reasonNotPartitioned { return prefix + reason }
        if let lookahead = plan.lookahead, lookahead < simulation.lookahead {
            let limit = plan.limitedBy ?? "an effect"
            return prefix + "\(limit) would cross partitions in \(Nanos.seconds(lookahead)) s, "
                + "less than the \(Nanos.seconds(simulation.lookahead)) s windows of this run"
        }
        let partitionOf = trial.datacenters.map { dc in plan.partitions.firstIndex { $0.contains(dc.name) } ?? 0 }
        let moved = before.nodes.indices.first { n in
            Int32(partitionOf[trial.homeDataCenter(of: n)]) != before.crossing.owners[n]
        }
        if let moved { return prefix + "\(before.spec.nodes[moved].id) would move to another partition" }
        return nil
    }
}

extension SimCommand {
    /// True for a command that adds nodes to the system (taken live by a partitioned run
    /// when the system stays partitioned the same way, never in a script).
    var addsNodes: Bool {
        switch self {
        case .addLoadBalancer, .addSessionStore, .addReplicas, .addCache, .addCDN, .addDatabase, .addQueue: true
        default: false
        }
    }
}

extension Engine {
    /// This engine's whole structure as a system of one partition, to try a command on:
    /// never run, and sharing no storage it changes with this engine.
    fileprivate func wholeSystemCopy() -> Engine {
        var copy = self
        copy.makeStorageUnique()
        copy.crossing = PartitionCrossing()
        return copy
    }

    /// Applies `command`, which adds nodes, in this partition at a barrier: the new nodes get
    /// their owners before they exist (a new node's first events ask who simulates it), then
    /// the primaries' writes are sent to wherever their data is now kept.
    fileprivate mutating func applyAddition(_ command: SimCommand, owners: [Int32]) -> CommandResult {
        makeStorageUnique()
        crossing.owners = owners
        let result = apply(command)
        crossing.commitSubscribers = commitSubscribers(owners: owners)
        dropForeignCacheStorage()
        return result
    }
}
