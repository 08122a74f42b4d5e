import ScaleSim

/// The circuit breakers in reports (docs/reports.md, `breakers`).
extension RunReport {
    /// One object per breaker, in spec order: its link, settings, state at the end, and
    /// what it did over the measured part.
    var breakerFields: [JSONValue] {
        summary.breakers.map { b in
            .object([
                "from": .string(b.from),
                "to": .string(b.to),
                "state": .string(b.state.rawValue),
                "threshold": .number(b.spec.threshold),
                "window": .int(b.spec.window),
                "min_requests": .int(b.spec.minRequests),
                "open_for_s": .number(Nanos.seconds(b.spec.openFor)),
                "probes": .int(b.spec.probes),
                "failure_rate": .number(b.failureRate),
                "short_circuited": .int(b.shortCircuited),
                "times_opened": .int(b.timesOpened),
                "open_s": .number(b.openSeconds),
            ])
        }
    }
}

extension TextReport {
    /// The breakers' table: link, state at the end, times opened, seconds open, requests
    /// short-circuited.
    static func breakerTable(_ breakers: [JSONValue]) -> [String] {
        var rows = [["breaker", "state", "opened", "open s", "short-circuited", "failure rate"]]
        for case .object(let b) in breakers {
            rows.append([
                "\(text(b["from"])) -> \(text(b["to"]))", text(b["state"]), figure(b["times_opened"], digits: 0),
                figure(b["open_s"], digits: 1), figure(b["short_circuited"], digits: 0), percent(b["failure_rate"], digits: 0),
            ])
        }
        return table(rows)
    }
}
