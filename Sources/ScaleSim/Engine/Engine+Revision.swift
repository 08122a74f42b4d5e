extension Engine {
    /// Which simulation this build computes in one engine, as replay files record it.
    ///
    /// Every change that moves a simulated figure (a report's number, a checkpoint's digest)
    /// bumps it, in the same commit, so a replay recorded with another revision plays but is
    /// not verified against digests this engine no longer computes (see docs/replay.md).
    /// Revision 1 is the engine of every replay file written before files recorded it.
    public static let revision = 7

    /// The revision of a run asked for threads (`SystemRun`): a system of several partitions
    /// runs in them, any other in one engine as `revision` computes it.
    public static let partitionedRevision = 8

    /// Every partitioned revision this build computes: 4 refused the commands on nodes that
    /// hold data and those adding or removing nodes, which 5 takes; 5 refused retries,
    /// circuit breakers, network cuts and shards, which 6 takes
    /// (`Engine.olderRevisionRefusal`); 8 splits routes as 7 does. A run that uses none of
    /// these is the same in all four.
    public static let partitionedRevisions = [4, 5, 6, partitionedRevision]

    /// The revisions this build computes, and so can verify: the one engine's 3 and 7, and
    /// the partitioned ones.
    public static let verifiableRevisions = [3, revision] + partitionedRevisions

    /// Whether a route split by class (a cache or replicas put in front of some of a
    /// route's classes) leaves the routes naming no class their classes by name: since
    /// revisions 7 and 8. Before, the split took the classes it named from those routes
    /// too, so a probabilistic sibling lost them (docs/replay.md, "Engine revisions").
    var splitKeepsUnnamedRoutes: Bool { followsRevision >= 7 }
}
