import Foundation
import ScaleSim

/// The page of `run --report html`: what ran, the end-to-end and per-node tables of the
/// text report, the timed commands, the three charts over time, and the text report itself
/// (docs/reports.md, "HTML reports").
public enum RunHTMLReport {
    /// The page for a single-seed run report (`RunReport.json`), its timeline and the timed
    /// commands it ran (the preset's and the script's, in time order).
    public static func document(
        report: JSONValue, timeline: RunTimeline, commands: [ScheduledCommand], warmup: SimTime, duration: SimTime
    ) -> String {
        guard case .object(let top) = report else { return HTMLReport(title: "scaletop run").document }
        let preset = TextReport.text(top["preset"])
        var page = HTMLReport(title: "scaletop run: \(preset)")
        page.add(
            .paragraph(
                "scaletop \(TextReport.text(top["scaletop_version"])), preset \(preset), seed "
                    + "\(TextReport.figure(top["seed"], digits: 0)), \(TextReport.figure(top["duration_s"], digits: 1)) s "
                    + "simulated, warm-up \(TextReport.figure(top["warmup_s"], digits: 1)) s."
                    + (timeline.step > 1 ? " Each point of the charts is the mean of \(timeline.step) seconds." : "")))
        let marks = RunTimeline.marks(commands: commands, warmup: warmup, duration: duration)
        page.add(.heading("Over time"))
        page.add(.chart(timeline.throughputChart(marks: marks)))
        page.add(.chart(timeline.latencyChart(marks: marks)))
        page.add(.chart(timeline.utilizationChart(marks: marks)))
        if case .object(let endToEnd)? = top["end_to_end"] {
            page.add(.heading("End to end"))
            page.add(.table(headers: ["figure", "value"], rows: endToEndRows(endToEnd, top: top)))
            if case .object(let classes)? = endToEnd["classes"], !classes.isEmpty {
                page.add(.heading("Request classes"))
                page.add(
                    .table(
                        headers: ["class", "requests", "completed", "errors", "mean ms", "p50 ms", "p99 ms"],
                        rows: ["static", "read", "write", "job"].compactMap { name in
                            guard case .object(let c)? = classes[name] else { return nil }
                            let errors = ["dropped", "timed_out", "failed", "rejected"].map { TextReport.count(c[$0]) }
                                .reduce(0, +)
                            return [
                                name, TextReport.figure(c["requests"], digits: 0), TextReport.figure(c["completed"], digits: 0),
                                String(format: "%.0f", errors), TextReport.figure(c["mean_ms"], digits: 2),
                                TextReport.figure(c["p50_ms"], digits: 2), TextReport.figure(c["p99_ms"], digits: 2),
                            ]
                        }))
            }
        }
        if case .array(let nodes)? = top["nodes"] {
            page.add(.heading("Nodes"))
            page.add(
                .table(
                    headers: [
                        "node", "kind", "data center", "size", "utilization", "req/s", "mean ms", "p99 ms", "dropped",
                        "timed out", "failed", "",
                    ],
                    rows: nodes.compactMap { value in
                        guard case .object(let n) = value else { return nil }
                        return [
                            TextReport.text(n["id"]), TextReport.text(n["kind"]), TextReport.text(n["dc"]),
                            "\(TextReport.figure(n["servers"], digits: 0))x\(TextReport.figure(n["workers"], digits: 0))",
                            TextReport.percent(n["utilization"], digits: 1), TextReport.figure(n["throughput_rps"], digits: 1),
                            TextReport.figure(n["mean_ms"], digits: 2), TextReport.figure(n["p99_ms"], digits: 2),
                            TextReport.figure(n["dropped"], digits: 0), TextReport.figure(n["timed_out"], digits: 0),
                            TextReport.figure(n["failed"], digits: 0), n["bottleneck"] == .bool(true) ? "BOTTLENECK" : "",
                        ]
                    }))
        }
        let ran = commands.filter { $0.at <= duration }
        if !ran.isEmpty {
            page.add(.heading("Timed commands"))
            page.add(
                .table(
                    headers: ["at", "command"],
                    rows: ran.map { [DurationParser.format($0.at), CommandGrammar.encode($0.command)] }))
        }
        if case .array(let refused)? = top["refused_commands"], !refused.isEmpty {
            page.add(.heading("Refused commands"))
            page.add(.table(headers: ["command"], rows: refused.map { [TextReport.text($0)] }))
        }
        page.add(.heading("Text report"))
        page.add(.preformatted(TextReport.render(report)))
        return page.document
    }

    /// The end-to-end figures, a row each, as the text report names them.
    static func endToEndRows(_ e: [String: JSONValue], top: [String: JSONValue]) -> [[String]] {
        var rows = ["requests", "completed", "dropped", "timed_out", "failed", "rejected", "in_flight"].map { key in
            [key.replacingOccurrences(of: "_", with: " "), TextReport.figure(e[key], digits: 0)]
        }
        rows += [
            ["throughput (req/s)", TextReport.figure(e["throughput_rps"], digits: 1)],
            ["error rate", TextReport.percent(e["error_rate"])],
            ["mean (ms)", TextReport.figure(e["mean_ms"], digits: 2)],
            ["p50 (ms)", TextReport.figure(e["p50_ms"], digits: 2)],
            ["p95 (ms)", TextReport.figure(e["p95_ms"], digits: 2)],
            ["p99 (ms)", TextReport.figure(e["p99_ms"], digits: 2)],
            ["sessions lost", TextReport.figure(top["sessions_lost"], digits: 0)],
            ["writes lost", TextReport.figure(top["writes_lost"], digits: 0)],
        ]
        return rows
    }
}
