@testable import ScaleFiles
import ScaleSim
import Testing

/// Where reports put `rejected`: always end to end, per class and per region; on a node
/// only when it has a rate limit or rejected something; in text only when not zero.
@Suite struct RejectedReportTests {
    /// A report's JSON object at `key`.
    private func object(_ value: JSONValue?, _ key: String) throws -> [String: JSONValue] {
        guard case .object(let fields)? = value, case .object(let inner)? = fields[key] else {
            Issue.record("no object at \(key)")
            throw ReportShapeError()
        }
        return inner
    }

    private struct ReportShapeError: Error {}

    /// `basePreset` (web, db), with a rate limit on web, run for 5 seconds.
    private func rateLimitedRun() throws -> RunSummary {
        var spec = try #require(decoded(basePreset))
        spec.nodes[0].rateLimit = RateLimitSpec(rate: 1_000)
        return Stage.run(spec, seconds: 5).summary()
    }

    @Test func endToEndClassesAndRegionsAlwaysCarryIt() throws {
        let json = RunReport(summary: Stage.run(try Stage.spec("08"), seconds: 3).summary(), preset: "08").json
        let endToEnd = try object(json, "end_to_end")
        #expect(endToEnd["rejected"] == .int(0))
        guard case .object(let classes)? = endToEnd["classes"], case .object(let regions)? = endToEnd["regions"] else {
            Issue.record("no classes or regions")
            return
        }
        #expect(!classes.isEmpty && !regions.isEmpty)
        for case .object(let fields) in Array(classes.values) + Array(regions.values) {
            #expect(fields["rejected"] == .int(0))
        }
    }

    @Test func aNodeCarriesItOnlyWithARateLimit() throws {
        let summary = try rateLimitedRun()
        guard case .object(let top) = RunReport(summary: summary, preset: "test").json,
            case .array(let nodes)? = top["nodes"]
        else {
            Issue.record("no nodes")
            return
        }
        var rejectedByNode: [String: JSONValue?] = [:]
        for case .object(let node) in nodes {
            if case .string(let id)? = node["id"] { rejectedByNode[id] = node["rejected"] }
        }
        #expect(rejectedByNode.count == 2)
        #expect(rejectedByNode["web"] == .some(.int(summary.nodes[0].rejected)))
        #expect(rejectedByNode["db"] == .some(nil))
    }

    @Test func systemsWithoutRateLimitsGainOnlyZeroCounts() throws {
        let json = RunReport(summary: Stage.run(try Stage.spec("05"), seconds: 3).summary(), preset: "05").json
        guard case .object(let top) = json, case .array(let nodes)? = top["nodes"] else {
            Issue.record("no nodes")
            return
        }
        for case .object(let node) in nodes { #expect(node["rejected"] == nil) }
        let text = TextReport.render(json)
        #expect(!text.contains("rejected"), "\(text)")
    }

    @Test func textShowsRejectionsWhereThereAreAny() throws {
        let counts: [String: JSONValue] = [
            "requests": .int(100), "completed": .int(80), "dropped": .int(0), "timed_out": .int(0), "failed": .int(3),
            "rejected": .int(17), "in_flight": .int(0), "error_rate": .double(0.2), "throughput_rps": .double(80),
            "mean_ms": .double(5), "p50_ms": .double(4), "p95_ms": .double(9), "p99_ms": .double(12),
        ]
        var region = counts
        region["share"] = .double(1)
        var endToEnd = counts
        endToEnd["classes"] = .object(["read": .object(counts)])
        endToEnd["regions"] = .object(["us": .object(region)])
        let node: [String: JSONValue] = [
            "id": .string("lb"), "kind": .string("lb"), "servers": .int(1), "workers": .int(1), "utilization": .double(0),
            "throughput_rps": .double(80), "dropped": .int(0), "timed_out": .int(0), "failed": .int(0), "rejected": .int(17),
        ]
        let report = JSONValue.object([
            "scaletop_version": .string("test"), "preset": .string("test"), "seed": .int(1), "duration_s": .double(1),
            "warmup_s": .double(0), "end_to_end": .object(endToEnd), "nodes": .array([.object(node)]),
        ])
        let lines = TextReport.render(report).split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("requests 100 ") && $0.contains("failed 3  rejected 17  in flight 0") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("  read ") && $0.contains("requests 100  rejected 17  mean") }, "\(lines)")
        let header = try #require(lines.first { $0.hasPrefix("region") })
        #expect(header.contains("requests  rejected  error rate"), "\(header)")
        #expect(lines.contains("    rejected 17"), "\(lines)")
    }

    @Test func csvCarriesRejectedOnEveryRow() throws {
        let engine = Stage.run(try Stage.spec("08"), seconds: 2)
        let columns = CSVReport.header.split(separator: ",")
        let rejected = try #require(columns.firstIndex(of: "rejected"))
        let rows = CSVReport.rows(for: engine.simulationSnapshot(historyLimit: 0))
        #expect(rows.count > 2)
        for row in rows {
            let cells = row.split(separator: ",", omittingEmptySubsequences: false)
            #expect(cells.count == columns.count, "\(row)")
            // Stage 08 has no rate limiter: nothing is rejected.
            #expect(cells[rejected] == "0", "\(row)")
        }
    }
}
