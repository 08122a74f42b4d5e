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
        try "at 1s add server app 20000\nat 2s set capacity cache 1000000000\n".write(to: script, atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", "05", "--duration", "3s", "--script", script.path, "--report", "json"], timeout: Self.deadline)
        #expect(result.status == 0)
        let refusals = try CLI.json(result.stdout)["refused_commands"] as? [String] ?? []
        #expect(refusals.contains { $0.contains("at most 10000 servers") }, "\(refusals)")
        #expect(refusals.contains { $0.contains("capacity must be 1 to 100000000") }, "\(refusals)")
    }
}
