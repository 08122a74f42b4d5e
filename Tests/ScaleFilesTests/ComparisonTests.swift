import ScaleFiles
import ScaleSim
import Testing

/// Paired comparisons on real runs: common random numbers make a design's difference from
/// itself exactly zero, and a small change's difference far surer than independent runs.
@Suite(.serialized) struct ComparisonTests {
    static let seeds: [UInt64] = [11, 12, 13, 14]

    /// Each seed's report of `spec`, run for a few simulated seconds.
    static func reports(_ spec: SystemSpec, seconds: Int = 8) -> [JSONValue] {
        seeds.map { RunReport(summary: Stage.run(spec, seconds: seconds, warmup: 2, seed: $0).summary(), preset: "03").json }
    }

    @Test func aDesignComparedWithItselfDiffersByExactlyZero() throws {
        let spec = try Stage.spec("03")
        let comparison = Comparison(
            designA: "03", designB: "03", seeds: Self.seeds, a: Self.reports(spec), b: Self.reports(spec))
        #expect(comparison.rows.count >= 15)
        for row in comparison.rows {
            #expect(row.difference.mean == 0 && row.difference.halfWidth == 0, "\(row.metric)")
            #expect(!row.differs, "\(row.metric)")
        }
        #expect(try #require(comparison.row("p99_ms")).estimateA.halfWidth ?? 0 > 0)
        #expect(comparison.bottleneckA?.node == "db" && comparison.bottleneckA == comparison.bottleneckB)
        let text = ComparisonReport(comparison: comparison, duration: 8_000_000_000, warmup: 2_000_000_000).text
        #expect(text.contains("bottleneck"))
        #expect(!text.contains("*\n"))
    }

    @Test func pairingTheSeedsNarrowsTheIntervalOfADifference() throws {
        let spec = try Stage.spec("03")
        // One more database server, where stage 3's load goes.
        var bigger = spec
        let db = try #require(bigger.nodes.firstIndex { $0.id == "db" })
        bigger.nodes[db].servers += 1
        let a = Self.reports(spec)
        let b = Self.reports(bigger)
        // The same seeds, the same arrivals: the design changes no request count.
        for (ra, rb) in zip(a, b) {
            #expect(
                ReportFigures.value(at: ["end_to_end", "requests"], in: ra)
                    == ReportFigures.value(at: ["end_to_end", "requests"], in: rb))
        }
        let comparison = Comparison(designA: "03", designB: "03 +1 db server", seeds: Self.seeds, a: a, b: b)
        let mean = try #require(comparison.row("mean_ms"))
        let paired = try #require(mean.difference.halfWidth)
        let independent = try #require(mean.independentHalfWidth)
        #expect(mean.difference.mean < 0 && paired > 0)
        #expect(paired < 0.5 * independent, "mean: paired ±\(paired), independent ±\(independent)")
        #expect(mean.differs)
        // The p99 is the ocean's round trip more than the database's: it moves less than the
        // dice would make it seem, if at all.
        let p99 = try #require(comparison.row("p99_ms"))
        #expect(try #require(p99.difference.halfWidth) < 0.5 * (try #require(p99.independentHalfWidth)))
    }

    /// Reports carrying the cost model's figures, as `run` writes them once it has costs.
    static func costed(_ perMonth: Double, _ perMillion: Double, p99: Double) -> JSONValue {
        .object([
            "end_to_end": .object(["p99_ms": .double(p99), "throughput_rps": .double(100)]),
            "cost": .object(["per_month": .double(perMonth), "per_million_requests": .double(perMillion)]),
            "nodes": .array([.object(["id": .string("app"), "utilization": .double(0.5)])]),
        ])
    }

    @Test func costRowsAppearWhenReportsCarryCost() throws {
        let a = [Self.costed(300, 1.2, p99: 50), Self.costed(300, 1.25, p99: 52)]
        let b = [Self.costed(372, 1.5, p99: 40), Self.costed(372, 1.5, p99: 41)]
        let comparison = Comparison(designA: "A", designB: "B", seeds: [1, 2], a: a, b: b)
        let month = try #require(comparison.row("cost.per_month"))
        #expect(month.difference.mean == 72 && month.difference.halfWidth == 0)
        #expect(try #require(comparison.row("cost.per_million_requests")).estimateA.mean == 1.225)
        let report = ComparisonReport(comparison: comparison, duration: 1_000_000_000, warmup: 0)
        #expect(report.text.contains("cost $/month"))
        #expect(report.text.contains("+72.00±0.00"))
        #expect(report.csv.contains("\ncost.per_month,$,300,0,372,0,72,0,0,true\n"))
        #expect(report.json.encoded().contains("\"metric\":\"cost.per_month\""))
        // Without the cost model's keys there is no cost row.
        let plain = Comparison(designA: "A", designB: "B", seeds: [1], a: [.object([:])], b: [.object([:])])
        #expect(plain.row("cost.per_month") == nil)
    }

    @Test func chartsOverlayBothDesignsSeedBySeed() throws {
        let a = [Self.costed(300, 1.2, p99: 50), Self.costed(300, 1.25, p99: 52)]
        let b = [Self.costed(372, 1.5, p99: 40), Self.costed(372, 1.5, p99: 41)]
        let charts = ComparisonReport(
            comparison: Comparison(designA: "A", designB: "B", seeds: [7, 8], a: a, b: b), duration: 1, warmup: 0
        ).charts
        #expect(charts.map(\.title) == ["p99 by seed", "Throughput by seed"])
        #expect(charts[0].series.map(\.name) == ["A", "B"])
        #expect(charts[0].series[0].points == [Chart.Point(x: 7, y: 50), Chart.Point(x: 8, y: 52)])
        #expect(charts[0].series[1].points == [Chart.Point(x: 7, y: 40), Chart.Point(x: 8, y: 41)])
        #expect(charts[1].series[1].points.map(\.y) == [100, 100])
        #expect(charts[0].xAxis.title == "seed" && charts[0].yAxis.title == "p99 (ms)")
    }
}
