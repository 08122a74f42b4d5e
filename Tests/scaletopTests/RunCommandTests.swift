import Foundation
import Testing

@Suite struct RunCommandTests {
    @Test func sameSeedGivesByteIdenticalReportsInSeparateProcesses() throws {
        let args = ["run", "00", "--duration", "30s", "--seed", "7", "--report", "json"]
        let first = try CLI.run(args)
        let second = try CLI.run(args)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(!first.stdout.isEmpty)
        #expect(first.stdout == second.stdout)
        let other = try CLI.run(["run", "00", "--duration", "30s", "--seed", "8", "--report", "json"])
        #expect(other.stdout != first.stdout)
    }

    @Test func jsonReportHasTheContractKeysAndConserves() throws {
        let result = try CLI.run(["run", "bench-network", "--duration", "20s", "--warmup", "5s", "--report", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try CLI.json(result.stdout)
        for key in [
            "scaletop_version", "preset", "seed", "duration_s", "warmup_s", "end_to_end", "nodes",
            "sessions_lost", "writes_lost", "refused_commands",
        ] {
            #expect(report[key] != nil, "missing \(key)")
        }
        #expect(report["preset"] as? String == "bench-network")
        #expect(report["duration_s"] as? Double == 20)
        #expect(report["warmup_s"] as? Double == 5)
        let e = try #require(report["end_to_end"] as? [String: Any])
        let count = { (key: String) in (e[key] as? Int) ?? -1 }
        #expect(
            count("requests") == count("completed") + count("dropped") + count("timed_out") + count("failed") + count("in_flight")
        )
        // 1,000 requests/s over 15 measured seconds.
        #expect(abs(Double(count("requests")) - 15_000) < 5 * 15_000.0.squareRoot())
        #expect(e["error_rate"] as? Double == 0)
        let mean = try #require(e["mean_ms"] as? Double)
        #expect(mean > 10 && mean < 22, "mean \(mean) ms near the analytic 15.47")
        let classes = try #require(e["classes"] as? [String: Any])
        #expect(classes.keys.sorted() == ["read"])
        let nodes = try #require(report["nodes"] as? [[String: Any]])
        #expect(nodes.map { $0["id"] as? String } == ["lb", "app", "cache", "db"])
        for node in nodes {
            for key in [
                "id", "kind", "dc", "servers", "workers", "utilization", "throughput_rps", "dropped",
                "timed_out", "mean_ms", "p99_ms", "queue_length", "bottleneck",
            ] {
                #expect(node[key] != nil, "node \(node["id"] ?? "?") misses \(key)")
            }
        }
        let app = nodes[1]
        #expect(app["servers"] as? Int == 4)
        let utilization = try #require(app["utilization"] as? Double)
        #expect(abs(utilization - 0.7) < 0.05, "app utilization \(utilization), theory 0.7")
    }

    @Test func textReportIsReadable() throws {
        let result = try CLI.run(["run", "00", "--duration", "10s"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("00-single-server"))
        #expect(result.stdout.contains("throughput"))
        #expect(result.stdout.contains("server"))
        #expect(!result.stdout.contains("\u{1B}"))
    }

    @Test func csvHasOneRowPerNodePerSecondThenTheSystem() throws {
        let result = try CLI.run(["run", "bench-network", "--duration", "5s", "--report", "csv"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("t_s,node,kind,arrivals,completions,dropped,timed_out,failed,") == true)
        // Four nodes and the system (bench-network names no user regions).
        #expect(lines.count == 1 + 5 * 5)
        #expect(lines[1].hasPrefix("1,lb,lb,"))
        #expect(lines[lines.count - 2].hasPrefix("5,db,db,"))
        #expect(lines.last?.hasPrefix("5,system,system,") == true)
    }

    /// Stage 08 with us-east down from 5 s to 15 s: the failures show in every report, alike.
    @Test func aDataCenterOutageShowsFailedInEveryReport() throws {
        let dir = try CLI.temporaryDirectory()
        let script = dir.appendingPathComponent("dc.script")
        try "at 5s kill dc us-east\nat 15s restore dc us-east\n".write(to: script, atomically: true, encoding: .utf8)
        let args = ["run", "08", "--duration", "20s", "--seed", "7", "--script", script.path]
        let json = try CLI.json(try CLI.run(args + ["--report", "json"]).stdout)
        let nodes = try #require(json["nodes"] as? [[String: Any]])
        let app = try #require(nodes.first { $0["id"] as? String == "app" })
        #expect(app["dc"] as? String == "us-east")
        let failed = try #require(app["failed"] as? Int)
        #expect(failed > 0)

        let text = try CLI.run(args).stdout
        let lines = text.split(separator: "\n")
        let section = try #require(lines.firstIndex(of: "[us-east]"))
        let row = try #require(lines[section...].first { $0.hasPrefix("app ") }).split(separator: " ")
        // node kind size util req/s mean p99 dropped timed-out failed
        #expect(row.count >= 10 && row[9] == Substring(String(failed)), "\(row)")
        #expect(text.contains("failed \((json["end_to_end"] as? [String: Any])?["failed"] as? Int ?? -1)"))

        let csv = try CLI.run(args + ["--report", "csv"]).stdout.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        let column = try #require(csv[0].firstIndex(of: "failed"))
        let appFailed = csv.filter { $0[1] == "app" }.reduce(0) { $0 + (Int($1[column]) ?? 0) }
        #expect(appFailed == failed)
        let regions = try #require((json["end_to_end"] as? [String: Any])?["regions"] as? [String: [String: Any]])
        for (name, region) in regions {
            let rows = csv.filter { $0[1] == Substring(name) && $0[2] == "region" }
            #expect(rows.count == 20)
            #expect(rows.reduce(0) { $0 + (Int($1[column]) ?? 0) } == region["failed"] as? Int, "\(name)")
        }
    }

    @Test func constantsPrintOnceUnderSeeds() throws {
        let text = try CLI.run(["run", "00", "--duration", "10s", "--seeds", "3"]).stdout
        #expect(text.contains("10.0 s simulated, warm-up 0.0 s"), "\(text.prefix(120))")
        #expect(text.contains(" 1x8 "))
        #expect(!text.contains("±0.0x") && !text.contains("±0.0 s"))
    }

    @Test func seedsReportMeansWithConfidenceIntervals() throws {
        let result = try CLI.run(["run", "00", "--duration", "20s", "--seeds", "3", "--report", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try CLI.json(result.stdout)
        #expect((report["seeds"] as? [Int]) == [42, 43, 44])
        let e = try #require(report["end_to_end"] as? [String: Any])
        let throughput = try #require(e["throughput_rps"] as? [String: Double])
        let mean = try #require(throughput["mean"])
        let half = try #require(throughput["ci95"])
        #expect(abs(mean - 100) < 10 && half > 0 && half < 10)
        let text = try CLI.run(["run", "00", "--duration", "20s", "--seeds", "3"])
        #expect(text.stdout.contains("±"))
        #expect(text.stdout.contains("seeds 42,43,44,"))
        // Many seeds are named by their count and first, not listed.
        let many = try CLI.run(["run", "00", "--duration", "1s", "--seeds", "200"])
        #expect(many.stdout.split(separator: "\n").first?.contains("200 seeds from 42,") == true, "\(many.stdout.prefix(200))")
    }

    @Test func setOverridesAPresetValue() throws {
        let result = try CLI.run(["run", "00", "--duration", "10s", "--set", "workload.users=3000", "--report", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let e = try #require(try CLI.json(result.stdout)["end_to_end"] as? [String: Any])
        let requests = try #require(e["requests"] as? Int)
        #expect(abs(Double(requests) - 3_000) < 300)
    }

    @Test func outNeverOverwritesWithoutForce() throws {
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("report.json")
        try "keep me".write(to: file, atomically: true, encoding: .utf8)
        let refused = try CLI.run(["run", "00", "--duration", "2s", "--report", "json", "--out", file.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("exists"))
        #expect(try String(contentsOf: file, encoding: .utf8) == "keep me")
        let forced = try CLI.run(["run", "00", "--duration", "2s", "--report", "json", "--out", file.path, "--force"])
        #expect(forced.status == 0)
        #expect(try String(contentsOf: file, encoding: .utf8).hasPrefix("{"))
    }
}

@Suite struct ScriptOptionTests {
    @Test func scriptCommandsRunAndRefusalsAreReported() throws {
        let dir = try CLI.temporaryDirectory()
        let script = dir.appendingPathComponent("ops.script")
        try """
        # grow, then try the impossible
        at 5s  set users 1500
        at 8s  remove server app        # refused: the last server stays
        at 9s  kill nowhere
        """.write(to: script, atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", "00", "--duration", "20s", "--script", script.path, "--report", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try CLI.json(result.stdout)
        #expect(
            report["refused_commands"] as? [String] == [
                "at 8s: remove server app: app needs at least one server",
                "at 9s: kill nowhere: no node named nowhere",
            ])
        let e = try #require(report["end_to_end"] as? [String: Any])
        // 100 req/s for 5 s, then 150 req/s for 15 s.
        let requests = Double(e["requests"] as? Int ?? 0)
        #expect(abs(requests - 2_750) < 5 * 2_750.0.squareRoot())
    }

    @Test func aBrokenScriptIsBadInputWithItsLine() throws {
        let dir = try CLI.temporaryDirectory()
        let script = dir.appendingPathComponent("bad.script")
        try "at 1s set users 10\nat 2s sett users 5\n".write(to: script, atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", "00", "--duration", "5s", "--script", script.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("bad.script:2:7"))
        #expect(result.stdout.isEmpty)
    }
}
