@testable import ScaleFiles
import ScaleSim
import Testing

@Suite struct PresetOverrideTests {
    @Test func setsAnInteger() throws {
        let spec = try #require(decoded(basePreset, overrides: ["workload.users=2000000"]))
        #expect(spec.workload.users == 2_000_000)
    }

    @Test func setsADurationAndAddsAMissingKey() throws {
        let spec = try #require(decoded(basePreset, overrides: ["nodes.web.timeout=2.8ms"]))
        #expect(spec.node("web")?.timeout == 2_800_000)
    }

    @Test func selectsNodesByID() throws {
        let spec = try #require(decoded(basePreset, overrides: ["nodes.db.servers=8", "nodes.web.workers=3"]))
        #expect(spec.node("db")?.servers == 8)
        #expect(spec.node("web")?.workers == 3)
        #expect(spec.node("web")?.servers == 1)
    }

    @Test func setsMappingsAndLaterOverridesWin() throws {
        let spec = try #require(
            decoded(
                basePreset,
                overrides: [
                    "workload.mix={read: 0.9, write: 0.1}", "name=Other = name", "name=Final",
                    "nodes.db.service={distribution: gamma, mean: 1ms, cv: 2}",
                ]))
        #expect(spec.workload.mix == [.read: 0.9, .write: 0.1])
        #expect(spec.name == "Final")
        #expect(spec.node("db")?.service == .gamma(mean: 1_000_000, cv: 2))
    }

    @Test func anEmptyValueRestoresAnOptionalDefault() throws {
        let spec = try #require(decoded(basePreset, overrides: ["nodes.web.routes="]))
        #expect(spec.node("web")?.routes == [])
    }

    @Test func parsesKeyAndValue() throws {
        let override = try PresetOverride(parsing: "a.b=x=y")
        #expect(override.path == "a.b")
        #expect(override.value == "x=y")
        #expect(override == (try PresetOverride(parsing: "a.b=x=y")))
        #expect(override != (try PresetOverride(parsing: "a.b=x")))
    }

    @Test(arguments: [
        ("users", "--set: expected KEY=VALUE, such as workload.users=2000000, got \"users\""),
        ("=5", "--set: expected KEY=VALUE, such as workload.users=2000000, got \"=5\""),
        ("workload..users=5", "--set: workload..users: a path is names joined by dots, such as nodes.app.servers"),
        ("name=[unclosed", "--set: name: invalid YAML: did not find expected ',' or ']'"),
    ])
    func rejectsMalformedOverrides(text: String, description: String) {
        #expect(throws: PresetError.self) { try PresetOverride(parsing: text) }
        do throws(PresetError) {
            _ = try PresetOverride(parsing: text)
        } catch {
            #expect(error.description.hasPrefix(description), "\(error)")
            #expect(error.line == nil)
        }
    }

    @Test(arguments: [
        ("workload.nope.x=1", "workload.nope.x", "workload has no field \"nope\""),
        ("nodes.cache.servers=2", "nodes.cache.servers", "no node has id \"cache\"; the ids are \"web\", \"db\""),
        ("name.first=A", "name.first", "name is a single value, so it has no field \"first\""),
        (
            "nodes.web.routes.db.p=1", "nodes.web.routes.db.p",
            "nodes.web.routes is a list; only the nodes list can be entered, by node id"
        ),
        ("nodes.web.servers=-1", "nodes.web.servers", "expected a positive integer, got -1"),
        ("nodes.web.timeout=fast", "nodes.web.timeout", "expected a duration such as 250ms, 90s, 10m or 1.5h, got \"fast\""),
        (
            "nodes.web.bogus=1", "nodes.web.bogus",
            "unknown field \"bogus\"; expected one of: \(nodeFieldList)"
        ),
        ("workload.entry=cache", "workload.entry", "no node has id \"cache\"; the ids are \"web\", \"db\""),
        ("version=2", "version", "unsupported preset version 2, expected 1"),
    ])
    func reportsErrorsAgainstTheOverride(text: String, path: String, message: String) throws {
        let error = try #require(decodeError(basePreset, overrides: [text]))
        #expect(error.file == "--set")
        #expect(error.path == path)
        #expect(error.line == nil)
        #expect(error.message == message)
    }
}
