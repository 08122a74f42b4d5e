import Foundation
import Testing

/// Absurd values: each is simulated within bounds (and gives numbers that make sense) or
/// refused with exit 2 and a message that says the limit. Never a crash, a hang (every run
/// here is killed after a minute) or a silent overflow.
@Suite struct LimitsTests {
    static let deadline = 60.0

    /// (what, arguments, words the refusal must contain)
    static let refused: [(String, [String], String)] = [
        ("10^12 users", ["run", "00", "--set", "workload.users=1000000000000"], "at most 100_000_000"),
        ("10^12 users by command", ["run", "00", "--script", "SCRIPT"], "1 to 100_000_000"),
        ("10^9 cache entries", ["run", "05", "--set", "nodes.cache.cache.entries=1000000000"], "at most 100_000_000"),
        ("10,001 servers", ["run", "00", "--set", "nodes.app.servers=10001"], "at most 10_000"),
        ("a service time of zero", ["run", "00", "--set", "nodes.app.service.mean=0s"], "greater than 0"),
        ("a service time past ten years", ["run", "00", "--set", "nodes.app.service.mean=3651d"], "at most 3650d"),
        ("a zero-length run", ["run", "00", "--duration", "0s"], "longer than zero"),
        ("a run past ten years", ["run", "00", "--duration", "87601h"], "at most 3650d"),
        ("10^300 requests/s", ["run", "00", "--set", "workload.rate_per_user=1e300"], "the limit is 50000000"),
        ("10^9 keys behind a database", ["run", "05", "--set", "workload.keys.count=1000000000"], "the limit is 16 GiB"),
        ("a soak shorter than its first sample", ["bench", "soak", "--soak-duration", "5m"], "at least 10m"),
    ]

    @Test(arguments: 0..<refused.count)
    func refusedSayingTheLimit(index: Int) throws {
        let (what, arguments, words) = Self.refused[index]
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("script.txt")
        try "at 1s set users 1000000000000\n".write(to: script, atomically: true, encoding: .utf8)
        let result = try CLI.run(arguments.map { $0 == "SCRIPT" ? script.path : $0 }, timeout: Self.deadline)
        #expect(result.status == 2, "\(what): status \(result.status)")
        #expect(result.stderr.contains(words), "\(what): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(what): one message, got \(result.stderr)")
        #expect(result.stdout.isEmpty, "\(what)")
    }

    /// Runs stage `preset` for `seconds` with `settings`, and returns the JSON report.
    func report(_ preset: String, seconds: Int, _ settings: [String]) throws -> [String: Any] {
        let arguments = ["run", preset, "--duration", "\(seconds)s", "--report", "json"] + settings.flatMap { ["--set", $0] }
        let result = try CLI.run(arguments, timeout: Self.deadline)
        try #require(result.status == 0, "\(settings): status \(result.status), \(result.stderr)")
        return try CLI.json(result.stdout)
    }

    func node(_ report: [String: Any], _ id: String) -> [String: Any] {
        (report["nodes"] as? [[String: Any]] ?? []).first { $0["id"] as? String == id } ?? [:]
    }

    @Test func tenThousandServersRun() throws {
        let report = try report("00", seconds: 10, ["nodes.app.servers=10000"])
        let app = node(report, "app")
        #expect(app["servers"] as? Int == 10_000)
        // 100 req/s over 10,000 servers of 400 req/s each: the pool is all but idle.
        #expect((app["utilization"] as? Double ?? 1) < 0.001)
        let endToEnd = report["end_to_end"] as? [String: Any] ?? [:]
        #expect(endToEnd["error_rate"] as? Double == 0)
    }

    @Test func aNanosecondServiceTimeRuns() throws {
        let report = try report("00", seconds: 10, ["nodes.app.service.mean=1ns"])
        let app = node(report, "app")
        // Service no longer costs anything: requests take the network round trip only.
        #expect((app["utilization"] as? Double ?? 1) < 1e-6)
        #expect((app["mean_ms"] as? Double ?? 1) < 0.001)
        let endToEnd = report["end_to_end"] as? [String: Any] ?? [:]
        #expect(endToEnd["error_rate"] as? Double == 0)
        #expect((endToEnd["completed"] as? Int ?? 0) > 900)
    }

