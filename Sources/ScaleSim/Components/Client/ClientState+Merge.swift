/// Merging the client figures several engine partitions wrote.
///
/// See docs/design/partitioned-engine-audit.md, C5.
extension ClientCounters {
    /// Adds `other`'s figures to these: every field is a running sum.
    mutating func merge(_ other: ClientCounters) {
        firstAttempts += other.firstAttempts
        retries += other.retries
        retriesDenied += other.retriesDenied
        abandoned += other.abandoned
        completedAfterAbandon += other.completedAfterAbandon
        servedAfterAbandon += other.servedAfterAbandon
        wastedServiceTime += other.wastedServiceTime
    }
}

extension ClientState {
    /// Adds `other`'s client counters to these, all sums.
    ///
    /// Merged: the running totals, their marks at the warm-up's end and at the last tick, and
    /// the last second's figures. Every copy marks them at the same barriers, so each sum is
    /// the one-engine figure. Not merged: `timeout` (the same in every copy), the deadlines
    /// and their tags (held where the attempt is, C4) and the retry budget, which the
    /// partitions share at every barrier instead (Parallel/Engine+RetriesAcross.swift).
    mutating func mergeCounters(_ other: ClientState) {
        counters.merge(other.counters)
        countersAtStatsStart.merge(other.countersAtStatsStart)
        countersAtTick.merge(other.countersAtTick)
        lastSecond.merge(other.lastSecond)
    }
}
