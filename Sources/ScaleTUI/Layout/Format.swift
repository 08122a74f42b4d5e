import Foundation
import ScaleSim

/// Short, fixed-width renderings of figures for boxes and bars.
public enum Format {
    /// Splits `text` into lines of at most `width` characters at spaces.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
            while current.count > width {
                lines.append(String(current.prefix(width)))
                current = String(current.dropFirst(width))
            }
        }
        lines.append(current)
        return lines
    }

    /// `text` whole when it fits in `width` columns, else cut to end in `ellipsis` so a
    /// reader sees it is cut; empty when `width` has no room at all.
    public static func cut(_ text: String, width: Int, ellipsis: String = "…") -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > width else { return text }
        guard width > ellipsis.unicodeScalars.count else { return String(ellipsis.unicodeScalars.prefix(max(0, width))) }
        return String(String.UnicodeScalarView(scalars.prefix(width - ellipsis.unicodeScalars.count))) + ellipsis
    }

    /// A count with k/M/G suffixes: `950`, `1.2k`, `34k`, `1.5M`.
    public static func count(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        let v = abs(value)
        let sign = value < 0 ? "-" : ""
        func scaled(_ x: Double, _ suffix: String) -> String {
            x < 9.95 ? sign + String(format: "%.1f", x) + suffix : sign + String(format: "%.0f", x) + suffix
        }
        if v < 999.5 { return sign + String(format: "%.0f", v) }
        if v < 999_500 { return scaled(v / 1e3, "k") }
        if v < 999_500_000 { return scaled(v / 1e6, "M") }
        return scaled(v / 1e9, "G")
    }

    public static func count(_ value: Int) -> String { count(Double(value)) }

    /// A rate per second: `1.2k/s`.
    public static func rate(_ perSecond: Double) -> String { count(perSecond) + "/s" }

    /// A ratio as a whole percentage: `64%`.
    public static func percent(_ ratio: Double) -> String {
        guard ratio.isFinite else { return "-" }
        return String(format: "%.0f%%", ratio * 100)
    }

    /// A duration in nanoseconds as `850us`, `12ms`, `1.4s`, `3m20s`.
    public static func duration(_ nanos: SimTime) -> String {
        let ns = Double(nanos)
        if ns < 1e6 { return String(format: "%.0fus", ns / 1e3) }
        if ns < 9.95e6 { return String(format: "%.1fms", ns / 1e6) }
        if ns < 1e9 { return String(format: "%.0fms", ns / 1e6) }
        if ns < 60e9 { return String(format: "%.1fs", ns / 1e9) }
        let seconds = Int(ns / 1e9)
        return "\(seconds / 60)m\(String(format: "%02d", seconds % 60))s"
    }

    /// Simulated time as `hh:mm:ss`.
    public static func clock(_ time: SimTime) -> String {
        let seconds = max(0, time / Nanos.perSecond)
        return String(format: "%02d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60)
    }

    /// A count in full with thousands separators: `1,985`.
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// Servers of a pool by name: `app-8`, `app-7, app-8`, `app-3 to app-8`.
    static func serverNames(_ node: String, _ positions: [Int]) -> String {
        let sorted = positions.sorted()
        guard let first = sorted.first, let last = sorted.last else { return node }
        if sorted.count <= 3 { return sorted.map { "\(node)-\($0)" }.joined(separator: ", ") }
        if last - first == sorted.count - 1 { return "\(node)-\(first) to \(node)-\(last)" }
        return "\(sorted.count) servers of \(node)"
    }

    /// The event log's line for live sessions lost with their servers:
    /// `removed app-8: 1,985 live sessions dropped`.
    static func sessionsDropped(node: String, servers: [Int], sessions: Int, removed: Bool) -> String {
        let names = serverNames(node, servers)
        return (removed ? "removed \(names)" : "\(names) went down") + ": \(grouped(sessions)) live sessions dropped"
    }

    /// `values` in columns of `perColumn`, aligned on the newest: each the mean of its
    /// values, or the largest when `worst`; a column with no value is nil.
    static func columns(_ values: [Double?], perColumn: Int, worst: Bool = false) -> [Double?] {
        guard perColumn > 1 else { return values }
        var columns: [Double?] = []
        var end = values.count
        while end > 0 {
            let present = values[max(0, end - perColumn)..<end].compactMap { $0 }
            columns.append(present.isEmpty ? nil : worst ? present.max() : present.reduce(0, +) / Double(present.count))
            end -= perColumn
        }
        return columns.reversed()
    }

    /// A number as presets and commands write it, in full: `5000`, `2.5`.
    public static func plain(_ value: Double) -> String {
        // Swift prints the shortest text that reads back as the same number.
        let text = "\(value)"
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// A speed factor: `1x`, `0.5x`, `16x`.
    public static func speed(_ factor: Double) -> String {
        factor >= 1 || factor == 0 ? String(format: "%.0fx", factor) : String(format: "%gx", factor)
    }
}
