@testable import ScaleFiles
import ScaleSim
import Testing

private let ms = Nanos.perMillisecond

/// The top-level `dc_latency` section: the one-way latency between data centers, read from
/// `geoPreset` (data centers us-east and eu-west) with the section added after its last
/// line, so the section starts at line 33 and its first row is line 34.
@Suite struct PresetDataCenterLatencyTests {
    /// `geoPreset` followed by `section`, which starts at line 33.
    static func geo(_ section: String) -> String { geoPreset + "\n" + section }

    // MARK: - Reading

    @Test func withoutTheSectionThereIsNoLatencyBetweenDataCenters() throws {
        let spec = try #require(decoded(geoPreset))
        #expect(spec.datacenterLatencies == [])
        #expect(spec.datacenterLatency(from: "us-east", to: "eu-west") == 0)
        for empty in ["dc_latency:", "dc_latency: {}", "dc_latency:\n  us-east: {}"] {
            #expect(decoded(Self.geo(empty))?.datacenterLatencies == [], "\(empty)")
        }
    }

    @Test func aPairGivenOneWayIsAsLongBothWays() throws {
        let spec = try #require(decoded(Self.geo("dc_latency:\n  us-east: {eu-west: 40ms}")))
        #expect(spec.datacenterLatencies == [DataCenterLatency(from: "us-east", to: "eu-west", latency: 40 * ms)])
        #expect(spec.datacenterLatency(from: "us-east", to: "eu-west") == 40 * ms)
        #expect(spec.datacenterLatency(from: "eu-west", to: "us-east") == 40 * ms)
    }