    @Test func aServiceTimeOfAYearRunsAndTimesOut() throws {
        let report = try report("00", seconds: 30, ["nodes.app.service.mean=365d"])
        let endToEnd = report["end_to_end"] as? [String: Any] ?? [:]
        // Nothing completes; the 8 workers hold 8 requests, the rest queue (1,000) and time
        // out after 5 s or are dropped: errors, never an overflowed time.
        #expect(endToEnd["completed"] as? Int == 0)
        #expect((endToEnd["error_rate"] as? Double ?? 0) > 0.8)
        #expect(endToEnd["mean_ms"] is NSNull)
        let app = node(report, "app")
        #expect((app["utilization"] as? Double ?? 0) > 0.99)
    }

    @Test func aHundredMillionUsersRunAtARateTheMachineCanTake() throws {
        let report = try report("00", seconds: 10, ["workload.users=100000000", "workload.rate_per_user=0.000001"])
        let endToEnd = report["end_to_end"] as? [String: Any] ?? [:]
        // 10^8 users x 10^-6 requests/s = 100 requests/s.
        let requests = endToEnd["requests"] as? Int ?? 0
        #expect((900...1100).contains(requests), "\(requests) requests")
    }

    @Test func theLargestCacheRunsWithinTheBound() throws {
        let report = try report("05", seconds: 10, ["nodes.cache.cache.entries=100000000"])
        let cache = node(report, "cache")
        #expect((cache["hit_ratio"] as? Double ?? 0) > 0)
    }

