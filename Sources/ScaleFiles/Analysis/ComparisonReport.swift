import Foundation
import ScaleSim

/// `scaletop compare`'s report as text, JSON or CSV, and its charts (docs/compare.md lists
/// every field).
public struct ComparisonReport: Sendable {
    public var comparison: Comparison
    /// Simulated time of each run and the warm-up left out of its figures.
    public var duration: SimTime
    public var warmup: SimTime

    public init(comparison: Comparison, duration: SimTime, warmup: SimTime) {
        self.comparison = comparison
        self.duration = duration
        self.warmup = warmup
    }

    /// The seeds as a phrase: `seeds 42,43,44`, or `20 seeds from 42`.
    var seedsPhrase: String {
        let seeds = comparison.seeds
        if seeds.count == 1 { return "seed \(seeds[0])" }
        if seeds.count > 4 { return "\(seeds.count) seeds from \(seeds[0])" }
        return "seeds " + seeds.map(String.init).joined(separator: ",")
    }

    /// The side-by-side table; a `*` marks a difference whose 95% interval excludes zero.
    public var text: String {
        let c = comparison
        var lines = [
            "scaletop compare: \(seedsPhrase), \(decimal(Nanos.seconds(duration), digits: 1)) s simulated, "
                + "warm-up \(decimal(Nanos.seconds(warmup), digits: 1)) s",
            "A: \(c.designA)",
            "B: \(c.designB)",
            "",
        ]
        var table = [["", "A", "B", "B - A", ""]]
        for row in c.rows {
            table.append([
                Self.label(row), Self.figure(row.estimateA, row.unit), Self.figure(row.estimateB, row.unit),
                Self.figure(row.difference, row.unit, signed: true), row.differs ? "*" : "",
            ])
        }
        table.append(["bottleneck", Self.describe(c.bottleneckA), Self.describe(c.bottleneckB), "", ""])
        lines += Self.aligned(table)
        lines.append("")
        lines.append(
            c.seeds.count > 1
                ? "± is the 95% interval over the seeds; B - A is paired seed by seed; * marks an interval that excludes zero."
                : "one seed: no intervals (run --seeds 2 or more).")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as JSON: the designs, the seeds and one entry per figure.
    public var json: JSONValue {
        let c = comparison
        let rows: [JSONValue] = c.rows.map { row in
            .object([
                "metric": .string(row.metric),
                "unit": .string(row.unit.rawValue),
                "a": row.estimateA.json,
                "b": row.estimateB.json,
                "difference": row.difference.json,
                "independent_ci95": .number(row.independentHalfWidth),
                "differs": .bool(row.differs),
                "a_seeds": .array(row.a.map { .number($0) }),
                "b_seeds": .array(row.b.map { .number($0) }),
            ])
        }
        func bottleneck(_ b: Comparison.Bottleneck?) -> JSONValue {
            guard let b else { return .null }
            return .object(["node": .string(b.node), "utilization": b.utilization.json])
        }
        return .object([
            "scaletop_version": .string(scaletopVersion),
            "a": .string(c.designA),
            "b": .string(c.designB),
            "seeds": .array(c.seeds.map { .unsigned($0) }),
            "duration_s": .number(Nanos.seconds(duration)),
            "warmup_s": .number(Nanos.seconds(warmup)),
            "rows": .array(rows),
            "bottleneck": .object(["a": bottleneck(c.bottleneckA), "b": bottleneck(c.bottleneckB)]),
        ])
    }

    public static let csvHeader =
        "metric,unit,a_mean,a_ci95,b_mean,b_ci95,difference_mean,difference_ci95,independent_ci95,differs"

    /// One line per figure, with the header first.
    public var csv: String {
        func number(_ value: Double?) -> String { value.map(JSONValue.format) ?? "" }
        let lines = comparison.rows.map { row in
            [
                row.metric, row.unit.rawValue, number(row.estimateA.mean), number(row.estimateA.halfWidth),
                number(row.estimateB.mean), number(row.estimateB.halfWidth), number(row.difference.mean),
                number(row.difference.halfWidth), number(row.independentHalfWidth), row.differs ? "true" : "false",
            ].joined(separator: ",")
        }
        return ([Self.csvHeader] + lines).joined(separator: "\n") + "\n"
    }

    /// Both designs overlaid, seed by seed: end-to-end p99 and throughput.
    public var charts: [Chart] {
        [("p99_ms", "p99 by seed", "p99 (ms)"), ("throughput_rps", "Throughput by seed", "throughput (requests/s)")]
            .compactMap { metric, title, yTitle in
                guard let row = comparison.row(metric) else { return nil }
                let xs = comparison.seeds.map { Double($0) }
                return Chart(
                    title: title, xAxis: Chart.Axis(title: "seed"), yAxis: Chart.Axis(title: yTitle),
                    series: [
                        Chart.Series(name: "A", points: zip(xs, row.a).map { Chart.Point(x: $0, y: $1) }),
                        Chart.Series(name: "B", points: zip(xs, row.b).map { Chart.Point(x: $0, y: $1) }),
                    ])
            }
    }

    /// The table's lines: the first column left-aligned, the figures right-aligned.
    static func aligned(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                c == 0
                    ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
    }

    /// The row's name in the table: `p99 ms`, `read p99 ms`, `cost $/month`.
    static func label(_ row: Comparison.Row) -> String {
        switch row.metric {
        case "throughput_rps": return "throughput req/s"
        case "error_rate": return "error rate"
        case "cost.per_month": return "cost $/month"
        case "cost.per_million_requests": return "cost $/million requests"
        default:
            let parts = row.metric.split(separator: ".").map(String.init)
            let figure = parts.last.map { $0.replacingOccurrences(of: "_ms", with: " ms") } ?? row.metric
            return parts.count > 1 ? parts[0] + " " + figure : figure
        }
    }

    /// `mean±ci` in the row's unit: percent for fractions, two decimals otherwise.
    static func figure(_ estimate: Comparison.Estimate, _ unit: Comparison.Unit, signed: Bool = false) -> String {
        let scale = unit == .fraction ? 100.0 : 1
        let digits = unit == .fraction ? 3 : 2
        var text = decimal(estimate.mean * scale, digits: digits)
        if signed && estimate.mean * scale > 0 && !text.hasPrefix("+") { text = "+" + text }
        if unit == .fraction { text += "%" }
        if let half = estimate.halfWidth { text += "±" + decimal(half * scale, digits: digits) }
        return text
    }

    static func describe(_ bottleneck: Comparison.Bottleneck?) -> String {
        guard let bottleneck else { return "-" }
        let u = bottleneck.utilization
        return "\(bottleneck.node) \(decimal(u.mean, digits: 2))" + (u.halfWidth.map { "±" + decimal($0, digits: 2) } ?? "")
    }
}

/// `value` with `digits` decimals; a value that rounds to zero prints as `0` without a sign.
func decimal(_ value: Double, digits: Int) -> String {
    guard value.isFinite else { return "-" }
    let text = String(format: "%.\(digits)f", value)
    return Double(text) == 0 ? String(format: "%.\(digits)f", 0.0) : text
}
