import ScaleSim

/// The figures of a run over time, gathered second by second from the engine's snapshots
/// (the same windows `run --report csv` writes), and the charts they make for
/// `run --report html`: throughput, end-to-end p50 and p99, and each node's utilization
/// (docs/reports.md, "HTML reports").
///
/// A run of up to `pointLimit` seconds gets a point a second; a longer one a point every
/// few seconds, the mean of those seconds, so the page stays small whatever the duration.
public struct RunTimeline: Sendable {
    /// Most points a series gets.
    public static let pointLimit = 1200

    /// Seconds each point covers.
    public let step: Int
    var points: [Bucket] = []
    var open = Bucket()

    /// The figures of one point: sums over its seconds, divided when drawn.
    struct Bucket: Sendable {
        var seconds = 0
        var end = 0.0
        var arrivals = 0
        var completed = 0
        var errors = 0
        var p50 = Mean()
        var p99 = Mean()
        /// Utilization by node id, and the ids in the order the nodes first appeared.
        var utilization: [String: Mean] = [:]
        var nodeOrder: [String] = []
    }

    /// A mean gathered a value at a time.
    struct Mean: Sendable {
        var sum = 0.0
        var count = 0
        mutating func add(_ value: Double) {
            sum += value
            count += 1
        }
        var value: Double { count > 0 ? sum / Double(count) : .nan }
    }

    /// A timeline for a run of `duration`.
    public init(duration: SimTime) {
        let seconds = Int((Nanos.seconds(duration)).rounded(.up))
        step = max(1, (seconds + Self.pointLimit - 1) / Self.pointLimit)
    }

    /// Adds the second that just closed in `snapshot` (taken with any history limit).
    public mutating func record(_ snapshot: SimulationSnapshot) {
        if let system = snapshot.system {
            open.end = Nanos.seconds(system.end)
            open.arrivals += system.arrivals
            open.completed += system.completed
            open.errors += system.dropped + system.timedOut + system.failed + system.rejected
            if let p50 = system.p50 { open.p50.add(Nanos.milliseconds(p50)) }
            if let p99 = system.p99 { open.p99.add(Nanos.milliseconds(p99)) }
        }
        for node in snapshot.nodes {
            guard let window = node.window else { continue }
            open.end = Nanos.seconds(window.end)
            if open.utilization[node.id] == nil { open.nodeOrder.append(node.id) }
            open.utilization[node.id, default: Mean()].add(window.utilization * 100)
        }
        open.seconds += 1
        if open.seconds == step {
            points.append(open)
            open = Bucket()
        }
    }

    /// Every point, the last one however few seconds it covers.
    var allPoints: [Bucket] { open.seconds > 0 ? points + [open] : points }

    /// Throughput: arrivals, completions and errors per second.
    public func throughputChart(marks: [Chart.Mark]) -> Chart {
        let all = allPoints
        func series(_ name: String, _ count: (Bucket) -> Int) -> Chart.Series {
            Chart.Series(
                name: name, points: all.map { Chart.Point(x: $0.end, y: Double(count($0)) / Double($0.seconds)) })
        }
        return Chart(
            title: "Throughput", xAxis: Self.timeAxis, yAxis: Chart.Axis(title: "requests per second"),
            series: [
                series("arrivals", \.arrivals), series("completed", \.completed),
                series("errors (dropped, timed out, failed, rejected)", \.errors),
            ],
            marks: marks)
    }

    /// End-to-end response time: p50 and p99 of the requests that ended in each second. The
    /// y axis is logarithmic when the figures span more than two decades (an overload's
    /// seconds-long p99 next to a calm millisecond p50).
    public func latencyChart(marks: [Chart.Mark]) -> Chart {
        let all = allPoints
        let p50 = all.map { Chart.Point(x: $0.end, y: $0.p50.value) }
        let p99 = all.map { Chart.Point(x: $0.end, y: $0.p99.value) }
        let values = (p50 + p99).map(\.y).filter { $0.isFinite && $0 > 0 }
        let wide = (values.max() ?? 1) > 100 * (values.min() ?? 1)
        return Chart(
            title: "Response time, end to end", xAxis: Self.timeAxis,
            yAxis: Chart.Axis(title: "milliseconds" + (wide ? " (log scale)" : ""), logarithmic: wide),
            series: [Chart.Series(name: "p50", points: p50), Chart.Series(name: "p99", points: p99)], marks: marks)
    }

    /// Each node's utilization, in percent, in the order the nodes first appeared.
    public func utilizationChart(marks: [Chart.Mark]) -> Chart {
        let all = allPoints
        var order: [String] = []
        for point in all {
            for id in point.nodeOrder where !order.contains(id) { order.append(id) }
        }
        let series = order.map { id in
            // A node added or removed mid-run has points only while it was there.
            Chart.Series(
                name: id, points: all.compactMap { point in point.utilization[id].map { Chart.Point(x: point.end, y: $0.value) } }
            )
        }
        return Chart(
            title: "Utilization by node", xAxis: Self.timeAxis, yAxis: Chart.Axis(title: "utilization (%)"), series: series,
            marks: marks)
    }

    static let timeAxis = Chart.Axis(title: "simulated time (s)")

    /// The marks of a run on its time axis: where the warm-up ends, and each timed command of
    /// the preset's script and the `--script` file up to `duration`, labelled with its time
    /// and text.
    public static func marks(commands: [ScheduledCommand], warmup: SimTime, duration: SimTime) -> [Chart.Mark] {
        var marks: [Chart.Mark] = []
        if warmup > 0 {
            marks.append(Chart.Mark(axis: .x, value: Nanos.seconds(warmup), label: "warm-up ends"))
        }
        for scheduled in commands where scheduled.at <= duration {
            marks.append(
                Chart.Mark(
                    axis: .x, value: Nanos.seconds(scheduled.at),
                    label: DurationParser.format(scheduled.at) + ": " + CommandGrammar.encode(scheduled.command)))
        }
        return marks
    }
}
