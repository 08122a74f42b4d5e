import ScaleSim

extension RunReport {
    /// What the clients did (docs/reports.md, `end_to_end.clients`): present when the workload
    /// retries or has a client deadline, nil otherwise so other reports keep their keys.
    var clientFields: [String: JSONValue]? {
        let workload = summary.spec.workload
        guard workload.retries.limit > 0 || workload.clientTimeout != nil else { return nil }
        let c = summary.clients
        return [
            "first_attempts": .int(c.firstAttempts),
            "retries": .int(c.retries),
            "retries_denied": .int(c.retriesDenied),
            "amplification": .number(c.amplification),
            "abandoned": .int(c.abandoned),
            "completed_after_abandon": .int(c.completedAfterAbandon),
            "served_after_abandon": .int(c.servedAfterAbandon),
            "wasted_server_s": .number(Nanos.seconds(c.wastedServiceTime)),
        ]
    }
}
