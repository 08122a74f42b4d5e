@testable import ScaleFiles
import ScaleSim
import Testing

/// `rate_limit: {rate: R, burst: B}` on a node: read, refused when bad, written back, and
/// named in a stage's diff.
@Suite struct PresetRateLimitTests {
    /// `basePreset` with `limit` as the web node's `rate_limit` (line 11).
    private func preset(rateLimit limit: String) -> String {
        basePreset(line: 10, "    workers: 2\n    rate_limit: \(limit)")
    }

    // MARK: - Reading

    @Test func readsRateAndBurst() throws {
        let spec = try #require(decoded(preset(rateLimit: "{rate: 500, burst: 1_000}")))
        #expect(spec.node("web")?.rateLimit == RateLimitSpec(rate: 500, burst: 1_000))
        #expect(spec.node("db")?.rateLimit == nil)
    }

    @Test(arguments: [
        ("{rate: 500}", 500.0),
        ("{rate: 2.5}", 2.5),
        // Below one request a second, the bucket still holds one token.
        ("{rate: 0.25}", 1.0),
        ("{rate: 50_000_000}", 50_000_000.0),
    ])
    func burstDefaultsToOneSecondsWorth(_ limit: String, _ burst: Double) throws {
        let spec = try #require(decoded(preset(rateLimit: limit)))
        #expect(spec.node("web")?.rateLimit?.burst == burst)
    }

    @Test func aNullRateLimitIsNone() throws {
        let spec = try #require(decoded(preset(rateLimit: "~")))
        #expect(spec.node("web")?.rateLimit == nil)
    }

    @Test func anyKindOfNodeTakesOne() throws {
        let yaml = basePreset(line: 17, "    service: {distribution: deterministic, mean: 5ms}\n    rate_limit: {rate: 40}")
        let spec = try #require(decoded(yaml))
        #expect(spec.node("db")?.rateLimit == RateLimitSpec(rate: 40))
    }

    // MARK: - Refusing

    static let rateExpected = "expected a rate greater than 0 and at most 50_000_000 requests per second"
    static let burstExpected = "expected a burst from 1 to 50_000_000 requests"

    /// Every kind of bad rate: zero, negative, not a number, past the limit.
    @Test(arguments: [
        ("{rate: 0}", "0"),
        ("{rate: 0.0}", "0.0"),
        ("{rate: -5}", "-5"),
        ("{rate: -0.5}", "-0.5"),
        ("{rate: 50_000_001}", "50_000_001"),
        ("{rate: 1e9}", "1e9"),
        ("{rate: 1e400}", "1e400"),
        ("{rate: .inf}", ".inf"),
        ("{rate: .nan}", ".nan"),
        ("{rate: \"500\"}", "\"500\""),
        ("{rate: fast}", "\"fast\""),
        ("{rate: yes}", "yes (a boolean)"),
        ("{rate: 0x10}", "0x10"),
        ("{rate: [5]}", "a list"),
        ("{rate: {per: 5}}", "a mapping"),
        ("{rate: ~}", "nothing"),
    ])
    func refusesABadRate(_ limit: String, _ found: String) throws {
        let error = try #require(decodeError(preset(rateLimit: limit)))
        #expect(error.file == "test.yaml")
        #expect(error.line == 11)
        #expect(error.path == "nodes[0].rate_limit.rate")
        #expect(error.message == "\(Self.rateExpected), got \(found)")
    }

    /// Every kind of bad burst: below one, negative, not a number, past the limit.
    @Test(arguments: [
        ("{rate: 500, burst: 0}", "0"),
        ("{rate: 500, burst: 0.5}", "0.5"),
        ("{rate: 500, burst: -10}", "-10"),
        ("{rate: 500, burst: 50_000_001}", "50_000_001"),
        ("{rate: 500, burst: .inf}", ".inf"),
        ("{rate: 500, burst: \"10\"}", "\"10\""),
        ("{rate: 500, burst: lots}", "\"lots\""),
        ("{rate: 500, burst: [10]}", "a list"),
    ])
    func refusesABadBurst(_ limit: String, _ found: String) throws {
        let error = try #require(decodeError(preset(rateLimit: limit)))
        #expect(error.line == 11)
        #expect(error.path == "nodes[0].rate_limit.burst")
        #expect(error.message == "\(Self.burstExpected), got \(found)")
    }