    @Test func commandsPastTheLimitAreRefusedAndTheRunGoesOn() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("script.txt")
        try "at 1s add server app 20000\nat 2s set capacity cache 1000000000\n".write(
            to: script, atomically: true, encoding: .utf8)
        let result = try CLI.run(
            ["run", "05", "--duration", "3s", "--script", script.path, "--report", "json"], timeout: Self.deadline)
        #expect(result.status == 0)
        let refusals = try CLI.json(result.stdout)["refused_commands"] as? [String] ?? []
        #expect(refusals.contains { $0.contains("at most 10000 servers") }, "\(refusals)")
        #expect(refusals.contains { $0.contains("capacity must be 1 to 100000000") }, "\(refusals)")
    }

    // MARK: - Overflows, backlogs and floods (docs/presets.md, Limits)

    /// Preset values at their documented maxima, alone and together (`--set` on stage 04),
    /// run for some simulated seconds: each gives a report (figures may be all errors),
    /// never a trap.
    static let maxima: [(String, Int, [String])] = [
        (
            "every duration at ten years", 3,
            [
                "nodes.app.timeout=3650d", "nodes.db.service.mean=3650d", "nodes.db-replica.replication_delay=3650d",
                "nodes.db-replica.failover=3650d", "nodes.lb.health_check=3650d", "workload.dns.ttl=3650d",
                "workload.retries={limit: 10, backoff: 3650d}", "nodes.app.session_ttl=3650d",
            ]
        ),
        ("an apply time of ten years", 3, ["nodes.db-replica.apply={distribution: deterministic, mean: 3650d}"]),
        // 12 s: 10^9 workers' capacity passed Int64 nanoseconds after 9.2 s.
        ("10,000 servers of 100,000 workers", 12, ["nodes.app.servers=10000", "nodes.app.workers=100000"]),
        (
            "an autoscaler steering to a tiny target", 3,
            [
                "nodes.app.autoscale={target: 0.000000001, min: 1, max: 10000, warmup: 3650d, cooldown: 0s}",
                "nodes.app.service.mean=3650d",
            ]
        ),
        (
            "all of them", 3,
            [
                "nodes.app.timeout=3650d", "nodes.db.service.mean=3650d", "nodes.db-replica.replication_delay=3650d",
                "nodes.db-replica.failover=3650d", "nodes.lb.health_check=3650d", "workload.dns.ttl=3650d",
                "workload.retries={limit: 10, backoff: 3650d}",
                "nodes.db-replica.apply={distribution: deterministic, mean: 3650d}",
                "nodes.app.workers=100000", "nodes.db-replica.servers=100",
                "nodes.app.autoscale={target: 0.000000001, min: 1, max: 10000, warmup: 3650d, cooldown: 0s}",
            ]
        ),
    ]

    @Test(arguments: 0..<maxima.count)
    func valuesAtTheirMaximaRun(index: Int) throws {
        let (what, seconds, settings) = Self.maxima[index]
        let arguments = ["run", "04", "--duration", "\(seconds)s", "--report", "json"] + settings.flatMap { ["--set", $0] }
        // A hang guard only: 10,000 servers take a while in a debug build on a busy machine.
        let result = try CLI.run(arguments, timeout: 5 * Self.deadline)
        #expect(result.status == 0, "\(what): status \(result.status), \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("runtime failure"), "\(what)")
        _ = try CLI.json(result.stdout)
    }

    /// A replica pool applying writes slower than they arrive (as the 7 GiB case of 1,000
    /// replicas, 1 s a write, 10,000 writes/s, at a tenth of the size): replicas re-sync
    /// instead of growing.
    @Test func aReplicaPoolThatFallsBehindResyncs() throws {
        let report = try report(
            "04", seconds: 4,
            [
                "nodes.db-replica.servers=100", "nodes.db-replica.apply.mean=1s",
                "workload.users=20000", "workload.rate_per_user=0.5", "workload.mix={read: 0.5, write: 0.5}",
                "nodes.db.workers=1000", "nodes.app.workers=1000",
            ])
        let replicas = node(report, "db-replica")
        #expect((replicas["resyncs"] as? Int ?? 0) > 0, "\(replicas)")
    }

    @Test func aShippedStageNeverResyncs() throws {
        let report = try report("04", seconds: 30, [])
        #expect(node(report, "db-replica")["resyncs"] == nil)
    }

    /// 1,500 nodes added at one instant on stage 01 (46 s before the fix): the run ends,
    /// and each `add` past the node limit is refused with the same reason.
    @Test func aNodeFloodIsRefusedPastTheLimit() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("flood.script")
        try String(repeating: "at 0s add cache db 1\n", count: 1_500).write(to: script, atomically: true, encoding: .utf8)
        // A hang guard only: a debug build on a busy machine takes a while.
        let result = try CLI.run(
            ["run", "01", "--duration", "2s", "--script", script.path, "--report", "json"], timeout: 5 * Self.deadline)
        try #require(result.status == 0, "\(result.stderr)")
        let report = try CLI.json(result.stdout)
        #expect((report["nodes"] as? [Any])?.count == 1_000)
        let refusals = report["refused_commands"] as? [String] ?? []
        #expect(refusals.count == 1_500 - (1_000 - 2), "\(refusals.count) refusals")
        #expect(refusals.allSatisfy { $0.contains("add cache db 1") && $0.contains("the system already has 1000 nodes") })
    }

    /// A preset past the node or route limit is refused at load, at the node past it.
    @Test(arguments: [
        (1_001, 1, "nodes[1000]: expected at most 1000 nodes, got 1001"),
        (200, 51, "nodes[196].routes: expected at most 10000 routes in all nodes together"),
    ])
    func aPresetPastTheTopologyLimitsIsRefused(nodes: Int, routesEach: Int, words: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var yaml = "version: 1\nname: flood\nworkload: {users: 10, rate_per_user: 0.1, entry: n0}\nnodes:\n"
        for k in 0..<nodes {
            let next = k + 1 < nodes ? "n\(k + 1)" : "n0"
            let routes = Array(repeating: "{to: \(next), p: 0.001}", count: routesEach).joined(separator: ", ")
            yaml += "  - {id: n\(k), kind: app, service: {distribution: exponential, mean: 1ms}, routes: [\(routes)]}\n"
        }
        let file = dir.appendingPathComponent("flood.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let result = try CLI.run(["check", file.path], timeout: Self.deadline)
        #expect(result.status == 2, "status \(result.status)")
        #expect(result.stderr.contains("flood.yaml:") && result.stderr.contains(words), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }
}
