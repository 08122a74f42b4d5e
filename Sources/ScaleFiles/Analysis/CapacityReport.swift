import Foundation
import ScaleSim

/// `scaletop capacity`'s report as text, JSON or CSV, and its charts (docs/capacity.md lists
/// every field).
public struct CapacityReport: Sendable {
    public typealias Point = CapacitySearch.Point<CapacityMeasure>

    public var preset: String
    public var objectives: [Objective]
    public var seeds: [UInt64]
    /// Simulated time of each run at each load, and the warm-up left out of its figures.
    public var duration: SimTime
    public var warmup: SimTime
    public var maxUsers: Int
    /// How the search ended; nil for a sweep, which walks its loads without searching.
    public var outcome: CapacitySearch.Outcome?
    /// Every load run, in the order run.
    public var points: [Point]

    public init(
        preset: String, objectives: [Objective], seeds: [UInt64], duration: SimTime, warmup: SimTime, maxUsers: Int,
        outcome: CapacitySearch.Outcome?, points: [Point]
    ) {
        self.preset = preset
        self.objectives = objectives
        self.seeds = seeds
        self.duration = duration
        self.warmup = warmup
        self.maxUsers = maxUsers
        self.outcome = outcome
        self.points = points
    }

    /// The loads by users.
    public var curve: [Point] { points.sorted { $0.users < $1.users } }

    /// The point at the capacity: the largest load found to meet every objective below the
    /// first that broke one (for a sweep, the last meeting load before the first breaking one).
    public var capacityPoint: Point? {
        let sorted = curve
        let firstBroken = sorted.firstIndex { !$0.meets } ?? sorted.count
        return sorted[..<firstBroken].last
    }

    /// The first load to break an objective.
    public var firstFailingPoint: Point? { curve.first { !$0.meets } }

    var objectivesText: String { objectives.map(\.description).joined(separator: ", ") }

