import ScaleSim

extension TextReport {
    /// One line per network partition of the report's `partitions` (docs/reports.md), or
    /// nothing when there were none.
    static func partitionLines(_ top: [String: JSONValue]) -> [String] {
        guard case .array(let partitions)? = top["partitions"], !partitions.isEmpty else { return [] }
        var lines = [""]
        for case .object(let p) in partitions {
            let healed =
                p["healed_at_s"].flatMap(\.numberValue) == nil ? "not healed" : "healed \(figure(p["healed_at_s"], digits: 1)) s"
            let caughtUp =
                p["catch_up_s"].flatMap(\.numberValue) == nil
                ? "" : "; caught up \(figure(p["catch_up_s"], digits: 2)) s after the heal"
            lines.append(
                "partition \(text(p["between"])): cut \(figure(p["cut_at_s"], digits: 1)) s, \(healed); "
                    + "writes at risk \(figure(p["writes_at_risk"], digits: 0)) "
                    + "(failed requests \(figure(p["failed_requests"], digits: 0))), "
                    + "writes held \(figure(p["writes_held"], digits: 0)), stale reads \(figure(p["stale_reads"], digits: 0))"
                    + caughtUp + (count(p["resyncs"]) > 0 ? "; replica re-syncs \(figure(p["resyncs"], digits: 0))" : ""))
        }
        return lines
    }
}
