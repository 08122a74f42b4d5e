import Foundation

/// How one axis of a chart maps values onto the plot: its domain, rounded out to tick
/// values, and the ticks with their labels. The SVG and text renderers share it, so both
/// draw a chart on the same round numbers (docs/reports.md, "HTML reports").
struct ChartScale: Equatable {
    var lower: Double
    var upper: Double
    var logarithmic: Bool
    var ticks: [Double]
    var labels: [String]

    /// Most ticks an axis gets; a linear axis aims at about five.
    static let tickLimit = 12

    /// Whether `value` can be drawn on an axis: finite, and positive on a log axis.
    static func isDrawable(_ value: Double, logarithmic: Bool) -> Bool {
        value.isFinite && (!logarithmic || value > 0)
    }

    /// The scale that covers every drawable one of `values`, rounded out to tick values.
    /// `includeZero` makes a linear axis start at zero (counts and rates read better from it).
    /// No drawable value gives 0 to 1 (linear) or 1 to 10 (log); equal values get room around them.
    static func covering(_ values: [Double], logarithmic: Bool, includeZero: Bool = false) -> ChartScale {
        let drawable = values.filter { isDrawable($0, logarithmic: logarithmic) }
        return logarithmic
            ? logScale(lowest: drawable.min(), highest: drawable.max())
            : linearScale(lowest: drawable.min(), highest: drawable.max(), includeZero: includeZero)
    }

    /// The x and y scales of `chart`: they cover every point drawable on both axes and
    /// every mark, and the y axis starts at zero when it is linear.
    static func scales(of chart: Chart) -> (x: ChartScale, y: ChartScale) {
        let points = chart.series.flatMap(\.points).filter {
            isDrawable($0.x, logarithmic: chart.xAxis.logarithmic) && isDrawable($0.y, logarithmic: chart.yAxis.logarithmic)
        }
        let x = covering(
            points.map(\.x) + chart.marks.filter { $0.axis == .x }.map(\.value), logarithmic: chart.xAxis.logarithmic)
        let y = covering(
            points.map(\.y) + chart.marks.filter { $0.axis == .y }.map(\.value), logarithmic: chart.yAxis.logarithmic,
            includeZero: true)
        return (x, y)
    }

    /// Where `value` falls, 0 at `lower` and 1 at `upper`; nil when it cannot be drawn.
    func fraction(_ value: Double) -> Double? {
        guard Self.isDrawable(value, logarithmic: logarithmic) else { return nil }
        let span = logarithmic ? log10(upper) - log10(lower) : upper - lower
        guard span > 0, span.isFinite else { return 0.5 }
        return logarithmic ? (log10(value) - log10(lower)) / span : (value - lower) / span
    }

    private static func linearScale(lowest: Double?, highest: Double?, includeZero: Bool) -> ChartScale {
        var low = lowest ?? 0
        var high = highest ?? 1
        if includeZero {
            low = min(low, 0)
            high = max(high, 0)
        }
        if low == high {
            let room = low == 0 ? 1 : abs(low) / 10
            low -= includeZero && low == 0 ? 0 : room
            high += room
        }
        // Halves first, so values near the largest doubles do not overflow to infinity.
        let step = niceStep((high / 2 - low / 2) * 2 / 5)
        let lower = (low / step).rounded(.down) * step
        let upper = (high / step).rounded(.up) * step
        let steps = ((upper - lower) / step).rounded()
        let count = steps.isFinite ? min(Int(steps), tickLimit) : 1
        var ticks: [Double] = []
        for i in 0...max(count, 0) {
            // Rounded to the step, so 0.1 + 0.2 labels as 0.3 and zero is never -0.
            let tick = ((lower + Double(i) * step) / step).rounded() * step + 0
            if tick <= upper, ticks.last.map({ tick > $0 }) ?? true { ticks.append(tick) }
        }
        if ticks.count < 2 { ticks = [lower, upper] }
        let unit = linearUnit(ticks.map(abs).max() ?? 0)
        return ChartScale(
            lower: lower, upper: max(upper, lower.nextUp), logarithmic: false, ticks: ticks,
            labels: ticks.map { format($0, unit: unit, decimals: decimals(step / unit.divisor)) })
    }

    private static func logScale(lowest: Double?, highest: Double?) -> ChartScale {
        var low = (log10(lowest ?? 1)).rounded(.down)
        var high = (log10(highest ?? 10)).rounded(.up)
        if low == high {
            low -= 1
            high += 1
        }
        low = max(low, -300)
        high = min(max(high, low + 1), 300)
        let decades = Int(high - low)
        let stride = max(1, (decades + 7) / 8)
        var ticks: [Double] = []
        for exponent in Swift.stride(from: Int(low), through: Int(high), by: stride) {
            let decade = pow(10, Double(exponent))
            ticks.append(decade)
            // Few decades: 2 and 5 times each as well, so the axis still has several labels.
            if decades <= 2 && exponent < Int(high) { ticks += [2 * decade, 5 * decade] }
        }
        return ChartScale(
            lower: pow(10, low), upper: pow(10, high), logarithmic: true, ticks: ticks,
            labels: ticks.map { tick in
                // Each tick its own unit: 500, 1k, 10k, 1M.
                let unit: (divisor: Double, suffix: String) = tick >= 1e3 && tick < 1e4 ? (1e3, "k") : linearUnit(tick)
                return format(tick, unit: unit, decimals: decimals(tick / unit.divisor))
            })
    }

    /// 1, 2 or 5 times a power of ten, the smallest at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = pow(10, log10(raw).rounded(.down))
        let fraction = raw / power
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * power
    }

    /// The thousands suffix ticks up to `largest` print with: 20k, 1.5M.
    static func linearUnit(_ largest: Double) -> (divisor: Double, suffix: String) {
        switch largest {
        case 1e9...: (1e9, "G")
        case 1e6...: (1e6, "M")
        case 1e4...: (1e3, "k")
        default: (1, "")
        }
    }

    /// Decimals that show a step of `step` (already in the unit): 0.05 needs two.
    static func decimals(_ step: Double) -> Int {
        guard step > 0, step.isFinite else { return 0 }
        return max(0, Int((-log10(step) - 1e-9).rounded(.up)))
    }

    /// `value` in `unit` with `decimals` decimals; very small steps in scientific notation.
    static func format(_ value: Double, unit: (divisor: Double, suffix: String), decimals: Int) -> String {
        if value == 0 { return "0" }
        if decimals > 6 { return String(format: "%.3g", value) }
        return String(format: "%.\(decimals)f", value / unit.divisor) + unit.suffix
    }
}
