/// A dead primary's failover in a partitioned run (docs/architecture.md, "Windows and
/// messages").
///
/// One engine promotes the live replica that received most of the dead primary's log, and
/// counts the writes it never received as lost. The replicas may live in several
/// partitions, so the coordinator does it at a barrier at the failover's time: every
/// partition has run every event before that time (the commits that reached a replica by
/// then all arrived), each names the furthest position its own live replicas received, and
/// every partition's copy of the primary comes back with the best of them, the primary's
/// owner counting the writes lost.
struct PendingFailover: Sendable, Equatable {
    /// When the replica takes over.
    var at: SimTime
    var primary: Int32
}

extension PartitionedEngine {
    /// The next failover to carry out, if one is due at or before `end`.
    func nextFailover(through end: SimTime) -> PendingFailover? {
        simulation.partitions[0].engine.crossing.failovers.filter { $0.at <= end }.min { $0.at < $1.at }
    }

    /// Runs every partition up to just before `failover`'s time, then promotes a replica of
    /// its primary in every partition, as one engine's failover timer does.
    func carryOut(_ failover: PendingFailover) {
        if failover.at > now {
            advance(until: failover.at - 1)
            // The commits on their way are delivered, so each partition knows what reached it.
            simulation.endWindowHere()
            for p in simulation.partitions.indices { simulation.update(p) { $0.engine.setClock(to: failover.at) } }
        }
        let n = Int(failover.primary)
        let engines = self.engines
        let primaryOwner = Int(engines[0].crossing.owners[n])
        let best = engines.compactMap { $0.bestReceived(byReplicasOf: n) }.max()
        let promote = engines[primaryOwner].primaryIsDown(n) && best != nil
        let lost = best.map { Int(engines[primaryOwner].logPosition(primary: n) - $0) }
        for p in simulation.partitions.indices {
            simulation.update(p) { partition in
                partition.engine.makeStorageUnique()
                partition.engine.crossing.failovers.removeAll { $0 == failover }
                partition.engine.primaryStates[Int(partition.engine.nodes[n].slot)].failoverPending = false
                if promote { partition.engine.takeOver(primary: n, losing: p == primaryOwner ? lost : nil) }
            }
        }
        deliverSentAtBarrier()
    }
}

extension Engine {
    /// Moves the clock on to `time`, before any event at that time: every event before it
    /// has run.
    fileprivate mutating func setClock(to time: SimTime) {
        precondition(time >= now && (events.nextTime ?? .max) >= time, "the clock only moves to the next event")
        now = time
    }
}
