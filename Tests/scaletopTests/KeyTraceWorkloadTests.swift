import Foundation
import Testing

/// A workload that takes its keys from a trace file instead of the Zipf law.
@Suite struct KeyTraceWorkloadTests {
    static func preset(keys: String) -> String {
        """
        version: 1
        name: Trace
        workload:
          users: 100
          rate_per_user: 1
          keys: \(keys)
          entry: web
        nodes:
          - id: web
            kind: app
            workers: 8
            service: {distribution: exponential, mean: 1ms}
            routes: [{to: cache}]
          - id: cache
            kind: cache
            workers: 8
            service: {distribution: exponential, mean: 0.1ms}
            cache: {entries: 3}
            routes: [{to: db, on: miss}]
          - id: db
            kind: db
            workers: 8
            service: {distribution: exponential, mean: 2ms}
        """
    }

    @Test func requestsCycleThroughTheTraceKeys() throws {
        let dir = try CLI.temporaryDirectory()
        // Three distinct keys in a loop: a 3-entry cache misses each once, then always hits.
        try "user:1\nuser:2\nuser:3\n".write(to: dir.appendingPathComponent("keys.txt"), atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("trace.yaml")
        try Self.preset(keys: "{trace: keys.txt}").write(to: file, atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", file.path, "--duration", "20s", "--report", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let nodes = try #require(try CLI.json(result.stdout)["nodes"] as? [[String: Any]])
        let cache = try #require(nodes.first { $0["id"] as? String == "cache" })
        #expect(cache["misses"] as? Int == 3)
        #expect((cache["hits"] as? Int ?? 0) > 1_900)
    }

    @Test func aMissingTraceOrOneWithACountIsBadInput() throws {
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("trace.yaml")
        try Self.preset(keys: "{trace: nowhere.txt}").write(to: file, atomically: true, encoding: .utf8)
        let missing = try CLI.run(["run", file.path, "--duration", "1s"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nowhere.txt"))
        try Self.preset(keys: "{trace: keys.txt, count: 5}").write(to: file, atomically: true, encoding: .utf8)
        let both = try CLI.run(["check", file.path])
        #expect(both.status == 2)
        #expect(both.stderr.contains("trace.yaml:6"))
    }

    @Test func checkReadsTheTraceAndNamesItsBadLine() throws {
        let dir = try CLI.temporaryDirectory()
        try "key,time\na,2\nb,1\n".write(to: dir.appendingPathComponent("keys.csv"), atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("trace.yaml")
        try Self.preset(keys: "{trace: keys.csv}").write(to: file, atomically: true, encoding: .utf8)
        let result = try CLI.run(["check", file.path], timeout: NonRegularInputTests.hangGuard)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("keys.csv:3: time:"), "\(result.stderr)")
        try "key,time\na,1\nb,2\n".write(to: dir.appendingPathComponent("keys.csv"), atomically: true, encoding: .utf8)
        let fixed = try CLI.run(["check", file.path], timeout: NonRegularInputTests.hangGuard)
        #expect(fixed.status == 0, "\(fixed.stderr)")
    }
}
