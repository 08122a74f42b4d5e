extension Engine {
    /// Which simulation this build computes, as replay files record it.
    ///
    /// Every change that moves a simulated figure (a report's number, a checkpoint's digest)
    /// bumps it, in the same commit, so a replay recorded with another revision plays but is
    /// not verified against digests this engine no longer computes (see docs/replay.md).
    /// Revision 1 is the engine of every replay file written before files recorded it.
    public static let revision = 3
}
