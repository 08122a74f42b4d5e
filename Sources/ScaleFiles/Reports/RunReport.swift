import ScaleSim

/// The report of a headless run, built from a `RunSummary`: the keys docs/reports.md lists.
public struct RunReport: Sendable {
    public var summary: RunSummary
    /// The preset as named on the command line, resolved (file stem or path).
    public var preset: UntrustedText

    public init(summary: RunSummary, preset: UntrustedText) {
        self.summary = summary
        self.preset = preset
    }

    /// A refused command as the report lists it: `at TIME: COMMAND: reason`.
    static func describe(_ refused: RefusedCommand) -> String {
        "at \(DurationParser.format(refused.at)): \(CommandGrammar.encode(refused.command)): \(refused.reason)"
    }

    static func ms(_ t: SimTime?) -> JSONValue { .number(t.map(Nanos.milliseconds)) }
    /// Money to a millionth, so that sums read as the round figures they are.
    static func money(_ amount: Double?) -> JSONValue { .number(amount.map { ($0 * 1e6).rounded() / 1e6 }) }

    /// The system's cost (docs/cost.md): at the measured rate per month of 730 hours, per
    /// million requests completed, and over the measured part.
    var costFields: [String: JSONValue] {
        let cost = summary.cost
        return [
            "per_month": Self.money(cost.perMonth), "per_million_requests": Self.money(cost.perMillionRequests),
            "measured": Self.money(cost.total),
        ]
    }
    static func ms(_ ns: Double?) -> JSONValue { .number(ns.map { $0 / 1e6 }) }

    /// The outcome counts, keyed as in reports; `rejected` always, 0 without a rate limiter.
    static func outcomeFields(_ c: OutcomeCounts) -> [String: JSONValue] {
        [
            "requests": .int(c.requests), "completed": .int(c.completed), "dropped": .int(c.dropped),
            "timed_out": .int(c.timedOut), "failed": .int(c.failed), "rejected": .int(c.rejected),
        ]
    }

    /// Mean and percentiles in milliseconds, keyed as in reports.
    static func latencyFields(mean: Double?, p50: SimTime?, p95: SimTime?, p99: SimTime?) -> [String: JSONValue] {
        ["mean_ms": ms(mean), "p50_ms": ms(p50), "p95_ms": ms(p95), "p99_ms": ms(p99)]
    }