    /// Both ways may differ; the pairs keep the order written, not the declared one.
    @Test func bothWaysMayDiffer() throws {
        let spec = try #require(decoded(Self.geo("dc_latency:\n  eu-west: {us-east: 55ms}\n  us-east: {eu-west: 40ms}")))
        #expect(
            spec.datacenterLatencies == [
                DataCenterLatency(from: "eu-west", to: "us-east", latency: 55 * ms),
                DataCenterLatency(from: "us-east", to: "eu-west", latency: 40 * ms),
            ])
        #expect(spec.datacenterLatency(from: "us-east", to: "eu-west") == 40 * ms)
        #expect(spec.datacenterLatency(from: "eu-west", to: "us-east") == 55 * ms)
    }

    @Test(arguments: [("0s", 0), ("0ms", 0), ("1ns", 1), ("0.5ms", 500_000), ("10s", 10 * Nanos.perSecond)])
    func theRangeIsZeroToTenSecondsInclusive(_ text: String, _ latency: SimTime) throws {
        let spec = try #require(decoded(Self.geo("dc_latency: {us-east: {eu-west: \(text)}}")))
        #expect(spec.datacenterLatency(from: "eu-west", to: "us-east") == latency)
    }

    @Test func anOverrideSetsALatency() throws {
        let spec = try #require(decoded(geoPreset, overrides: ["dc_latency={us-east: {eu-west: 70ms}}"]))
        #expect(spec.datacenterLatency(from: "eu-west", to: "us-east") == 70 * ms)
        let error = try #require(decodeError(geoPreset, overrides: ["dc_latency={us-east: {eu-west: 11s}}"]))
        #expect(error.description == "--set: dc_latency: expected \(Self.range), got \"11s\"")
    }

    // MARK: - Mistakes

    struct Case: CustomTestStringConvertible, Sendable {
        let section: String
        let path: String
        /// 33 for the section itself, 34 for its first row.
        let line: Int
        let message: String
        var testDescription: String { section }
    }

    static let range = "a one-way latency from 0s to 10s, such as 80ms"
    static let names = "expected one of: us-east, eu-west"
    static let sectionExpected =
        "expected a mapping of data center to its one-way latency to others, such as {us-east: {eu-west: 40ms}}"
    static let rowExpected = "expected a mapping of data center to latency, such as {eu-west: 40ms}"

    /// Each kind of mistake names the path, points at its line, and says what was expected.
    @Test(arguments: [
        // Not a mapping.
        Case(section: "dc_latency: [40ms]", path: "dc_latency", line: 33, message: "\(sectionExpected), got a list"),
        Case(section: "dc_latency: 40ms", path: "dc_latency", line: 33, message: "\(sectionExpected), got \"40ms\""),
        Case(
            section: "dc_latency:\n  - {us-east: {eu-west: 40ms}}", path: "dc_latency", line: 34,
            message: "\(sectionExpected), got a list"),
        Case(
            section: "dc_latency:\n  us-east: 40ms", path: "dc_latency.us-east", line: 34,
            message: "\(rowExpected), got \"40ms\""),
        Case(
            section: "dc_latency:\n  us-east: [eu-west, 40ms]", path: "dc_latency.us-east", line: 34,
            message: "\(rowExpected), got a list"),
        Case(
            section: "dc_latency:\n  us-east:", path: "dc_latency.us-east", line: 34, message: "\(rowExpected), got nothing"
        ),
        // Names that are no declared data center, where a row starts and where it leads.
        Case(
            section: "dc_latency:\n  ap-south: {us-east: 40ms}", path: "dc_latency.ap-south", line: 34,
            message: "unknown data center \"ap-south\"; \(names)"),
        Case(
            section: "dc_latency:\n  us-east: {ap-south: 40ms}", path: "dc_latency.us-east.ap-south", line: 34,
            message: "unknown data center \"ap-south\"; \(names)"),
        Case(
            section: "dc_latency:\n  us-east: {eu-wets: 40ms}", path: "dc_latency.us-east.eu-wets", line: 34,
            message: "unknown data center \"eu-wets\"; \(names) (did you mean eu-west?)"),
        // As near to both: the suggestion names both rather than tossing a coin.
        Case(
            section: "dc_latency:\n  us-east: {eu-east: 40ms}", path: "dc_latency.us-east.eu-east", line: 34,
            message: "unknown data center \"eu-east\"; \(names) (did you mean us-east or eu-west?)"),
        // Keys YAML reads as numbers, booleans or null are names like any other, and none is declared.
        Case(
            section: "dc_latency:\n  1: {eu-west: 40ms}", path: "dc_latency.1", line: 34,
            message: "unknown data center \"1\"; \(names)"),
        Case(
            section: "dc_latency:\n  us-east: {true: 40ms}", path: "dc_latency.us-east.true", line: 34,
            message: "unknown data center \"true\"; \(names)"),
        Case(
            section: "dc_latency:\n  ~: {eu-west: 40ms}", path: "dc_latency.~", line: 34,
            message: "unknown data center \"~\"; \(names)"),
        // A data center to itself.
        Case(
            section: "dc_latency:\n  us-east: {eu-west: 40ms, us-east: 1ms}", path: "dc_latency.us-east.us-east", line: 34,
            message: "\"us-east\" has no latency to itself, only to another data center; expected one of: eu-west"),
        // Not a duration.
        Case(
            section: "dc_latency:\n  us-east: {eu-west: 40}", path: "dc_latency.us-east.eu-west", line: 34,
            message: "expected \(range), got 40"),
        Case(
            section: "dc_latency:\n  us-east: {eu-west: fast}", path: "dc_latency.us-east.eu-west", line: 34,
            message: "expected \(range), got \"fast\""),
        Case(
            section: "dc_latency:\n  us-east: {eu-west: {ms: 40}}", path: "dc_latency.us-east.eu-west", line: 34,
            message: "expected \(range), got a mapping"),
        Case(
            section: "dc_latency:\n  us-east: {eu-west: [40ms]}", path: "dc_latency.us-east.eu-west", line: 34,
            message: "expected \(range), got a list"),
        Case(
            section: "dc_latency:\n  us-east: {eu-west: }", path: "dc_latency.us-east.eu-west", line: 34,
            message: "expected \(range), got nothing"),
        Case(
            section: "dc_latency:\n  us-east: {eu-west: true}", path: "dc_latency.us-east.eu-west", line: 34,
            message: "expected \(range), got true (a boolean)"),
        Case(
            section: "dc_latency:\n  us-east: {eu-west: !!binary aGk=}", path: "dc_latency.us-east.eu-west", line: 34,
            message: "expected \(range), got a value tagged \"tag:yaml.org,2002:binary\""),
        // Negative.
        Case(
            section: "dc_latency:\n  us-east: {eu-west: -40ms}", path: "dc_latency.us-east.eu-west", line: 34,
            message: "expected \(range), got \"-40ms\""),
        Case(
            section: "dc_latency:\n  us-east: {eu-west: -0s}", path: "dc_latency.us-east.eu-west", line: 34,
            message: "expected \(range), got \"-0s\""),
        // Above 10 s, up to numbers past any duration.
        Case(
            section: "dc_latency:\n  us-east: {eu-west: 11s}", path: "dc_latency.us-east.eu-west", line: 34,
            message: "expected \(range), got \"11s\""),
        Case(
            section: "dc_latency:\n  us-east: {eu-west: 10.000000001s}", path: "dc_latency.us-east.eu-west", line: 34,
            message: "expected \(range), got \"10.000000001s\""),
        Case(
            section: "dc_latency:\n  us-east: {eu-west: 1m}", path: "dc_latency.us-east.eu-west", line: 34,
            message: "expected \(range), got \"1m\""),
        Case(
            section: "dc_latency:\n  us-east: {eu-west: 99999999999999999999999999d}", path: "dc_latency.us-east.eu-west",
            line: 34, message: "expected \(range), got \"99999999999999999999999999d\""),
        Case(
            section: "dc_latency:\n  us-east: {eu-west: 99999999999999999999999999}", path: "dc_latency.us-east.eu-west",
            line: 34, message: "expected \(range), got 99999999999999999999999999"),
        Case(
            section: "dc_latency:\n  us-east: {eu-west: 1e3ms}", path: "dc_latency.us-east.eu-west", line: 34,
            message: "expected \(range), got \"1e3ms\""),
        // Finer than a nanosecond, though in range.
        Case(
            section: "dc_latency:\n  us-east: {eu-west: 0.0000000001s}", path: "dc_latency.us-east.eu-west", line: 34,
            message: "duration \"0.0000000001s\" is finer than one nanosecond"),
    ])
    func mistakes(_ c: Case) throws {
        let error = try #require(decodeError(Self.geo(c.section)))
        #expect(error.file == "test.yaml")
        #expect(error.path == c.path)
        #expect(error.line == c.line)
        #expect(error.column != nil)
        #expect(error.message == c.message)
    }

    /// NaN and infinity are YAML floats, never durations.
    @Test(arguments: [".nan", ".NaN", ".inf", "-.inf", "+.Inf", "nan", "inf", "infinity", "1e400", "1e400ms"])
    func nonFiniteNumbersAreNoDurations(_ text: String) throws {
        let error = try #require(decodeError(Self.geo("dc_latency:\n  us-east: {eu-west: \(text)}")))
        #expect(error.path == "dc_latency.us-east.eu-west")
        #expect(error.line == 34)
        #expect(error.message.hasPrefix("expected \(Self.range), got "))
        #expect(error.message.hasSuffix(text) || error.message.hasSuffix("\"\(text)\""))
    }

    @Test func dataCentersMustBeDeclaredFirst() throws {
        let error = try #require(decodeError(dataPreset + "\ndc_latency:\n  us-east: {eu-west: 40ms}"))
        #expect(error.path == "dc_latency")
        #expect(error.line == 41)
        #expect(
            error.message
                == "dc_latency is given between data centers, but none are declared; declare them in datacenters first")
    }

    /// With a single data center there is no pair to give: saying so beats listing nothing.
    @Test func aSingleDataCenterHasNoPair() throws {
        let single =
            replacing(dataPreset, line: 10, "    kind: app\n    dc: us-east")
            + "\ndatacenters: [{name: us-east, entry: web}]"
        #expect(decoded(single) != nil)
        let error = try #require(decodeError(single + "\ndc_latency: {us-east: {us-east: 1ms}}"))
        #expect(error.path == "dc_latency.us-east.us-east")
        #expect(error.message == "\"us-east\" has no latency to itself, only to another data center; no other is declared")
    }

    /// A pair given twice one way is a key given twice in one mapping, which YAML refuses.
    @Test(arguments: [
        "dc_latency:\n  us-east: {eu-west: 40ms, eu-west: 50ms}",
        "dc_latency:\n  us-east:\n    eu-west: 40ms\n    eu-west: 50ms",
        "dc_latency:\n  us-east: {eu-west: 40ms}\n  us-east: {eu-west: 50ms}",
        "dc_latency: {us-east: {eu-west: 40ms}}\ndc_latency: {eu-west: {us-east: 40ms}}",
    ])
    func aPairGivenTwiceIsRefused(_ section: String) throws {
        let error = try #require(decodeError(Self.geo(section)))
        #expect(error.file == "test.yaml")
        #expect(error.line != nil)
        #expect(error.message.contains("appears more than once in this mapping"))
    }

    /// Keys are names: a list, a mapping or an alias as a key is refused where it is written.
    @Test(arguments: [
        ("dc_latency:\n  [us-east]: {eu-west: 40ms}", 34),
        ("dc_latency:\n  us-east: {{a: b}: 40ms}", 34),
        ("dc_latency:\n  ? [us-east, eu-west]\n  : 40ms", 34),
        ("dc_latency:\n  &dc us-east: {eu-west: 40ms}\n  eu-west: {*dc : 40ms}", 35),
    ])
    func keysThatAreNoNamesAreRefused(_ section: String, line: Int) throws {
        let error = try #require(decodeError(Self.geo(section)))
        #expect(error.file == "test.yaml")
        #expect(error.line == line)
        #expect(error.message == "a mapping key must be a plain name, not a list, a mapping or an alias")
    }

    /// However many pairs a preset names, a wrong one among them is reported at its line.
    @Test func aLongSectionPointsAtItsMistake() throws {
        let rows = ["  us-east: {eu-west: 40ms}"] + (0..<5_000).map { "  dc\($0): {eu-west: 40ms}" }
        let error = try #require(decodeError(Self.geo("dc_latency:\n" + rows.joined(separator: "\n"))))
        #expect(error.path == "dc_latency.dc0")
        #expect(error.line == 35)
    }
}
