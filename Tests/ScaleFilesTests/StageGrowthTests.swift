import ScaleFiles
@testable import ScaleSim
import Testing

/// Every stage can be grown by hand: from stage 00, the commands of each step, typed while
/// the simulation runs, reach the same nodes, routes and data centers as the shipped preset
/// of the next stage; and taking the components away again leads back.
@Suite struct StageGrowthTests {
    /// The command lines that grow each stage into the next, as a person types them at the
    /// `:` prompt (docs/scripts.md, Components).
    static let steps: [(stage: String, commands: [String])] = [
        ("01", ["add db app"]),
        ("02", ["set servers app 24"]),
        ("03", ["add lb app", "set policy lb consistent_hash", "set health-check lb 2s"]),
        ("04", ["add replica db 2"]),
        ("05", ["add cache db-replica 30000"]),
        ("06", ["add cdn us", "add cdn eu"]),
        ("07", ["set policy lb round_robin", "add session-store app", "autoscale app 0.6 24 80 30s 60s"]),
        ("08", ["add dc eu-west like us-east near eu 10ms"]),
        ("09", ["add queue app job", "add queue app-eu job"]),
    ]

    /// What a stage is built of, by node id: what each node is, where it runs, what it
    /// sends where, and how it is configured by commands. Service times and the workload
    /// are left out: no command sets them, and stages tune them to their lesson.
    struct Design: Equatable, CustomStringConvertible {
        var nodes: [String: String]
        var datacenters: [String]
        var latencies: [String]

        init(_ spec: SystemSpec) {
            nodes = Dictionary(
                uniqueKeysWithValues: spec.nodes.map { node in
                    let routes = node.routes.map { route in
                        "\(route.to) \(route.classes.map { $0.map(\.description).sorted() } ?? []) "
                            + "\(route.outcome.map { "\($0)" } ?? "") \(route.probability ?? 1) \(route.latency)"
                    }
                    return (
                        node.id,
                        [
                            "\(node.kind)", node.dc ?? "-", node.region ?? "-", "servers \(node.servers)",
                            "workers \(node.workers)", "shards \(node.shards)", "replica of \(node.replicaOf ?? "-")",
                            "calls \(node.calls ?? "-")", "routes \(routes.sorted())",
                            "cache \(node.effectiveCache.map { "\($0)" } ?? "-")", "policy \(node.policy)",
                            "sessions \(node.sessions)", "autoscale \(node.autoscale.map { "\($0)" } ?? "-")",
                            "health check \(node.healthCheck)", "rate limit \(node.rateLimit.map { "\($0)" } ?? "-")",
                        ].joined(separator: ", ")
                    )
                })
            datacenters = spec.datacenters.map { "\($0.name) entry \($0.entry)" }
            latencies = spec.latencies.map { "\($0.region) to \($0.dc) \($0.latency)" }.sorted()
        }

        var description: String { nodes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n") }

        /// The nodes whose design differs, with both versions, for a failure message.
        func difference(from other: Design) -> String {
            let ids = Set(nodes.keys).union(other.nodes.keys).sorted()
            let nodeLines = ids.filter { nodes[$0] != other.nodes[$0] }.map {
                "\($0):\n  built   \(nodes[$0] ?? "missing")\n  shipped \(other.nodes[$0] ?? "missing")"
            }
            let placement =
                datacenters == other.datacenters && latencies == other.latencies
                ? [] : ["data centers \(datacenters) \(latencies)\n  shipped \(other.datacenters) \(other.latencies)"]
            return (nodeLines + placement).joined(separator: "\n")
        }
    }

    /// Applies `lines` to `engine` one simulated second apart, each one required to apply.
    static func type(_ lines: [String], into engine: inout Engine) throws {
        for line in lines {
            engine.run(until: engine.now + Nanos.perSecond)
            let result = engine.execute(try CommandGrammar.parse(line))
            #expect(result == .applied, "\(line): \(result)")
        }
    }

    @Test func stagesZeroToNineGrowByCommands() throws {
        var engine = Engine(spec: try Stage.spec("00"), seed: 42)
        for (stage, commands) in Self.steps {
            try Self.type(commands, into: &engine)
            let built = Design(engine.spec), shipped = Design(try Stage.spec(stage))
            #expect(built == shipped, "stage \(stage):\n\(built.difference(from: shipped))")
        }
        // The grown system runs on, and every request is accounted for.
        engine.run(until: engine.now + 20 * Nanos.perSecond)
        let e = engine.summary().endToEnd
        #expect(e.counts.completed > 3_000, "stage 00's 100 requests/s for 36 s")
        #expect(
            e.counts.requests == e.counts.completed + e.counts.dropped + e.counts.timedOut + e.counts.failed + e.counts.rejected
                + e.inFlight)
    }

    /// Taking every component away again, newest first, leads back through the stages'
    /// designs to stage 01 (replicas stay: a replica pool keeps at least one server).
    @Test func takingComponentsAwayLeadsBackDownTheStages() throws {
        var engine = Engine(spec: try Stage.spec("09"), seed: 42)
        engine.run(until: 5 * Nanos.perSecond)
        let down: [(stage: String, commands: [String])] = [
            ("08", ["remove queue jobs-eu", "remove queue jobs"]),
            ("07", ["remove dc eu-west"]),
            (
                "05",
                [
                    "remove cdn us", "remove cdn eu", "autoscale app off", "remove session-store sessions",
                    "set policy lb consistent_hash", "set sessions app sticky",
                ]
            ),
        ]
        for (stage, commands) in down {
            try Self.type(commands, into: &engine)
            var shipped = try Stage.spec(stage)
            // Stage 07's own autoscaler and stage 05's are the same; the pool keeps its size.
            for k in shipped.nodes.indices where shipped.nodes[k].id == "app" {
                shipped.nodes[k].servers = engine.spec.node("app")?.servers ?? 0
            }
            let built = Design(engine.spec), expected = Design(shipped)
            #expect(built == expected, "back to \(stage):\n\(built.difference(from: expected))")
        }
        try Self.type(["remove cache cache", "remove lb lb"], into: &engine)
        #expect(engine.spec.nodes.map(\.id).sorted() == ["app", "db", "db-replica"])
        #expect(engine.spec.datacenters == [DataCenterSpec(name: "us-east", entry: "app")])
        engine.run(until: engine.now + 10 * Nanos.perSecond)
        let e = engine.summary().endToEnd
        #expect(
            e.counts.requests == e.counts.completed + e.counts.dropped + e.counts.timedOut + e.counts.failed + e.counts.rejected
                + e.inFlight)
    }
}
