/// Network cuts between data centers in a partitioned run (docs/architecture.md, "Network
/// cuts in a partitioned run").
///
/// `partition` and `heal` apply at a barrier in every copy, so every copy keeps the same
/// table of cut links. A request sent into a cut fails where it was sent, after the connect
/// timeout. A write a cut holds back waits in the partition of the replica pool or cache it
/// was for: that partition hears of every commit anyway (its mirror of the primary must),
/// and a command applies only after every commit before it has been heard of, so it holds
/// exactly the writes one engine holds. At the heal each partition ships its own held
/// writes, as one engine does, and knows when its own replicas will have caught up; the
/// coordinator takes the latest of those times and finishes the episode there at a barrier,
/// counting the stale reads of every partition and telling of it once. Each partition counts
/// its own part of an episode's figures; the run's episodes add them up.
extension PartitionedEngine {
    /// The earliest healed cut whose catch-up is still to finish, if it is due at or before
    /// `end`.
    func nextCatchUp(through end: SimTime) -> (at: SimTime, episode: Int)? {
        let episodes = simulation.partitions[0].engine.partitions.episodes
        return episodes.indices.compactMap { e -> (at: SimTime, episode: Int)? in
            guard let at = episodes[e].caughtUpAt, episodes[e].staleAtCatchUp == nil, at <= end else { return nil }
            return (at, e)
        }.min { $0.at < $1.at }
    }

    /// After a heal: an episode has caught up when the last partition's replicas have, so
    /// every copy takes the latest time; one already due finishes now.
    func agreeOnCatchUps() {
        let first = simulation.partitions[0].engine
        for e in first.partitions.episodes.indices where first.partitions.episodes[e].staleAtCatchUp == nil {
            let times = engines.compactMap { $0.partitions.episodes[e].caughtUpAt }
            guard let latest = times.max() else { continue }
            for p in simulation.partitions.indices {
                simulation.update(p) { $0.engine.partitions.episodes[e].caughtUpAt = latest }
            }
        }
        while let due = nextCatchUp(through: now) { finish(due) }
    }

    /// Runs every partition through `catchUp`'s time, every read before it settled, then
    /// ends its episode's stale reads in every partition and tells of the catch-up once.
    func finish(_ catchUp: (at: SimTime, episode: Int)) {
        if catchUp.at > now {
            advance(until: catchUp.at)
            simulation.endWindowHere()
        }
        for p in simulation.partitions.indices {
            simulation.update(p) { $0.engine.countStaleReadsAtCatchUp(episode: catchUp.episode) }
        }
        let episode = partitionEpisodes[catchUp.episode]
        let notice = EngineNotice.Event.partitionCaughtUp(
            dataCenters: episode.dataCenters, writes: episode.writesHeld, after: episode.catchUpTime ?? 0)
        simulation.update(0) { $0.engine.notices.post(notice, at: catchUp.at) }
    }

    /// Every partition between data centers so far, each figure added up over the
    /// partitions (each counts what happened in its own nodes and requests).
    public var partitionEpisodes: [PartitionEpisode] {
        let parts = engines.map(\.partitionEpisodes)
        return parts[0].indices.map { e in
            var episode = parts[0][e]
            for part in parts.dropFirst() {
                for c in episode.failedByClass.indices { episode.failedByClass[c] += part[e].failedByClass[c] }
                episode.writesHeld += part[e].writesHeld
                episode.resyncs += part[e].resyncs
                episode.staleReads += part[e].staleReads
                episode.staleAtCut += part[e].staleAtCut
                episode.staleAtCatchUp = episode.staleAtCatchUp.map { $0 + (part[e].staleAtCatchUp ?? 0) }
            }
            return episode
        }
    }
}
