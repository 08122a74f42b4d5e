import Foundation
import ScaleSim

/// The per-second time series of `run --report csv`: one row per node, one for the whole
/// system and one per user region, per simulated second.
///
/// Columns are only ever added at the end (`rejected`, then `cost_per_month`), so a reader
/// that takes them by position keeps working.
public enum CSVReport {
    public static let header =
        "t_s,node,kind,arrivals,completions,dropped,timed_out,failed,utilization,queue_length,mean_queue_length,mean_ms,p50_ms,p95_ms,p99_ms,rejected,cost_per_month"

    /// The rows of one closed second: the nodes in node order, then the system (kind
    /// `system`), then each user region (kind `region`, named in the node column).
    public static func rows(for snapshot: SimulationSnapshot) -> [String] {
        var rows = snapshot.nodes.compactMap { node -> String? in
            guard let w = node.window else { return nil }
            return [
                JSONValue.format(Nanos.seconds(w.end)), csvField(node.id), node.kind.rawValue,
                String(w.arrivals), String(w.completions), String(w.dropped), String(w.timedOut), String(w.failed),
                JSONValue.format(w.utilization), String(w.queueLength), JSONValue.format(w.meanQueueLength),
                w.meanLatency.map { JSONValue.format($0 / 1e6) } ?? "",
                ms(w.p50), ms(w.p95), ms(w.p99), String(w.rejected), money(node.costPerMonth),
            ].joined(separator: ",")
        }
        if let s = snapshot.system {
            rows.append(
                endToEndRow(
                    end: s.end, name: "system", kind: "system",
                    counts: [s.arrivals, s.completed, s.dropped, s.timedOut, s.failed],
                    percentiles: [s.p50, s.p95, s.p99], rejected: s.rejected, cost: snapshot.costPerMonth))
        }
        for region in snapshot.regions {
            guard let w = region.window else { continue }
            rows.append(
                endToEndRow(
                    end: w.end, name: region.name, kind: "region",
                    counts: [w.arrivals, w.completed, w.dropped, w.timedOut, w.failed],
                    percentiles: [w.p50, w.p95, w.p99], rejected: w.rejected))
        }
        return rows
    }

    /// A row of end-to-end figures: counts, then blanks where node-only columns stand.
    static func endToEndRow(
        end: SimTime, name: String, kind: String, counts: [Int], percentiles: [SimTime?], rejected: Int,
        cost: Double? = nil
    ) -> String {
        ([JSONValue.format(Nanos.seconds(end)), csvField(name), kind] + counts.map(String.init)
            + ["", "", "", ""] + percentiles.map(ms) + [String(rejected), cost.map(money) ?? ""]).joined(separator: ",")
    }

    /// Money to a millionth, as the JSON report writes it.
    static func money(_ amount: Double) -> String { JSONValue.format((amount * 1e6).rounded() / 1e6) }

    static func ms(_ t: SimTime?) -> String { t.map { JSONValue.format(Nanos.milliseconds($0)) } ?? "" }

    /// Node ids are restricted to [A-Za-z0-9_-], so quoting is never needed; guard anyway,
    /// control characters included.
    static func csvField(_ text: String) -> String {
        let s = TerminalSafe.text(text)
        return s.contains(where: { $0 == "," || $0 == "\"" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