    /// The answer, the knee and the curve as a table.
    public var text: String {
        var lines = [
            "scaletop capacity: \(preset), objectives \(objectivesText); \(seedsPhrase), "
                + "\(decimal(Nanos.seconds(duration), digits: 0)) s simulated per load, warm-up \(decimal(Nanos.seconds(warmup), digits: 0)) s",
            "",
        ]
        lines += answer
        lines.append("")
        // Cost is a column once the cost model gives run reports one (docs/cost.md).
        let hasCost = points.contains { $0.measured.costPerMonth != nil }
        var header = ["users", "p99 ms", "error rate", "throughput req/s"]
        if hasCost { header.append("cost $/month") }
        var table = [header + ["bottleneck", "meets"]]
        for point in curve {
            let m = point.measured
            var row = [
                Self.users(point.users), m.endToEnd("p99_ms").map { decimal($0, digits: 2) } ?? "-",
                m.endToEnd("error_rate").map { decimal($0 * 100, digits: 3) + "%" } ?? "-",
                m.endToEnd("throughput_rps").map { decimal($0, digits: 1) } ?? "-",
            ]
            if hasCost { row.append(m.costPerMonth.map { decimal($0, digits: 0) } ?? "-") }
            row.append(m.bottleneck.map { "\($0.id) \(decimal($0.utilization, digits: 2))" } ?? "-")
            row.append(point.meets ? "yes" : "no: " + m.broken.map(\.description).joined(separator: ", "))
            table.append(row)
        }
        lines += ComparisonReport.aligned(table)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The plain answer: the capacity and its knee, or why there is none.
    var answer: [String] {
        switch outcome {
        case .meetsEverywhere?:
            return ["meets \(objectivesText) at every load up to \(Self.users(maxUsers)) users"]
        case .failsAtOne?:
            let broken = points.first { $0.users == 1 }?.measured
            return ["fails \(broken.map(Self.brokenText) ?? objectivesText) even at 1 user"]
        case .capacity?, nil:
            var lines: [String] = []
            if let capacity = capacityPoint {
                let verb = outcome == nil ? "largest load in the sweep meeting every objective" : "capacity"
                lines.append("\(verb): \(Self.users(capacity.users)) users")
                if let knee = capacity.measured.bottleneck {
                    lines.append("first bottleneck at the knee: \(knee.id), utilization \(decimal(knee.utilization, digits: 3))")
                }
                if let cost = capacity.measured.costPerMonth {
                    lines.append("cost at the capacity: $\(decimal(cost, digits: 0)) per month")
                }
            } else {
                lines.append("no load in the sweep meets every objective")
            }
            if let failing = firstFailingPoint {
                lines.append("\(Self.users(failing.users)) users breaks \(Self.brokenText(failing.measured))")
            } else {
                lines.append("every load in the sweep meets \(objectivesText)")
            }
            return lines
        }
    }

    /// The broken objectives with the figure measured: `errors<0.1% (0.412%)`.
    static func brokenText(_ measure: CapacityMeasure) -> String {
        measure.broken.map { objective in
            let figure = objective.figure(in: measure.report)
            let measured: String
            switch objective.metric {
            case .errors: measured = figure.map { decimal($0 * 100, digits: 3) + "%" } ?? "-"
            case .throughput: measured = figure.map { decimal($0, digits: 1) + " req/s" } ?? "nothing completed"
            default: measured = figure.map { decimal($0, digits: 2) + " ms" } ?? "nothing completed"
            }
            return "\(objective) (\(measured))"
        }.joined(separator: ", ")
    }

    /// Users with thousands separated: `22,857`.
    static func users(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    var seedsPhrase: String {
        if seeds.count == 1 { return "seed \(seeds[0])" }
        if seeds.count > 4 { return "\(seeds.count) seeds from \(seeds[0])" }
        return "seeds " + seeds.map(String.init).joined(separator: ",")
    }

    /// The result word of the JSON report.
    var resultName: String {
        switch outcome {
        case .capacity?: "capacity"
        case .meetsEverywhere?: "meets_everywhere"
        case .failsAtOne?: "fails_at_one"
        case nil: "sweep"
        }
    }

    /// The report as JSON: the answer, the knee and every load walked.
    public var json: JSONValue {
        let knee = capacityPoint
        let order = Dictionary(points.enumerated().map { ($1.users, $0 + 1) }) { first, _ in first }
        return .object([
            "scaletop_version": .string(scaletopVersion),
            "preset": .string(preset),
            "objectives": .array(objectives.map { .string($0.description) }),
            "seeds": .array(seeds.map { .unsigned($0) }),
            "duration_s": .number(Nanos.seconds(duration)),
            "warmup_s": .number(Nanos.seconds(warmup)),
            "max_users": .int(maxUsers),
            "result": .string(resultName),
            "capacity_users": outcome == .meetsEverywhere || outcome == .failsAtOne
                ? .null : knee.map { .int($0.users) } ?? .null,
            "first_failing_users": firstFailingPoint.map { .int($0.users) } ?? .null,
            "bottleneck": knee?.measured.bottleneck.map {
                .object(["node": .string($0.id), "utilization": .number($0.utilization)])
            } ?? .null,
            "cost_per_month": .number(knee?.measured.costPerMonth),
            "points": .array(
                curve.map { point in
                    let m = point.measured
                    return .object([
                        "users": .int(point.users),
                        "step": .int(order[point.users] ?? 0),
                        "meets": .bool(point.meets),
                        "broken": .array(m.broken.map { .string($0.description) }),
                        "mean_ms": .number(m.endToEnd("mean_ms")),
                        "p50_ms": .number(m.endToEnd("p50_ms")),
                        "p95_ms": .number(m.endToEnd("p95_ms")),
                        "p99_ms": .number(m.endToEnd("p99_ms")),
                        "error_rate": .number(m.endToEnd("error_rate")),
                        "throughput_rps": .number(m.endToEnd("throughput_rps")),
                        "cost_per_month": .number(m.costPerMonth),
                        "bottleneck": m.bottleneck.map { .string($0.id) } ?? .null,
                        "bottleneck_utilization": .number(m.bottleneck?.utilization),
                    ])
                }),
        ])
    }

    public static let csvHeader =
        "users,step,meets,mean_ms,p50_ms,p95_ms,p99_ms,error_rate,throughput_rps,cost_per_month,bottleneck,bottleneck_utilization"

    /// The curve, one line per load by users, with the header first.
    public var csv: String {
        func number(_ value: Double?) -> String { value.map(JSONValue.format) ?? "" }
        let order = Dictionary(points.enumerated().map { ($1.users, $0 + 1) }) { first, _ in first }
        let lines = curve.map { point in
            let m = point.measured
            return [
                String(point.users), String(order[point.users] ?? 0), point.meets ? "true" : "false",
                number(m.endToEnd("mean_ms")), number(m.endToEnd("p50_ms")), number(m.endToEnd("p95_ms")),
                number(m.endToEnd("p99_ms")), number(m.endToEnd("error_rate")), number(m.endToEnd("throughput_rps")),
                number(m.costPerMonth), CSVReport.csvField(m.bottleneck?.id ?? ""), number(m.bottleneck?.utilization),
            ].joined(separator: ",")
        }
        return ([Self.csvHeader] + lines).joined(separator: "\n") + "\n"
    }

    /// Latency and error rate against users: each latency objective's figure with its limit
    /// as a y mark, the error rate (in percent) with its limit, and the capacity as an x mark.
    public var charts: [Chart] {
        let sorted = curve
        let xs = sorted.map { Double($0.users) }
        let logarithmic = (xs.last ?? 1) / max(xs.first ?? 1, 1) > 20
        let xAxis = Chart.Axis(title: "users", logarithmic: logarithmic)
        let knee: [Chart.Mark] =
            outcome == .meetsEverywhere || outcome == .failsAtOne
            ? []
            : capacityPoint.map { [Chart.Mark(axis: .x, value: Double($0.users), label: "capacity \(Self.users($0.users))")] }
                ?? []
        func series(_ name: String, _ key: String, scale: Double = 1) -> Chart.Series {
            Chart.Series(
                name: name,
                points: sorted.compactMap { point in
                    point.measured.endToEnd(key).map { Chart.Point(x: Double(point.users), y: $0 * scale) }
                })
        }
        var latencyMetrics: [Objective.Metric] = [.p99]
        for objective in objectives where objective.metric != .errors && objective.metric != .throughput {
            if !latencyMetrics.contains(objective.metric) { latencyMetrics.append(objective.metric) }
        }
        let latency = Chart(
            title: "Latency against users", xAxis: xAxis, yAxis: Chart.Axis(title: "latency (ms)"),
            series: latencyMetrics.map { series($0.rawValue, $0.reportKey) },
            marks: objectives.filter { latencyMetrics.contains($0.metric) }.map {
                Chart.Mark(axis: .y, value: $0.limit, label: $0.description)
            } + knee)
        let errors = Chart(
            title: "Error rate against users", xAxis: xAxis, yAxis: Chart.Axis(title: "error rate (%)"),
            series: [series("error rate", "error_rate", scale: 100)],
            marks: objectives.filter { $0.metric == .errors }.map {
                Chart.Mark(axis: .y, value: $0.limit * 100, label: $0.description)
            } + knee)
        return [latency, errors]
    }
}
