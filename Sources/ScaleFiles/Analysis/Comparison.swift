/// Two designs run on the same seeds, figure by figure: each design's mean and 95%
/// interval over the seeds, and the difference B − A with its paired interval
/// (docs/compare.md, "The statistics").
///
/// The seeds give both designs the same arrivals, regions, users, keys and request classes
/// (common random numbers), so the per-seed differences vary far less than either design
/// does, and Student's t on those differences gives a narrower interval than two
/// independent runs would.
public struct Comparison: Sendable {
    /// A figure with its 95% half-width; the half-width is nil for a single seed.
    public struct Estimate: Sendable, Equatable {
        public var mean: Double
        public var halfWidth: Double?

        public init(_ values: [Double]) {
            (mean, halfWidth) = SeedAggregate.interval(values)
        }

        var json: JSONValue { .object(["mean": .number(mean), "ci95": .number(halfWidth)]) }
    }

    /// How a figure is written.
    public enum Unit: String, Sendable {
        case requestsPerSecond = "req/s"
        case fraction = "%"
        case milliseconds = "ms"
        case dollars = "$"
    }

    /// One figure compared.
    public struct Row: Sendable {
        /// The report key, with its object for classes and cost: `p99_ms`, `read.p99_ms`,
        /// `cost.per_month`.
        public var metric: String
        public var unit: Unit
        /// Each seed's figure, in seed order.
        public var a: [Double]
        public var b: [Double]
        public var estimateA: Estimate
        public var estimateB: Estimate
        /// B − A seed by seed, then Student's t on those differences.
        public var difference: Estimate

        init(metric: String, unit: Unit, a: [Double], b: [Double]) {
            self.metric = metric
            self.unit = unit
            self.a = a
            self.b = b
            estimateA = Estimate(a)
            estimateB = Estimate(b)
            difference = Estimate(zip(a, b).map { $1 - $0 })
        }

        /// The half-width the difference would have from independent runs of the same
        /// spread, sqrt(ciA² + ciB²): what pairing the seeds saves.
        public var independentHalfWidth: Double? {
            guard let ha = estimateA.halfWidth, let hb = estimateB.halfWidth else { return nil }
            return (ha * ha + hb * hb).squareRoot()
        }

        /// Whether the difference's interval excludes zero: B differs from A beyond the noise.
        public var differs: Bool {
            guard let half = difference.halfWidth else { return false }
            return abs(difference.mean) > half
        }
    }

    /// The busiest node of a design, the one most seeds name, with its mean utilization.
    public struct Bottleneck: Sendable, Equatable {
        public var node: String
        public var utilization: Estimate
    }

    /// Each design as named: the preset and its `--set` changes.
    public var designA: String
    public var designB: String
    public var seeds: [UInt64]
    public var rows: [Row]
    public var bottleneckA: Bottleneck?
    public var bottleneckB: Bottleneck?

    /// The figures every report has, end to end: the key under `end_to_end` and its unit.
    static let endToEndFigures: [(key: String, unit: Unit)] = [
        ("throughput_rps", .requestsPerSecond), ("error_rate", .fraction), ("mean_ms", .milliseconds),
        ("p50_ms", .milliseconds), ("p95_ms", .milliseconds), ("p99_ms", .milliseconds),
    ]
    static let classFigures = ["p50_ms", "p95_ms", "p99_ms"]
    static let classes = ["static", "read", "write", "job"]

    /// Compares run reports of the same seeds, in seed order: `a[i]` and `b[i]` ran seed
    /// `seeds[i]`. A figure missing from any report (a class that never ran, cost before
    /// the cost model) has no row.
    public init(designA: String, designB: String, seeds: [UInt64], a: [JSONValue], b: [JSONValue]) {
        self.designA = designA
        self.designB = designB
        self.seeds = seeds
        var paths: [(metric: String, path: [String], unit: Unit)] = Self.endToEndFigures.map {
            ($0.key, ["end_to_end", $0.key], $0.unit)
        }
        for requestClass in Self.classes {
            for key in Self.classFigures {
                paths.append((requestClass + "." + key, ["end_to_end", "classes", requestClass, key], .milliseconds))
            }
        }
        paths.append(("cost.per_month", ReportFigures.costPerMonth, .dollars))
        paths.append(("cost.per_million_requests", ReportFigures.costPerMillionRequests, .dollars))
        rows = paths.compactMap { metric, path, unit in
            let valuesA = a.compactMap { ReportFigures.number(at: path, in: $0) }
            let valuesB = b.compactMap { ReportFigures.number(at: path, in: $0) }
            guard !valuesA.isEmpty, valuesA.count == a.count, valuesB.count == b.count else { return nil }
            return Row(metric: metric, unit: unit, a: valuesA, b: valuesB)
        }
        bottleneckA = Self.bottleneck(of: a)
        bottleneckB = Self.bottleneck(of: b)
    }

    /// The node most seeds find busiest (the first named on a tie), and its utilization.
    static func bottleneck(of reports: [JSONValue]) -> Bottleneck? {
        let busiest = reports.compactMap { ReportFigures.busiestNode(in: $0) }
        guard !busiest.isEmpty else { return nil }
        var votes: [String: Int] = [:]
        for node in busiest { votes[node.id, default: 0] += 1 }
        let most = votes.values.max() ?? 0
        guard let node = busiest.first(where: { votes[$0.id] == most })?.id else { return nil }
        let utilizations = reports.compactMap { report -> Double? in
            guard case .array(let nodes)? = ReportFigures.value(at: ["nodes"], in: report) else { return nil }
            let match = nodes.first { ReportFigures.value(at: ["id"], in: $0) == .string(node) }
            return match.flatMap { ReportFigures.number(at: ["utilization"], in: $0) }
        }
        return Bottleneck(node: node, utilization: Estimate(utilizations))
    }

    /// The row of `metric`, if the reports had it.
    public func row(_ metric: String) -> Row? { rows.first { $0.metric == metric } }
}
