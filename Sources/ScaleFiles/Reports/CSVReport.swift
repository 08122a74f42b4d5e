import Foundation
import ScaleSim

/// The per-second time series of `run --report csv`: one row per node per simulated second.
public enum CSVReport {
    public static let header =
        "t_s,node,kind,arrivals,completions,dropped,timed_out,utilization,queue_length,mean_queue_length,mean_ms,p50_ms,p95_ms,p99_ms"

    /// The rows of one closed second, in node order.
    public static func rows(for nodes: [NodeSnapshot]) -> [String] {
        nodes.compactMap { node in
            guard let w = node.window else { return nil }
            return [
                JSONValue.format(Nanos.seconds(w.end)), csvField(node.id), node.kind.rawValue,
                String(w.arrivals), String(w.completions), String(w.dropped), String(w.timedOut),
                JSONValue.format(w.utilization), String(w.queueLength), JSONValue.format(w.meanQueueLength),
                w.meanLatency.map { JSONValue.format($0 / 1e6) } ?? "",
                ms(w.p50), ms(w.p95), ms(w.p99),
            ].joined(separator: ",")
        }
    }

    static func ms(_ t: SimTime?) -> String { t.map { JSONValue.format(Nanos.milliseconds($0)) } ?? "" }

    /// Node ids are restricted to [A-Za-z0-9_-], so quoting is never needed; guard anyway.
    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
