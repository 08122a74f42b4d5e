import Foundation
import ScaleSim

/// The human-readable report: a few lines and two tables, from a single-seed or a merged
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
                    + "failed \(figure(e["failed"], digits: 0))  " + rejected(e)
                    + "in flight \(figure(e["in_flight"], digits: 0))"
            )
            lines.append(
                "throughput \(figure(e["throughput_rps"], digits: 1)) req/s  error rate \(percent(e["error_rate"]))"
            )
            lines.append(
                "latency mean \(figure(e["mean_ms"], digits: 2)) ms  p50 \(figure(e["p50_ms"], digits: 2))  "
                    + "p95 \(figure(e["p95_ms"], digits: 2))  p99 \(figure(e["p99_ms"], digits: 2)) ms"
            )
            lines.append(
                "sessions lost \(figure(top["sessions_lost"], digits: 0))  writes lost \(figure(top["writes_lost"], digits: 0))")
            if case .object(let c)? = e["clients"] {
                lines.append(
                    "clients: first attempts \(figure(c["first_attempts"], digits: 0))  retries \(figure(c["retries"], digits: 0))  "
                        + "(\(figure(c["amplification"], digits: 2)) attempts per request, \(figure(c["retries_denied"], digits: 0)) denied by the budget)  "
                        + "gave up \(figure(c["abandoned"], digits: 0))  answered after that \(figure(c["completed_after_abandon"], digits: 0))  "
                        + "wasted server time \(figure(c["wasted_server_s"], digits: 1)) s")
            }
            if case .object(let classes)? = e["classes"] {
                for name in ["static", "read", "write", "job"] {
                    guard case .object(let c)? = classes[name] else { continue }
                    lines.append(
                        "  \(name.padding(toLength: 7, withPad: " ", startingAt: 0)) requests \(figure(c["requests"], digits: 0))  "
                            + rejected(c) + "mean \(figure(c["mean_ms"], digits: 2)) ms  p99 \(figure(c["p99_ms"], digits: 2)) ms"
                    )
                }
            }
            if case .object(let cost)? = top["cost"] {
                lines.append(
                    "cost $\(figure(cost["per_month"], digits: 2))/month  "
                        + "$\(figure(cost["per_million_requests"], digits: 2)) per million requests")
            }
            if case .object(let regions)? = e["regions"], !regions.isEmpty {
                lines.append("")
                lines += table(regionRows(regions))
            }
        }
        if case .array(let nodes)? = top["nodes"] {
            lines.append("")
            lines += nodeTable(nodes)
        }
        lines += partitionLines(top)
        if case .array(let breakers)? = top["breakers"], !breakers.isEmpty {
            lines.append("")
            lines += breakerTable(breakers)
        }
        if case .array(let refused)? = top["refused_commands"], !refused.isEmpty {
            lines.append("")
            lines.append("refused commands:")
            lines += refused.map { "  " + shortened(text($0)) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `rejected N  ` when a rate limiter turned any of `figures`' requests away, else nothing,
    /// so reports of systems without one read as they always have.
    static func rejected(_ figures: [String: JSONValue]) -> String {
        count(figures["rejected"]) > 0 ? "rejected \(figure(figures["rejected"], digits: 0))  " : ""
    }

    /// A count, or under `--seeds` its mean; 0 when absent.
    static func count(_ value: JSONValue?) -> Double { value?.numberValue ?? (value.flatMap(mean) ?? 0) }

    /// One row per user region, with a header: share, requests, errors and percentiles, and
    /// the rejected requests when a rate limiter turned any away.
    static func regionRows(_ regions: [String: JSONValue]) -> [[String]] {
        let names = regions.keys.sorted()
        let showsRejected = names.contains { name in
            if case .object(let r)? = regions[name] { count(r["rejected"]) > 0 } else { false }
        }
        var header = ["region", "share", "requests", "error rate", "req/s", "mean ms", "p50 ms", "p99 ms"]
        if showsRejected { header.insert("rejected", at: 3) }
        var rows = [header]
        for name in names {
            guard case .object(let r)? = regions[name] else { continue }
            var row = [
                name, percent(r["share"], digits: 0), figure(r["requests"], digits: 0), percent(r["error_rate"]),
                figure(r["throughput_rps"], digits: 1), figure(r["mean_ms"], digits: 2),
                figure(r["p50_ms"], digits: 2), figure(r["p99_ms"], digits: 2),
            ]
            if showsRejected { row.insert(figure(r["rejected"], digits: 0), at: 3) }
            rows.append(row)
        }
        return rows
    }

    /// The node table, each row followed by the figures of its kind that apply (hit ratio,
    /// replication lag, sessions lost...), grouped under one heading per data center.
    static func nodeTable(_ nodes: [JSONValue]) -> [String] {
        let header = [
            "node", "kind", "size", "util", "req/s", "mean ms", "p99 ms", "dropped", "timed out", "failed", "$/month", "",
        ]
        var rows = [header]
        var extras: [[String]] = [[]]
        var dataCenters: [String?] = [nil]
        for case .object(let n) in nodes {
            let kind = text(n["kind"])
            let size =
                kind == NodeKind.cdn.rawValue
                ? "\(compact(n["capacity"])) entries"
                : "\(figure(n["servers"], digits: 0))x\(figure(n["workers"], digits: 0))"
            rows.append([
                text(n["id"]), kind == NodeKind.sessionStore.rawValue ? "sessions" : kind, size,
                figure(n["utilization"], digits: 3), figure(n["throughput_rps"], digits: 1),
                figure(n["mean_ms"], digits: 2), figure(n["p99_ms"], digits: 2),
                figure(n["dropped"], digits: 0), figure(n["timed_out"], digits: 0), figure(n["failed"], digits: 0),
                figure(n["cost_per_month"], digits: 0),
                n["bottleneck"] == .bool(true) ? "BOTTLENECK" : "",
            ])
            extras.append(kindFigures(n))
            if case .string(let dc)? = n["dc"] { dataCenters.append(dc) } else { dataCenters.append(nil) }
        }
        let formatted = table(rows)
        var lines = [formatted[0]]
        // One heading per data center, nodes outside every data center (CDN edges) under one
        // heading of their own; groups in the order they first appear, rows in theirs.
        let grouped = dataCenters.dropFirst().contains { $0 != nil }
        var groups: [String?] = []
        for dc in dataCenters.dropFirst() where !groups.contains(dc) { groups.append(dc) }
        for group in groups {
            if grouped { lines.append("[\(group ?? "no data center")]") }
            for i in formatted.indices.dropFirst() where dataCenters[i] == group {
                lines.append(formatted[i])
                if !extras[i].isEmpty { lines.append("    " + extras[i].joined(separator: "  ")) }
            }
        }
        return lines
    }

    /// The figures a node's kind adds to the table, as `label value` pairs; empty when none apply.
    static func kindFigures(_ n: [String: JSONValue]) -> [String] {
        var figures: [String] = []
        func count(_ key: String) -> Double { Self.count(n[key]) }
        if n["hit_ratio"] != nil {
            figures.append("hit ratio \(percent(n["hit_ratio"]))")
            figures.append("entries \(figure(n["entries"], digits: 0)) of \(figure(n["capacity"], digits: 0))")
            figures.append("evictions \(figure(n["evictions"], digits: 0))")
            if count("expirations") > 0 { figures.append("expirations \(figure(n["expirations"], digits: 0))") }
            if n["coalesced"] != nil { figures.append("coalesced \(figure(n["coalesced"], digits: 0))") }
        }
        if n["replication_lag_ms"] != nil { figures.append("replication lag \(figure(n["replication_lag_ms"], digits: 2)) ms") }
        if n["replication_lag_ms"] != nil || count("stale_reads") > 0 {
            figures.append("stale reads \(figure(n["stale_reads"], digits: 0))")
        }
        if n["queue_depth"] != nil {
            figures.append("queue depth \(figure(n["queue_depth"], digits: 0))")
            figures.append("consumer lag \(figure(n["consumer_lag_ms"], digits: 2)) ms")
        } else if count("queue_length") > 0 {
            figures.append("queue \(figure(n["queue_length"], digits: 0)) at the end")
        }
        if count("resyncs") > 0 { figures.append("re-syncs \(figure(n["resyncs"], digits: 0))") }
        // Present on a rate-limited node even when 0: a limiter that never fired says so.
        if n["rejected"] != nil { figures.append("rejected \(figure(n["rejected"], digits: 0))") }
        if n["sessions_lost"] != nil { figures.append("sessions lost \(figure(n["sessions_lost"], digits: 0))") }
        if count("autoscaler_actions") > 0 { figures.append("autoscaler actions \(figure(n["autoscaler_actions"], digits: 0))") }
        if count("shards") > 1 { figures.append("shards \(figure(n["shards"], digits: 0))") }
        if count("instance_size") != 0 { figures.append("instance size \(figure(n["instance_size"], digits: 0))") }
        if let (idlest, busiest) = serverSpread(n["server_utilization"]) {
            figures.append("per-server util \(figure(idlest, digits: 3)) to \(figure(busiest, digits: 3))")
        }
        return figures
    }

    /// The idlest and the busiest server's utilization of a pool of more than one server; under
    /// `--seeds` (one array per seed) each as an interval over the seeds.
    static func serverSpread(_ value: JSONValue?) -> (idlest: JSONValue, busiest: JSONValue)? {
        guard case .array(let items)? = value else { return nil }
        let perSeed: [[Double]] =
            items.allSatisfy { $0.numberValue != nil }
            ? [items.compactMap(\.numberValue)]
            : items.compactMap { item in
                guard case .array(let servers) = item else { return nil }
                return servers.compactMap(\.numberValue)
            }
        guard !perSeed.isEmpty, perSeed.allSatisfy({ $0.count > 1 }) else { return nil }
        func pair(_ values: [Double]) -> JSONValue {
            guard values.count > 1 else { return .double(values[0]) }
            let (mean, half) = SeedAggregate.interval(values)
            return .object(["mean": .double(mean), "ci95": JSONValue.number(half)])
        }
        return (pair(perSeed.map { $0.min()! }), pair(perSeed.map { $0.max()! }))
    }

    /// The mean of a `{"mean", "ci95"}` pair.
    static func mean(_ value: JSONValue) -> Double? {
        if case .object(let pair) = value { return pair["mean"]?.numberValue }
        return nil
    }

    /// A count with k/M suffixes (`10k`, `1.5M`), a mean with them under `--seeds`.
    static func compact(_ value: JSONValue?) -> String {
        guard let v = value?.numberValue ?? value.flatMap(mean) else { return "-" }
        if v >= 1_000_000, v.truncatingRemainder(dividingBy: 100_000) == 0 { return JSONValue.format(v / 1_000_000) + "M" }
        if v >= 1_000, v.truncatingRemainder(dividingBy: 100) == 0 { return JSONValue.format(v / 1_000) + "k" }
        return JSONValue.format(v)
    }

    static func table(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                c < 2
                    ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }

    /// A value as text; a string is made safe for a terminal, since a report's strings (the
    /// preset's name above all) can come from a file.
    /// `line` itself, or, past 300 characters (a command of a hostile script may be
    /// megabytes long), its start and its end (the reason) around an ellipsis. The JSON
    /// report keeps the whole text.
    static func shortened(_ line: String) -> String {
        line.count <= 300 ? line : line.prefix(200) + " … " + line.suffix(100)
    }

    static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let s)?: TerminalSafe.text(s)
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
            guard let half = pair["ci95"]?.numberValue, half != 0 else { return mean }
            return "\(mean)±\(String(format: "%.\(max(digits, 1))f", half))"
        case let v?:
            guard let d = v.numberValue else { return "-" }
            return String(format: "%.\(digits)f", d)
        case nil:
            return "-"
        }
    }

    static func percent(_ value: JSONValue?, digits: Int = 2) -> String {
        switch value {
        case .object(let pair)?:
            let mean = pair["mean"]?.numberValue.map { String(format: "%.\(digits)f%%", $0 * 100) } ?? "-"
            guard let half = pair["ci95"]?.numberValue, half != 0 else { return mean }
            return "\(mean)±\(String(format: "%.2f", half * 100))"
        case let v?:
            return v.numberValue.map { String(format: "%.\(digits)f%%", $0 * 100) } ?? "-"
        case nil:
            return "-"
        }
    }
}
