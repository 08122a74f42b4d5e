/// Reads figures out of run reports, single-seed (a number) or merged over seeds (an
/// object `{"mean", "ci95"}`, docs/reports.md).
public enum ReportFigures {
    /// The value at `path` (object keys) in `report`, or nil.
    public static func value(at path: [String], in report: JSONValue) -> JSONValue? {
        var current = report
        for key in path {
            guard case .object(let fields) = current, let next = fields[key] else { return nil }
            current = next
        }
        return current
    }

    /// The number at `path`: the number itself, or the mean of a merged figure; nil when
    /// absent or null.
    public static func number(at path: [String], in report: JSONValue) -> Double? {
        switch value(at: path, in: report) {
        case .object(let pair)?: pair["mean"]?.numberValue
        case let other?: other.numberValue
        case nil: nil
        }
    }

    /// The busiest node of a report: its id and utilization (the mean over seeds when merged).
    public static func busiestNode(in report: JSONValue) -> (id: String, utilization: Double)? {
        guard case .array(let nodes)? = value(at: ["nodes"], in: report) else { return nil }
        var busiest: (id: String, utilization: Double)?
        for node in nodes {
            guard case .string(let id)? = value(at: ["id"], in: node),
                let utilization = number(at: ["utilization"], in: node)
            else { continue }
            if utilization > busiest?.utilization ?? -1 { busiest = (id, utilization) }
        }
        return busiest
    }

    /// The path of the cost per month a run report carries once the cost model gives one
    /// (docs/cost.md).
    public static let costPerMonth = ["cost", "per_month"]
    /// The path of the cost per million requests served.
    public static let costPerMillionRequests = ["cost", "per_million_requests"]
}
