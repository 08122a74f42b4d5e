import Foundation

/// Merges the reports of several seeds into one, each figure as a mean and a 95%
/// confidence interval (Student's t over the seeds).
public enum SeedAggregate {
    /// Two-sided 95% Student t quantiles for 1 to 30 degrees of freedom.
    static let t975: [Double] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ]

    /// Mean and half-width of the 95% interval; the half-width is nil for a single value.
    public static func interval(_ values: [Double]) -> (mean: Double, halfWidth: Double?) {
        let n = values.count
        guard let first = values.first else { return (.nan, nil) }
        guard n > 1 else { return (first, nil) }
        // A value every seed agrees on is exact: summing would leave a rounding residue.
        if values.allSatisfy({ $0 == first }) { return (first, 0) }
        let mean = values.reduce(0, +) / Double(n)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
        let t = n - 1 <= t975.count ? t975[n - 2] : 1.96
        return (mean, t * (variance / Double(n)).squareRoot())
    }

    /// One report from several of the same shape: numbers become `{"mean", "ci95"}`, other
    /// leaves stay when every report agrees and become an array when they differ; the
    /// `seed` key becomes `seeds`.
    public static func merge(_ reports: [JSONValue]) -> JSONValue {
        guard case .object(var first) = merge(values: reports) else { return .null }
        first.removeValue(forKey: "seed")
        first["seeds"] = .array(
            reports.compactMap { report in
                if case .object(let fields) = report { return fields["seed"] }
                return nil
            })
        return .object(first)
    }

    private static func merge(values: [JSONValue]) -> JSONValue {
        guard let first = values.first else { return .null }
        switch first {
        case .object(let fields):
            var merged: [String: JSONValue] = [:]
            for key in fields.keys {
                merged[key] = merge(
                    values: values.map { value in
                        if case .object(let f) = value { return f[key] ?? .null }
                        return .null
                    })
            }
            return .object(merged)
        case .array(let items) where items.allSatisfy({ if case .object = $0 { return true } else { return false } }):
            return .array(
                items.indices.map { i in
                    merge(
                        values: values.map { value in
                            if case .array(let a) = value, i < a.count { return a[i] }
                            return .null
                        })
                })
        default:
            let numbers = values.compactMap(\.numberValue)
            if !numbers.isEmpty && numbers.count == values.count {
                let (mean, half) = interval(numbers)
                return .object(["mean": .number(mean), "ci95": .number(half)])
            }
            return values.allSatisfy({ $0 == first }) ? first : .array(values)
        }
    }
}