    /// The report as a JSON value (docs/reports.md lists the keys).
    public var json: JSONValue {
        let e = summary.endToEnd
        var classes: [String: JSONValue] = [:]
        for c in e.classes {
            classes[c.requestClass.description] = .object(
                Self.outcomeFields(c.counts).merging(
                    Self.latencyFields(mean: c.meanLatency, p50: c.p50, p95: c.p95, p99: c.p99)
                ) { a, _ in a })
        }
        var endToEnd = Self.outcomeFields(e.counts)
            .merging(Self.latencyFields(mean: e.meanLatency, p50: e.p50, p95: e.p95, p99: e.p99)) { a, _ in a }
        endToEnd["in_flight"] = .int(e.inFlight)
        endToEnd["throughput_rps"] = .number(e.throughputRps)
        endToEnd["error_rate"] = .number(e.errorRate)
        endToEnd["classes"] = .object(classes)
        if let clients = clientFields { endToEnd["clients"] = .object(clients) }
        if !summary.regions.isEmpty { endToEnd["regions"] = .object(regionFields) }
        let nodes: [JSONValue] = summary.nodes.map { n in
            var fields: [String: JSONValue] = [
                "id": .string(n.id),
                "kind": .string(n.kind.rawValue),
                "dc": n.dc.map { .string($0) } ?? .null,
                "servers": .int(n.servers),
                "workers": .int(n.workers),
                "arrivals": .int(n.arrivals),
                "completions": .int(n.completions),
                "utilization": .number(n.utilization),
                "server_utilization": .array(n.serverUtilization.map { .number($0) }),
                "throughput_rps": .number(n.throughputRps),
                "dropped": .int(n.dropped),
                "timed_out": .int(n.timedOut),
                "queue_length": .int(n.queueLength),
                "bottleneck": .bool(n.bottleneck),
                "failed": .int(n.failed),
                "stale_reads": .int(n.staleReads),
                "instance_size": .int(n.size),
                "cost_per_month": Self.money(n.cost.perMonth),
            ]
            if n.kind == .app { fields["sessions_lost"] = .int(n.sessionsLost) }
            if n.kind == .app { fields["autoscaler_actions"] = .int(n.autoscalerActions) }
            if n.resyncs > 0 { fields["resyncs"] = .int(n.resyncs) }
            // On a node with a rate limit even when 0, so every seed of `--seeds` has the key.
            if n.rejected > 0 || summary.spec.node(n.id)?.rateLimit != nil || summary.spec.node(n.id)?.concurrencyLimit != nil {
                fields["rejected"] = .int(n.rejected)
            }
            if let cache = n.cache {
                fields["hit_ratio"] = .number(cache.hitRatio)
                fields["hits"] = .int(cache.hits)
                fields["misses"] = .int(cache.misses)
                fields["evictions"] = .int(cache.evictions)
                fields["expirations"] = .int(cache.expirations)
                // On a cache that coalesces even when 0, so every seed of `--seeds` has the key.
                if cache.coalesced > 0 || summary.spec.node(n.id)?.cache?.coalesce == true {
                    fields["coalesced"] = .int(cache.coalesced)
                }
                fields["entries"] = .int(n.cacheEntries ?? 0)
                fields["capacity"] = .int(summary.spec.nodes.first { $0.id == n.id }?.cache?.entries ?? 0)
            }
            if n.kind == .replica { fields["replication_lag_ms"] = Self.ms(n.replicationLag) }
            if n.kind == .queue {
                fields["queue_depth"] = .int(n.queueLength)
                fields["consumer_lag_ms"] = Self.ms(n.consumerLag)
            }
            if n.kind == .db { fields["shards"] = .int(n.shards) }
            return .object(
                fields.merging(
                    Self.latencyFields(mean: n.meanLatency, p50: n.p50, p95: n.p95, p99: n.p99)
                ) { a, _ in a })
        }
        var report: [String: JSONValue] = [
            "scaletop_version": .string(scaletopVersion),
            "preset": .string(preset.verbatim),
            "seed": .unsigned(summary.seed),
            "duration_s": .number(Nanos.seconds(summary.end)),
            "warmup_s": .number(Nanos.seconds(summary.statsStart)),
            "end_to_end": .object(endToEnd),
            "nodes": .array(nodes),
            "sessions_lost": .int(summary.nodes.reduce(0) { $0 + $1.sessionsLost }),
            "writes_lost": .int(summary.writesLost),
            "refused_commands": .array(summary.refused.map { .string(Self.describe($0)) }),
            "cost": .object(costFields),
        ]
        if !summary.partitions.isEmpty { report["partitions"] = partitionFields }
        // Only with breakers, so reports of systems without one read as they always have.
        if !summary.breakers.isEmpty { report["breakers"] = .array(breakerFields) }
        return .object(report)
    }

    /// Each user region's end-to-end figures, keyed by region name.
    var regionFields: [String: JSONValue] {
        var regions: [String: JSONValue] = [:]
        for r in summary.regions {
            var fields = Self.outcomeFields(r.counts)
                .merging(Self.latencyFields(mean: r.meanLatency, p50: r.p50, p95: r.p95, p99: r.p99)) { a, _ in a }
            fields["share"] = .number(r.share)
            fields["in_flight"] = .int(r.inFlight)
            fields["throughput_rps"] = .number(r.throughputRps)
            fields["error_rate"] = .number(r.errorRate)
            regions[r.name] = .object(fields)
        }
        return regions
    }
}