    @Test func refusesAnUnknownKey() throws {
        let error = try #require(decodeError(preset(rateLimit: "{rate: 500, brust: 10}")))
        #expect(error.line == 11)
        #expect(error.path == "nodes[0].rate_limit.brust")
        #expect(error.message == "unknown field \"brust\"; expected one of: rate, burst (did you mean burst?)")
    }

    @Test func refusesAMissingRate() throws {
        let error = try #require(decodeError(preset(rateLimit: "{burst: 10}")))
        #expect(error.line == 11)
        #expect(error.path == "nodes[0].rate_limit.rate")
        #expect(error.message == "missing required field; \(Self.rateExpected)")
    }

    @Test(arguments: [("500", "500"), ("[500, 10]", "a list"), ("on", "on (a boolean)")])
    func refusesARateLimitThatIsNoMapping(_ limit: String, _ found: String) throws {
        let error = try #require(decodeError(preset(rateLimit: limit)))
        #expect(error.line == 11)
        #expect(error.path == "nodes[0].rate_limit")
        #expect(error.message == "expected a mapping with rate, and optionally burst, got \(found)")
    }

    @Test func aMisspeltFieldSuggestsRateLimit() throws {
        let error = try #require(decodeError(basePreset(line: 10, "    workers: 2\n    rate_limt: {rate: 5}")))
        #expect(error.path == "nodes[0].rate_limt")
        #expect(error.message.hasSuffix("(did you mean rate_limit?)"))
    }

    @Test func anOverrideIsCheckedLikeTheFile() throws {
        let error = try #require(decodeError(preset(rateLimit: "{rate: 500}"), overrides: ["nodes.web.rate_limit.rate=0"]))
        #expect(error.file == "--set")
        #expect(error.message == "\(Self.rateExpected), got 0")
        let spec = try #require(decoded(preset(rateLimit: "{rate: 500}"), overrides: ["nodes.web.rate_limit.burst=20"]))
        #expect(spec.node("web")?.rateLimit == RateLimitSpec(rate: 500, burst: 20))
    }

    // MARK: - Writing

    @Test(arguments: [
        (RateLimitSpec(rate: 500), "rate_limit: {rate: 500}"),
        (RateLimitSpec(rate: 500, burst: 1_000), "rate_limit: {rate: 500, burst: 1000}"),
        (RateLimitSpec(rate: 0.25), "rate_limit: {rate: 0.25}"),
        (RateLimitSpec(rate: 0.25, burst: 3.5), "rate_limit: {rate: 0.25, burst: 3.5}"),
        (RateLimitSpec(rate: 1e-7, burst: 50_000_000), "rate_limit: {rate: 1e-07, burst: 50000000}"),
    ])
    func writesAndReadsBack(_ limit: RateLimitSpec, _ line: String) throws {
        var spec = try #require(decoded(basePreset))
        spec.nodes[0].rateLimit = limit
        let yaml = PresetEncoder.yaml(spec)
        #expect(yaml.contains("    " + line + "\n"), "\(yaml)")
        let again = try PresetDecoder.decode(yaml, file: "saved.yaml")
        #expect(again == spec)
    }

    @Test func aSystemWithoutRateLimitsIsWrittenAsBefore() throws {
        let spec = try #require(decoded(basePreset))
        #expect(!PresetEncoder.yaml(spec).contains("rate_limit"))
    }

    // MARK: - Diff

    @Test func theDiffNamesWhatChanged() throws {
        let before = try #require(decoded(basePreset))
        var after = before
        after.nodes[0].rateLimit = RateLimitSpec(rate: 5_000, burst: 250)
        #expect(PresetDiff.changes(from: before, to: after) == ["web: rate limit off -> 5,000/s, burst 250"])
        var faster = after
        faster.nodes[0].rateLimit = RateLimitSpec(rate: 7_500.5)
        #expect(PresetDiff.changes(from: after, to: faster) == ["web: rate limit 5,000/s, burst 250 -> 7500.5/s, burst 7500.5"])
        #expect(PresetDiff.changes(from: after, to: before) == ["web: rate limit 5,000/s, burst 250 -> off"])
    }

    @Test func anAddedNodeSaysItIsRateLimited() throws {
        let before = try #require(decoded(basePreset))
        var after = before
        var gate = NodeSpec(id: "gate", kind: .lb, service: .none, routes: [RouteSpec(to: "web")])
        gate.rateLimit = RateLimitSpec(rate: 100)
        after.nodes.insert(gate, at: 0)
        #expect(
            PresetDiff.changes(from: before, to: after).first
                == "added gate (load balancer, random) in front of web, rate limit 100/s, burst 100")
    }
}
