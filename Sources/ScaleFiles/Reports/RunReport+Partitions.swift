import ScaleSim

extension RunReport {
    /// Each network partition of the run, in the order they began (docs/reports.md): what
    /// failed across the cut, what waited, the stale reads and the catch-up.
    var partitionFields: JSONValue {
        .array(
            summary.partitions.map { p in
                .object([
                    "between": .array(p.dataCenters.map { .string($0) }),
                    "cut_at_s": .number(Nanos.seconds(p.cutAt)),
                    "healed_at_s": .number(p.healedAt.map(Nanos.seconds)),
                    "failed_requests": .int(p.failedRequests),
                    "writes_at_risk": .int(p.failedWrites),
                    "writes_held": .int(p.writesHeld),
                    "stale_reads": .int(p.staleReads),
                    "catch_up_s": .number(p.catchUpTime.map(Nanos.seconds)),
                    "resyncs": .int(p.resyncs),
                ])
            })
    }
}
