import ScaleSim

/// A service-level objective a design is held to: `p99<200ms`, `errors<0.1%`,
/// `throughput>1000` (docs/capacity.md, "Objectives").
///
/// Latencies are end to end, in milliseconds; errors are the end-to-end error rate (dropped,
/// timed out, failed and rejected requests over all requests); throughput is completed
/// requests per second.
public struct Objective: Sendable, Equatable, CustomStringConvertible {
    /// What an objective bounds.
    public enum Metric: String, Sendable, CaseIterable {
        case p50, p95, p99, mean, errors, throughput

        /// The report key under `end_to_end` (docs/reports.md).
        var reportKey: String {
            switch self {
            case .p50, .p95, .p99, .mean: rawValue + "_ms"
            case .errors: "error_rate"
            case .throughput: "throughput_rps"
            }
        }

        /// Latencies and errors must stay below their limit; throughput must reach above it.
        var isUpperBound: Bool { self != .throughput }
    }

    public var metric: Metric
    /// Milliseconds for latencies, a fraction for errors, requests per second for throughput.
    public var limit: Double
    /// The objective as given, without spaces: `p99<200ms`.
    public var description: String

    /// What an objective looks like, for messages.
    public static let expected =
        "an objective such as p99<200ms, mean<50ms, errors<0.1% or throughput>1000 (p50, p95, p99, mean, errors, throughput)"

    /// Reads `METRIC<LIMIT` (`METRIC>LIMIT` for throughput), or says what is wrong with it.
    public init(parsing text: String) throws(ObjectiveError) {
        let compact = text.filter { !$0.isWhitespace }
        func fail(_ problem: String) -> ObjectiveError {
            ObjectiveError(message: "\(TerminalSafe.quoted(text)): \(problem)")
        }
        guard let sign = compact.firstIndex(where: { $0 == "<" || $0 == ">" }) else {
            throw fail("expected \(Self.expected)")
        }
        let name = String(compact[..<sign]).lowercased()
        let bound = String(compact[compact.index(after: sign)...])
        guard let metric = Metric(rawValue: name) else {
            throw fail("unknown measure \(TerminalSafe.quoted(name)); expected p50, p95, p99, mean, errors or throughput")
        }
        guard (compact[sign] == "<") == metric.isUpperBound else {
            throw fail(
                metric.isUpperBound
                    ? "\(name) is bounded from above: \(name)<LIMIT" : "throughput is bounded from below: throughput>LIMIT")
        }
        guard !bound.isEmpty else { throw fail("the limit is missing after \(compact[sign])") }
        switch metric {
        case .p50, .p95, .p99, .mean:
            guard let duration = DurationParser.parse(bound), duration > 0 else {
                throw fail("expected a latency limit such as 200ms, got \(TerminalSafe.quoted(bound))")
            }
            limit = Nanos.milliseconds(duration)
        case .errors:
            let isPercent = bound.hasSuffix("%")
            guard let number = Double(isPercent ? String(bound.dropLast()) : bound), number.isFinite else {
                throw fail("expected an error rate such as 0.1% or 0.001, got \(TerminalSafe.quoted(bound))")
            }
            let fraction = isPercent ? number / 100 : number
            guard fraction > 0 && fraction <= 1 else {
                throw fail("an error rate lies above 0% and at most 100%, got \(TerminalSafe.quoted(bound))")
            }
            limit = fraction
        case .throughput:
            guard let number = Double(bound), number.isFinite, number > 0 else {
                throw fail("expected requests per second above zero, got \(TerminalSafe.quoted(bound))")
            }
            limit = number
        }
        self.metric = metric
        description = name + String(compact[sign]) + bound
    }

    /// The figure the objective reads from a run report, single-seed or merged over seeds
    /// (then the mean); nil when the report has none (no request completed).
    public func figure(in report: JSONValue) -> Double? {
        ReportFigures.number(at: ["end_to_end", metric.reportKey], in: report)
    }

    /// Whether `report` meets the objective. A run with no error rate had no request, so no
    /// error; a missing latency or throughput means nothing completed, which fails.
    public func isMet(by report: JSONValue) -> Bool {
        guard let value = figure(in: report) else { return metric == .errors }
        return metric.isUpperBound ? value < limit : value > limit
    }
}

/// An objective that does not parse; `message` names it and says what was expected.
public struct ObjectiveError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
