import ScaleSim
import Testing

@testable import ScaleFiles

/// `breaker: {...}` on a route: read, refused when bad (file, line, field), written back,
/// and the `breaker` command's text.
@Suite struct PresetBreakerTests {
    /// `basePreset` with `breaker` on web's route to db (line 14).
    private func preset(breaker: String) -> String {
        basePreset(line: 14, "        p: 0.5\n        breaker: \(breaker)")
    }

    @Test func readsEveryField() throws {
        let spec = try #require(
            decoded(preset(breaker: "{threshold: 0.25, window: 50, min_requests: 20, open_for: 1.5s, probes: 5}")))
        #expect(
            spec.node("web")?.routes[0].breaker
                == BreakerSpec(threshold: 0.25, window: 50, minRequests: 20, openFor: 1_500 * Nanos.perMillisecond, probes: 5))
    }

    @Test func aFieldLeftOutTakesTheStandardValue() throws {
        let spec = try #require(decoded(preset(breaker: "{probes: 1}")))
        var expected = BreakerSpec.standard
        expected.probes = 1
        #expect(spec.node("web")?.routes[0].breaker == expected)
        let none = try #require(decoded(basePreset))
        #expect(none.node("web")?.routes[0].breaker == nil)
    }

    /// Every kind of bad value: out of range, negative, zero, NaN and infinity, not a number.
    @Test(arguments: [
        ("{threshold: 0}", "threshold", "expected \(BreakerSpec.thresholdExpected), got 0"),
        ("{threshold: 1.5}", "threshold", "expected \(BreakerSpec.thresholdExpected), got 1.5"),
        ("{threshold: -0.5}", "threshold", "expected \(BreakerSpec.thresholdExpected), got -0.5"),
        ("{threshold: .nan}", "threshold", "expected \(BreakerSpec.thresholdExpected), got .nan"),
        ("{threshold: .inf}", "threshold", "expected \(BreakerSpec.thresholdExpected), got .inf"),
        ("{threshold: half}", "threshold", "expected \(BreakerSpec.thresholdExpected), got \"half\""),
        ("{window: -20}", "window", "expected \(BreakerSpec.windowExpected), got -20"),
        ("{window: 0}", "window", "expected \(BreakerSpec.windowExpected), got 0"),
        ("{window: 10_001}", "window", "expected at most 10_000, got 10_001"),
        ("{min_requests: 0}", "min_requests", "expected \(BreakerSpec.minRequestsExpected), got 0"),
        (
            "{window: 5, min_requests: 6}", "min_requests",
            "expected min_requests (6) at most the window (5): the window must be able to hold the minimum"
        ),
        ("{open_for: 0s}", "open_for", "expected a duration greater than 0, got \"0s\""),
        ("{probes: 0}", "probes", "expected \(BreakerSpec.probesExpected), got 0"),
        ("{probes: -1}", "probes", "expected \(BreakerSpec.probesExpected), got -1"),
    ])
    func refusesABadValue(_ breaker: String, _ field: String, _ message: String) throws {
        let error = try #require(decodeError(preset(breaker: breaker)))
        #expect(error.file == "test.yaml")
        #expect(error.line == 15)
        #expect(error.path == "nodes[0].routes[0].breaker.\(field)")
        #expect(error.message == message)
    }

    @Test func refusesANegativeDuration() throws {
        let error = try #require(decodeError(preset(breaker: "{open_for: -5s}")))
        #expect(error.line == 15)
        #expect(error.path == "nodes[0].routes[0].breaker.open_for")
    }

    @Test func refusesAnUnknownFieldAndANonMapping() throws {
        let unknown = try #require(decodeError(preset(breaker: "{treshold: 0.5}")))
        #expect(unknown.path == "nodes[0].routes[0].breaker.treshold")
        #expect(unknown.message.hasSuffix("(did you mean threshold?)"))
        let scalar = try #require(decodeError(preset(breaker: "0.5")))
        #expect(scalar.path == "nodes[0].routes[0].breaker")
        #expect(scalar.message == "expected \(SchemaReader.breakerExpected), got 0.5")
    }

    @Test func refusesASecondBreakerOnOneLink() throws {
        let yaml = basePreset(
            line: 13, count: 2,
            "      - {to: db, class: read, breaker: {probes: 1}}\n      - {to: db, class: write, breaker: {probes: 2}}")
        let error = try #require(decodeError(yaml))
        #expect(error.line == 14)
        #expect(error.path == "nodes[0].routes[1].breaker")
        #expect(error.message.hasPrefix("a second breaker on the link to \"db\""))
    }

    // MARK: - Writing

    @Test func writesAndReadsBack() throws {
        var spec = try #require(decoded(basePreset))
        let breaker = BreakerSpec(threshold: 0.3, window: 40, minRequests: 12, openFor: 2_500 * Nanos.perMillisecond, probes: 2)
        spec.nodes[0].routes[0].breaker = breaker
        let yaml = PresetEncoder.yaml(spec)
        #expect(
            yaml.contains("breaker: {threshold: 0.3, window: 40, min_requests: 12, open_for: 2.5s, probes: 2}"), "\(yaml)")
        #expect(try PresetDecoder.decode(yaml, file: "saved.yaml") == spec)
        #expect(!PresetEncoder.yaml(try #require(decoded(basePreset))).contains("breaker"))
    }

    @Test func aLinksBreakerIsWrittenOnceOnItsFirstRoute() throws {
        // Two routes to db, the breaker on the second (as a removal's rewiring may leave it):
        // written on the first, the one system the engine runs.
        var spec = try #require(decoded(basePreset))
        spec.nodes[0].routes = [
            RouteSpec(to: "db", classes: [.read]), RouteSpec(to: "db", classes: [.write], breaker: .standard),
        ]
        let again = try PresetDecoder.decode(PresetEncoder.yaml(spec), file: "saved.yaml")
        #expect(again.nodes[0].routes.map(\.breaker) == [.standard, nil])
        #expect(RouteSpec.breaker(of: again.nodes[0].routes, to: "db") == RouteSpec.breaker(of: spec.nodes[0].routes, to: "db"))
    }

    // MARK: - The command

    @Test(arguments: [
        ("breaker app db on", SimCommand.setBreaker(from: "app", to: "db", breaker: .standard)),
        ("breaker app db off", SimCommand.setBreaker(from: "app", to: "db", breaker: nil)),
        (
            "breaker app db 0.25 40 12 2.5s 2",
            SimCommand.setBreaker(
                from: "app", to: "db",
                breaker: BreakerSpec(
                    threshold: 0.25, window: 40, minRequests: 12, openFor: 2_500 * Nanos.perMillisecond, probes: 2))
        ),
    ])
    func theCommandReadsAndWritesBack(_ text: String, _ command: SimCommand) throws {
        #expect(try CommandGrammar.parse(text) == command)
        #expect(CommandGrammar.encode(command) == text)
    }

    @Test(arguments: [
        ("breaker app db", 15),
        ("breaker app db 1.5 20 10 5s 3", 16),
        ("breaker app db nan 20 10 5s 3", 16),
        ("breaker app db 0.5 -20 10 5s 3", 20),
        ("breaker app db 0.5 20 30 5s 3", 23),
        ("breaker app db 0.5 20 10 -5s 3", 26),
        ("breaker app db 0.5 20 10 5s 0", 29),
        ("breaker app db on now", 19),
    ])
    func theCommandRefusesBadSettings(_ text: String, _ column: Int) {
        #expect(throws: CommandSyntaxError.self) { try CommandGrammar.parse(text) }
        do {
            _ = try CommandGrammar.parse(text)
        } catch {
            #expect(error.column == column, "\(error)")
        }
    }
}
