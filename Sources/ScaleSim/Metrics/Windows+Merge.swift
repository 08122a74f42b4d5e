/// Merging the outcome counters several engine partitions wrote.
///
/// Every field is a running sum, so the merge adds them (docs/design/partitioned-engine-audit.md, L1).
extension OutcomeCounts {
    /// Adds `other`'s counts to these.
    ///
    /// `latencySum` adds whole nanoseconds as doubles: exact, so independent of the order of
    /// the additions, while the sum stays below 2^53 ns (104 days of summed response time).
    public mutating func merge(_ other: OutcomeCounts) {
        requests += other.requests
        completed += other.completed
        dropped += other.dropped
        timedOut += other.timedOut
        failed += other.failed
        rejected += other.rejected
        latencySum += other.latencySum
    }
}

extension ClassOutcomes {
    /// Adds `other`'s counts to these, class by class.
    mutating func merge(_ other: ClassOutcomes) {
        // The subscript writes unchecked (see `Column`): a copy may share the buffer.
        byClass.makeUnique()
        for c in byClass.indices { byClass[c].merge(other.byClass[c]) }
    }
}
