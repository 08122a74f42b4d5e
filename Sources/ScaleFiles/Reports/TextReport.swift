import Foundation

/// The human-readable report: a few lines and a table, from a single-seed or a merged
/// multi-seed JSON report (where each figure prints as `mean ± ci95`).
public enum TextReport {
    public static func render(_ report: JSONValue) -> String {
        guard case .object(let top) = report else { return "" }
        var lines: [String] = []
        let seeds: String
        if case .array(let list)? = top["seeds"], list.count > 4 {
            // Seeds run consecutively from the first: a thousand of them is one phrase, not a line.
            seeds = "\(list.count) seeds from " + figure(list[0], digits: 0)
        } else if case .array(let list)? = top["seeds"] {
            seeds = "seeds " + list.map { figure($0, digits: 0) }.joined(separator: ",")
        } else {
            seeds = "seed " + figure(top["seed"], digits: 0)
        }
        lines.append(
            "scaletop \(text(top["scaletop_version"])): \(text(top["preset"])), \(seeds), "
                + "\(figure(top["duration_s"], digits: 1)) s simulated, warm-up \(figure(top["warmup_s"], digits: 1)) s"
        )
        if case .object(let e)? = top["end_to_end"] {
            lines.append("")
            lines.append(
                "requests \(figure(e["requests"], digits: 0))  completed \(figure(e["completed"], digits: 0))  "
                    + "dropped \(figure(e["dropped"], digits: 0))  timed out \(figure(e["timed_out"], digits: 0))  "
                    + "failed \(figure(e["failed"], digits: 0))  in flight \(figure(e["in_flight"], digits: 0))"
            )
            lines.append(
                "throughput \(figure(e["throughput_rps"], digits: 1)) req/s  error rate \(percent(e["error_rate"]))  "
                    + "mean \(figure(e["mean_ms"], digits: 2)) ms  p50 \(figure(e["p50_ms"], digits: 2))  "
                    + "p95 \(figure(e["p95_ms"], digits: 2))  p99 \(figure(e["p99_ms"], digits: 2)) ms"
            )
            if case .object(let classes)? = e["classes"] {
                for name in ["static", "read", "write", "job"] {
                    guard case .object(let c)? = classes[name] else { continue }
                    lines.append(
                        "  \(name.padding(toLength: 7, withPad: " ", startingAt: 0)) requests \(figure(c["requests"], digits: 0))  "
                            + "mean \(figure(c["mean_ms"], digits: 2)) ms  p99 \(figure(c["p99_ms"], digits: 2)) ms"
                    )
                }
            }
        }
        if case .array(let nodes)? = top["nodes"] {
            let header = ["node", "kind", "size", "util", "req/s", "mean ms", "p99 ms", "queue", "dropped", "timed out", ""]
            var rows = [header]
            for case .object(let n) in nodes {
                rows.append([
                    text(n["id"]), text(n["kind"]),
                    "\(figure(n["servers"], digits: 0))x\(figure(n["workers"], digits: 0))",
                    figure(n["utilization"], digits: 3), figure(n["throughput_rps"], digits: 1),
                    figure(n["mean_ms"], digits: 2), figure(n["p99_ms"], digits: 2),
                    figure(n["queue_length"], digits: 0), figure(n["dropped"], digits: 0),
                    figure(n["timed_out"], digits: 0),
                    n["bottleneck"] == .bool(true) ? "BOTTLENECK" : "",
                ])
            }
            lines.append("")
            lines += table(rows)
        }
        if case .array(let refused)? = top["refused_commands"], !refused.isEmpty {
            lines.append("")
            lines.append("refused commands:")
            lines += refused.map { "  " + text($0) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func table(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                c < 2 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }

    static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let s)?: s
        case .array(let items)?: items.map { text($0) }.joined(separator: "|")
        case nil, .null?: "-"
        case let v?: figure(v, digits: 3)
        }
    }

    /// A number with `digits` decimals, a `mean ± ci95` pair, or `-` when absent.
    static func figure(_ value: JSONValue?, digits: Int) -> String {
        switch value {
        case .object(let pair)?:
            let mean = figure(pair["mean"], digits: digits)
            guard let half = pair["ci95"]?.numberValue else { return mean }
            return "\(mean)±\(String(format: "%.\(max(digits, 1))f", half))"
        case let v?:
            guard let d = v.numberValue else { return "-" }
            return String(format: "%.\(digits)f", d)
        case nil:
            return "-"
        }
    }

    static func percent(_ value: JSONValue?) -> String {
        switch value {
        case .object(let pair)?:
            let mean = pair["mean"]?.numberValue.map { String(format: "%.2f%%", $0 * 100) } ?? "-"
            guard let half = pair["ci95"]?.numberValue else { return mean }
            return "\(mean)±\(String(format: "%.2f", half * 100))"
        case let v?:
            return v.numberValue.map { String(format: "%.2f%%", $0 * 100) } ?? "-"
        case nil:
            return "-"
        }
    }
}
