/// What `capacity` measured at one load: the run report (merged over the seeds when there
/// are several) and the objectives it broke.
public struct CapacityMeasure: Sendable {
    /// The run report, each figure the mean over the seeds when merged.
    public var report: JSONValue
    /// The objectives the load broke, in the order given; empty when it met them all.
    public var broken: [Objective]

    /// Merges the seeds' reports and holds the mean of each figure to every objective.
    public init(reports: [JSONValue], objectives: [Objective]) {
        let merged = reports.count == 1 ? reports[0] : SeedAggregate.merge(reports)
        report = merged
        broken = objectives.filter { !$0.isMet(by: merged) }
    }

    /// A search point from the reports of one load: met when no objective broke.
    public static func evaluate(reports: [JSONValue], objectives: [Objective]) -> (meets: Bool, measured: CapacityMeasure) {
        let measure = CapacityMeasure(reports: reports, objectives: objectives)
        return (measure.broken.isEmpty, measure)
    }

    /// An end-to-end figure: `p99_ms`, `error_rate`, `throughput_rps` ...
    public func endToEnd(_ key: String) -> Double? { ReportFigures.number(at: ["end_to_end", key], in: report) }

    public var costPerMonth: Double? { ReportFigures.number(at: ReportFigures.costPerMonth, in: report) }

    /// The busiest node and its utilization.
    public var bottleneck: (id: String, utilization: Double)? { ReportFigures.busiestNode(in: report) }
}
