import ScaleFiles
import ScaleSim
import Testing

@Suite struct DurationParserTests {
    @Test(
        arguments: [
            ("250ms", 250 * Nanos.perMillisecond),
            ("90s", 90 * Nanos.perSecond),
            ("10m", 10 * Nanos.perMinute),
            ("1.5h", 90 * Nanos.perMinute),
            ("0.875ms", 875_000),
            ("2.8ms", 2_800_000),
            ("0.1s", 100_000_000),
            ("0.000001ms", 1),
            ("1.250000000000000000000000ms", 1_250_000),
            ("0s", 0),
            ("007s", 7 * Nanos.perSecond),
            ("1ns", 1),
            ("1.5us", 1_500),
            ("365d", 365 * Nanos.perDay),
            ("3650d", Nanos.longest),
            ("87600h", Nanos.longest),
        ] as [(String, SimTime)])
    func parsesExactly(text: String, nanos: SimTime) {
        #expect(DurationParser.parse(text) == nanos)
    }

    @Test(arguments: [
        "", "5", "ms", "-5s", "+5s", "5 s", " 5s", "5s ", "5S", "5sec", "1.s", ".5s", "1..5s", "1e3ms",
        "0x10s", "5ns ", "5µs", "1.5ns", "1,5s", "٣s", "0.0000001ms", "3650.000000001d", "87601h", "2562048h",
        "99999999999999999999s",
    ])
    func rejects(text: String) {
        #expect(DurationParser.parse(text) == nil)
        #expect(DurationParser.problem(with: text) != nil)
    }

    @Test func explainsWhatIsWrong() {
        #expect(DurationParser.problem(with: "90s") == nil)
        #expect(DurationParser.problem(with: "fast") == "expected a duration such as 250ms, 90s, 10m or 1.5h, got \"fast\"")
        #expect(DurationParser.problem(with: "0.0000001ms")?.contains("finer than one nanosecond") == true)
        #expect(DurationParser.problem(with: "99999999999999999999s")?.contains("too long") == true)
        #expect(DurationParser.problem(with: "3651d") == "duration \"3651d\" is too long (at most 3650d, ten years)")
    }

    @Test(
        arguments: [
            (2_800_000, "2.8ms"),
            (90 * Nanos.perSecond, "90s"),
            (60 * Nanos.perSecond, "1m"),
            (150 * Nanos.perMinute, "2.5h"),
            (250 * Nanos.perMillisecond, "250ms"),
            (90 * Nanos.perMinute, "90m"),
            (36 * Nanos.perHour / 10, "3.6h"),
            (Nanos.perHour, "1h"),
            (875_000, "0.875ms"),
            (500_000, "0.5ms"),
            (100_000, "0.1ms"),
            (50_000, "50us"),
            (1_500, "1.5us"),
            (1, "1ns"),
            (24 * Nanos.perHour, "1d"),
            (36 * Nanos.perHour, "36h"),
            (0, "0s"),
            (-250 * Nanos.perMillisecond, "-250ms"),
            (10 * Nanos.perMinute, "10m"),
            (1_500_000_000, "1.5s"),
        ] as [(SimTime, String)])
    func formatsShortestExactForm(nanos: SimTime, text: String) {
        #expect(DurationParser.format(nanos) == text)
    }

    @Test func formatRoundTrips() {
        let samples: [SimTime] = [1, 7, 999_999, 1_000_001, 123_456_789, 61 * Nanos.perSecond, 3_599_999_999_999, Nanos.longest]
        for t in samples {
            #expect(DurationParser.parse(DurationParser.format(t)) == t, "\(t)")
        }
        #expect(DurationParser.format(SimTime.min).hasPrefix("-"))
    }
}
