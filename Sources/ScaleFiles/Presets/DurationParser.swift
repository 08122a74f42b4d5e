import ScaleSim

/// Durations as people write them (`250ms`, `90s`, `10m`, `1.5h`), converted exactly.
///
/// Units are `ns`, `us`, `ms`, `s`, `m`, `h` and `d`; the longest duration is
/// `Nanos.longest` (3650d, ten years).
///
/// The conversion is digit arithmetic on integers, never through `Double`, so `0.875ms` is
/// exactly 875,000 ns and `0.1s` is exactly 100,000,000 ns.
public enum DurationParser {
    /// What a valid duration looks like, for messages.
    public static let expected = "a duration such as 250ms, 90s, 10m or 1.5h"

    /// The duration `text` denotes, or `nil` if it is malformed, negative, finer than a
    /// nanosecond, or longer than `Nanos.longest`.
    ///
    /// The grammar is digits, optionally a point and more digits, then one of the units
    /// `ns`, `us`, `ms`, `s`, `m`, `h` or `d`, with nothing around it.
    public static func parse(_ text: String) -> SimTime? {
        try? read(text).get()
    }

    /// Why `text` is not a duration, as a message ending in what was found; `nil` if it is one.
    public static func problem(with text: String) -> String? {
        if case .failure(let problem) = read(text) { problem.message } else { nil }
    }

    /// The shortest exact text for `t` that `parse` reads back as `t`, such as `2.8ms` or `90s`.
    ///
    /// Among the units that express `t` exactly, the shortest text wins; on a tie, a text not
    /// starting `0.` (`250ms` rather than `0.25s`), then the larger unit (`2.5h` rather than
    /// `150m`). `ns` and `us` are only for times under 0.1 ms (`50us`, but `0.5ms` as people
    /// write it). Zero is `0s`.
    public static func format(_ t: SimTime) -> String {
        if t < 0 {
            // Int64.min has no positive counterpart; its magnitude still fits in UInt64.
            return "-" + format(magnitude: t.magnitude)
        }
        return format(magnitude: t.magnitude)
    }

    // MARK: - Parsing

    /// Why a text is not a duration.
    struct Problem: Error {
        let message: String
    }

    /// The duration `text` denotes, or what is wrong with it; a text that is no duration at
    /// all is reported as not being `expected`, so callers can name the alternatives they take.
    static func read(_ text: String, expected: String = expected) -> Result<SimTime, Problem> {
        let got = TerminalSafe.quoted(text)
        switch outcome(text) {
        case .value(let t): return .success(t)
        case .malformed: return .failure(Problem(message: "expected \(expected), got \(got)"))
        case .tooLong:
            return .failure(Problem(message: "duration \(got) is too long (at most \(format(Nanos.longest)), ten years)"))
        case .tooPrecise: return .failure(Problem(message: "duration \(got) is finer than one nanosecond"))
        }
    }

    private enum Outcome {
        case value(SimTime)
        case malformed, tooLong, tooPrecise
    }

    /// Units longest suffix first, so `ms` is not read as `m` followed by garbage.
    private static let units: [(suffix: String, nanos: SimTime)] = [
        ("ns", 1), ("us", Nanos.perMicrosecond), ("ms", Nanos.perMillisecond),
        ("s", Nanos.perSecond), ("m", Nanos.perMinute), ("h", Nanos.perHour), ("d", Nanos.perDay),
    ]

    private static func outcome(_ text: String) -> Outcome {
        guard let unit = units.first(where: { text.hasSuffix($0.suffix) }) else { return .malformed }
        let number = text.utf8.dropLast(unit.suffix.utf8.count)
        let parts = number.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(isDigit) else { return .malformed }
        var fraction = parts.count == 2 ? parts[1] : whole[whole.endIndex...]
        guard parts.count == 1 || (!fraction.isEmpty && fraction.allSatisfy(isDigit)) else { return .malformed }
        while fraction.last == UInt8(ascii: "0") { fraction = fraction.dropLast() }

        guard let wholeValue = decimal(whole) else { return .tooLong }
        let (wholeNanos, o1) = wholeValue.multipliedReportingOverflow(by: unit.nanos)
        if o1 { return .tooLong }
        if fraction.isEmpty { return wholeNanos > Nanos.longest ? .tooLong : .value(wholeNanos) }

        // fraction / 10^k of a unit is fraction × unit / 10^k nanoseconds; exact only when
        // 10^k divides the product. Past 18 digits no unit (at most 8.64e13 ns) can make it whole.
        guard fraction.count <= 18, let fractionValue = decimal(fraction) else { return .tooPrecise }
        var scale: SimTime = 1
        for _ in 0..<fraction.count { scale *= 10 }
        let product = unit.nanos.multipliedFullWidth(by: fractionValue)
        // The quotient is below one unit because fraction < 10^k, so it cannot overflow.
        let (fractionNanos, remainder) = scale.dividingFullWidth(product)
        guard remainder == 0 else { return .tooPrecise }
        let (total, o2) = wholeNanos.addingReportingOverflow(fractionNanos)
        return o2 || total > Nanos.longest ? .tooLong : .value(total)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// The value of a run of ASCII digits, or `nil` on overflow.
    private static func decimal(_ digits: some Collection<UInt8>) -> SimTime? {
        var value: SimTime = 0
        for byte in digits {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(SimTime(byte - UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = next
        }
        return value
    }

    // MARK: - Formatting

    private static func format(magnitude t: UInt64) -> String {
        if t == 0 { return "0s" }
        // Largest unit first: `min` keeps the first of equally good texts.
        let fineUnitsBelow: UInt64 = 100_000
        let candidates = units.sorted { $0.nanos > $1.nanos }
            .filter { t < fineUnitsBelow || $0.nanos >= Nanos.perMillisecond }
            .compactMap { exact(t, in: UInt64($0.nanos), suffix: $0.suffix) }
        // Nanoseconds are always exact, and milliseconds terminate within six decimals, so
        // there is a candidate.
        return candidates.min { ($0.count, $0.hasPrefix("0.") ? 1 : 0) < ($1.count, $1.hasPrefix("0.") ? 1 : 0) }!
    }

    /// `t` in `unit` as a decimal by long division, or `nil` if it does not terminate
    /// within 15 decimals (a minute in hours is 0.01666…).
    private static func exact(_ t: UInt64, in unit: UInt64, suffix: String) -> String? {
        var text = String(t / unit)
        var remainder = t % unit
        if remainder == 0 { return text + suffix }
        text += "."
        for _ in 0..<15 {
            remainder *= 10
            text += String(remainder / unit)
            remainder %= unit
            if remainder == 0 { return text + suffix }
        }
        return nil
    }
}
