import ScaleSim

/// The report of a headless run: the keys of INTERFACES.md, built from a `RunSummary`.
public struct RunReport: Sendable {
    public var summary: RunSummary
    /// The preset as named on the command line, resolved (file stem or path).
    public var preset: String
    public var refusedCommands: [String]

    public init(summary: RunSummary, preset: String, refusedCommands: [String] = []) {
        self.summary = summary
        self.preset = preset
        self.refusedCommands = refusedCommands
    }

    static func ms(_ t: SimTime?) -> JSONValue { .number(t.map(Nanos.milliseconds)) }
    static func ms(_ ns: Double?) -> JSONValue { .number(ns.map { $0 / 1e6 }) }

    /// The report as a JSON value (see INTERFACES.md for the keys).
    public var json: JSONValue {
        let e = summary.endToEnd
        var classes: [String: JSONValue] = [:]
        for c in e.classes {
            classes[c.requestClass.description] = .object([
                "requests": .int(c.counts.requests),
                "completed": .int(c.counts.completed),
                "dropped": .int(c.counts.dropped),
                "timed_out": .int(c.counts.timedOut),
                "failed": .int(c.counts.failed),
                "mean_ms": Self.ms(c.meanLatency),
                "p50_ms": Self.ms(c.p50),
                "p95_ms": Self.ms(c.p95),
                "p99_ms": Self.ms(c.p99),
            ])
        }
        let endToEnd: JSONValue = .object([
            "requests": .int(e.counts.requests),
            "completed": .int(e.counts.completed),
            "dropped": .int(e.counts.dropped),
            "timed_out": .int(e.counts.timedOut),
            "failed": .int(e.counts.failed),
            "in_flight": .int(e.inFlight),
            "throughput_rps": .number(e.throughputRps),
            "error_rate": .number(e.errorRate),
            "mean_ms": Self.ms(e.meanLatency),
            "p50_ms": Self.ms(e.p50),
            "p95_ms": Self.ms(e.p95),
            "p99_ms": Self.ms(e.p99),
            "classes": .object(classes),
        ])
        let nodes: [JSONValue] = summary.nodes.map { n in
            .object([
                "id": .string(n.id),
                "kind": .string(n.kind.rawValue),
                "dc": .null,
                "servers": .int(n.servers),
                "workers": .int(n.workers),
                "arrivals": .int(n.arrivals),
                "completions": .int(n.completions),
                "utilization": .number(n.utilization),
                "server_utilization": .array(n.serverUtilization.map { .number($0) }),
                "throughput_rps": .number(n.throughputRps),
                "dropped": .int(n.dropped),
                "timed_out": .int(n.timedOut),
                "mean_ms": Self.ms(n.meanLatency),
                "p50_ms": Self.ms(n.p50),
                "p95_ms": Self.ms(n.p95),
                "p99_ms": Self.ms(n.p99),
                "queue_length": .int(n.queueLength),
                "bottleneck": .bool(n.bottleneck),
            ])
        }
        return .object([
            "scaletop_version": .string(scaletopVersion),
            "preset": .string(preset),
            "seed": .unsigned(summary.seed),
            "duration_s": .number(Nanos.seconds(summary.end)),
            "warmup_s": .number(Nanos.seconds(summary.statsStart)),
            "end_to_end": endToEnd,
            "nodes": .array(nodes),
            // No component of this version can lose a session or a write.
            "sessions_lost": .int(0),
            "writes_lost": .int(0),
            "refused_commands": .array(refusedCommands.map { .string($0) }),
        ])
    }
}
