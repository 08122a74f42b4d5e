/// Simulated time and durations, in integer nanoseconds.
///
/// Integer time keeps event order exact and reproducible: no rounding drift over hours of
/// simulated time, and `Int64` nanoseconds reach 292 years (durations stop at
/// `Nanos.longest`, ten years).
public typealias SimTime = Int64

/// Constants and conversions for `SimTime`.
public enum Nanos {
    public static let perMicrosecond: SimTime = 1_000
    public static let perMillisecond: SimTime = 1_000_000
    public static let perSecond: SimTime = 1_000_000_000
    public static let perMinute: SimTime = 60 * perSecond
    public static let perHour: SimTime = 60 * perMinute
    public static let perDay: SimTime = 24 * perHour

    /// The longest duration a file, an option or a command may give: ten years.
    ///
    /// With run lengths, timers and latencies below it and random samples clamped to a
    /// century, `now + delay` stays far below `SimTime.max`, so it never overflows.
    public static let longest: SimTime = 3650 * perDay

    /// Seconds as a `Double`, for rates and reports.
    @inlinable public static func seconds(_ t: SimTime) -> Double { Double(t) / 1e9 }

    /// Milliseconds as a `Double`, for reports.
    @inlinable public static func milliseconds(_ t: SimTime) -> Double { Double(t) / 1e6 }

    /// Nearest whole nanosecond to `seconds`, clamped to the representable range.
    @inlinable public static func from(seconds: Double) -> SimTime {
        let ns = (seconds * 1e9).rounded()
        if !(ns < 9.2e18) { return SimTime.max / 2 }
        return ns > 0 ? SimTime(ns) : 0
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`: for wall-clock rates and timings.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
