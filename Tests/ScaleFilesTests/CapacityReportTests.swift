import ScaleFiles
import Testing

/// `capacity`'s report and charts from a synthetic walk, whose figures are known.
@Suite struct CapacityReportTests {
    /// A run report at `users`: p99 and errors rise past 1,000 users; cost grows with users.
    static func report(_ users: Int, cost: Bool) -> JSONValue {
        let overload = max(0, Double(users - 1_000) / 1_000)
        var fields: [String: JSONValue] = [
            "end_to_end": .object([
                "p99_ms": .double(100 + 400 * overload), "error_rate": .double(0.01 * overload),
                "throughput_rps": .double(Double(min(users, 1_000)) / 10),
            ]),
            "nodes": .array([.object(["id": .string("db"), "utilization": .double(min(1, Double(users) / 1_050))])]),
        ]
        if cost { fields["cost"] = .object(["per_month": .double(Double(users)), "per_million_requests": .double(2)]) }
        return .object(fields)
    }

    static func capacityReport(cost: Bool) throws -> CapacityReport {
        let objectives = [try Objective(parsing: "p99<200ms"), try Objective(parsing: "errors<0.1%")]
        let walk = CapacitySearch(start: 10, maxUsers: 1_000_000).run { users in
            CapacityMeasure.evaluate(reports: [report(users, cost: cost)], objectives: objectives)
        }
        return CapacityReport(
            preset: "synthetic", objectives: objectives, seeds: [42], duration: 660_000_000_000, warmup: 60_000_000_000,
            maxUsers: 1_000_000, outcome: walk.outcome, points: walk.points)
    }

    @Test func reportsTheCapacityTheKneeAndTheCurve() throws {
        let report = try Self.capacityReport(cost: true)
        // Errors reach 0.1% at 1,100 users and p99 200 ms at 1,250: the errors decide.
        #expect(report.outcome == .capacity(users: 1_080, firstFailing: 1_100))
        #expect(report.text.contains("capacity: 1,080 users\n"))
        #expect(report.text.contains("first bottleneck at the knee: db, utilization 1.000"))
        #expect(report.text.contains("cost at the capacity: $1080 per month"))
        #expect(report.text.contains("throughput req/s  cost $/month  bottleneck"))
        #expect(report.text.contains("1,100 users breaks errors<0.1% (0.100%)"))
        let csvLines = report.csv.split(separator: "\n")
        #expect(csvLines[0] == Substring(CapacityReport.csvHeader))
        #expect(csvLines.count == report.points.count + 1)
        #expect(csvLines[1].hasPrefix("10,1,true,"))
        let json = report.json.encoded()
        #expect(json.contains("\"capacity_users\":1080"))
        #expect(json.contains("\"cost_per_month\":1080"))
        #expect(json.contains("\"result\":\"capacity\""))
    }

    @Test func withoutTheCostModelTheCostIsLeftOut() throws {
        let report = try Self.capacityReport(cost: false)
        #expect(!report.text.contains("cost at the capacity"))
        #expect(!report.text.contains("cost $/month"))
        #expect(report.json.encoded().contains("\"cost_per_month\":null"))
    }

    @Test func chartsMarkTheObjectivesAndTheKnee() throws {
        let report = try Self.capacityReport(cost: false)
        let charts = report.charts
        #expect(charts.map(\.title) == ["Latency against users", "Error rate against users"])
        let latency = charts[0]
        #expect(latency.series.map(\.name) == ["p99"])
        #expect(latency.series[0].points.map(\.x) == report.curve.map { Double($0.users) })
        #expect(latency.series[0].points.first == Chart.Point(x: 10, y: 100))
        #expect(
            latency.marks == [
                Chart.Mark(axis: .y, value: 200, label: "p99<200ms"), Chart.Mark(axis: .x, value: 1_080, label: "capacity 1,080"),
            ])
        #expect(latency.xAxis.logarithmic)
        let errors = charts[1]
        #expect(errors.yAxis.title == "error rate (%)")
        #expect(errors.marks.first == Chart.Mark(axis: .y, value: 0.1, label: "errors<0.1%"))
        #expect(errors.series[0].points.last.map { abs($0.y - 0.28) < 1e-9 } == true)
    }

    @Test func theImpossibleSearchesAnswerPlainly() throws {
        let objective = try Objective(parsing: "p99<200ms")
        let always = CapacitySearch(start: 10, maxUsers: 10_000_000).run { _ in
            CapacityMeasure.evaluate(reports: [Self.report(1, cost: false)], objectives: [objective])
        }
        let meets = CapacityReport(
            preset: "x", objectives: [objective], seeds: [1], duration: 1, warmup: 0, maxUsers: 10_000_000,
            outcome: always.outcome, points: always.points)
        #expect(meets.text.contains("meets p99<200ms at every load up to 10,000,000 users\n"))
        #expect(meets.charts[0].marks == [Chart.Mark(axis: .y, value: 200, label: "p99<200ms")])
        let tight = try Objective(parsing: "p99<50ms")
        let never = CapacitySearch(start: 10, maxUsers: 100).run { _ in
            CapacityMeasure.evaluate(reports: [Self.report(1, cost: false)], objectives: [tight])
        }
        let fails = CapacityReport(
            preset: "x", objectives: [tight], seeds: [1], duration: 1, warmup: 0, maxUsers: 100, outcome: never.outcome,
            points: never.points)
        #expect(fails.text.contains("fails p99<50ms (100.00 ms) even at 1 user\n"))
        #expect(fails.json.encoded().contains("\"result\":\"fails_at_one\""))
    }
}
