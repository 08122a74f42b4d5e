extension Engine {
    /// Which simulation this build computes in one engine, as replay files record it.
    ///
    /// Every change that moves a simulated figure (a report's number, a checkpoint's digest)
    /// bumps it, in the same commit, so a replay recorded with another revision plays but is
    /// not verified against digests this engine no longer computes (see docs/replay.md).
    /// Revision 1 is the engine of every replay file written before files recorded it.
    public static let revision = 3

    /// The revision of a run asked for threads (`SystemRun`): a system of several partitions
    /// runs in them, any other in one engine as `revision` computes it.
    public static let partitionedRevision = 6

    /// Every partitioned revision this build computes: 4 refused the commands on nodes that
    /// hold data and those adding or removing nodes, which 5 takes; 5 refused retries,
    /// circuit breakers, network cuts and shards, which 6 takes
    /// (`Engine.olderRevisionRefusal`). A run that uses none of them is the same in all three.
    public static let partitionedRevisions = [4, 5, partitionedRevision]

    /// The revisions this build computes, and so can verify.
    public static let verifiableRevisions = [revision] + partitionedRevisions
}
