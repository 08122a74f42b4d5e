import Foundation
@testable import ScaleFiles
import ScaleSim
import Testing

@Suite struct ShippedPresetTests {
    let catalog = PresetCatalog(environment: [:])

    @Test func everyShippedPresetDecodes() throws {
        #expect(!catalog.shipped.isEmpty)
        for source in catalog.shipped {
            #expect(throws: Never.self, "\(source.name)") { try source.decode() }
        }
    }

    @Test(
        arguments: [
            ("version: 1\nname: x\nworkload:\n  users: [100", 4, 14),
            ("version: 1\nname: x\nworkload:\n  users: [100\n", 4, 14),
            ("version: 1\r\nname: x\r\nworkload:\r\n  users: {a: 1", 4, 15),
            ("version: 1\nname: x\nworkload:\n  users: [100\n\n", 5, 1),
        ] as [(String, Int, Int)])
    func anErrorAtTheEndNamesALineTheFileHas(text: String, line: Int, column: Int) {
        // libyaml places the end of the stream one line past the last; the reader moves it back.
        #expect(throws: PresetError.self) { try PresetDecoder.decode(text, file: "cut.yaml") }
        do {
            _ = try PresetDecoder.decode(text, file: "cut.yaml")
        } catch {
            #expect(error.line == line && error.column == column, "\(error)")
        }
    }

    @Test func singleServer() throws {
        let source = try catalog.resolve("00")
        #expect(source.name == "00-single-server")
        #expect(source.isShipped)
        #expect(source.origin == "shipped")
        let spec = try source.decode()
        #expect(spec.name == "Single server")
        #expect(spec.description == "Web server and database in one box: watch the CPU saturate as users grow.")
        let lines = spec.explanation.split(separator: "\n")
        #expect((3...8).contains(lines.count))
        #expect(spec.seed == 42)
        #expect(
            spec.workload
                == WorkloadSpec(
                    users: 1000, ratePerUser: 0.1, mix: [.static: 0.3, .read: 0.65, .write: 0.05],
                    keys: KeySpace(count: 100_000, zipf: 0.9), shape: .steady, entry: "app",
                    dns: DNSSpec(ttl: 60 * Nanos.perSecond, resolvers: 16),
                    regions: [RegionShare(name: "us", share: 0.6), RegionShare(name: "eu", share: 0.4)],
                    staticAssets: KeySpace(count: 5000, zipf: 0.9)))
        #expect(spec.datacenters == [DataCenterSpec(name: "us-east", entry: "app")])
        #expect(
            spec.nodes == [
                NodeSpec(
                    id: "app", kind: .app, servers: 1, workers: 8,
                    service: .lognormal(mean: 40 * Nanos.perMillisecond, cv: 1.0),
                    queueCapacity: 1000, timeout: 5 * Nanos.perSecond, sessions: .sticky, dc: "us-east")
            ])
    }

    @Test func referenceNetwork() throws {
        let spec = try catalog.resolve("bench-network").decode()
        #expect(spec.name == "Reference network")
        #expect(spec.seed == 1)
        #expect(spec.workload == WorkloadSpec(users: 10_000, ratePerUser: 0.1, mix: [.read: 1], entry: "lb"))
        #expect(spec.workload.baseRate == 1000)
        #expect(
            spec.nodes == [
                NodeSpec(id: "lb", kind: .lb, service: .none, policy: .random, routes: [RouteSpec(to: "app")]),
                NodeSpec(
                    id: "app", kind: .app, servers: 4, workers: 1, service: .exponential(mean: 2_800_000),
                    queueCapacity: nil,
                    routes: [RouteSpec(to: "cache", probability: 0.8), RouteSpec(to: "db", probability: 0.2)]),
                NodeSpec(id: "cache", kind: .station, service: .exponential(mean: 875_000), queueCapacity: nil),
                NodeSpec(id: "db", kind: .db, workers: 4, service: .exponential(mean: 14_000_000), queueCapacity: nil),
            ])
        #expect(catalog.shipped.first { $0.name == "bench-network" }?.text.contains("15.4669 ms") == true)
    }
}

@Suite struct PresetDecoderTests {
    @Test func basePresetDecodesWithDefaults() throws {
        let spec = try #require(decoded(basePreset))
        #expect(spec.description == "")
        #expect(spec.explanation == "")
        #expect(spec.seed == 1)
        #expect(spec.workload.mix == [.read: 1])
        #expect(spec.workload.keys == KeySpace())
        #expect(spec.workload.shape == .steady)
        #expect(spec.workload.requestLimit == nil)
        let web = try #require(spec.node("web"))
        #expect(web.servers == 1)
        #expect(web.workers == 2)
        #expect(web.queueCapacity == NodeSpec.defaultQueueCapacity)
        #expect(web.timeout == nil)
        #expect(web.policy == .random)
        #expect(web.routes == [RouteSpec(to: "db", probability: 0.5)])
        #expect(spec.node("db")?.service == .deterministic(mean: 5_000_000))
    }

    @Test func readsEveryOptionalField() throws {
        let yaml = """
            version: 1
            name: Full
            description: one line
            explanation: |
              first line
              second line
            seed: 18446744073709551615
            workload:
              users: 100_000_000
              rate_per_user: 2.5e-1
              mix: {static: 1, read: 2, write: 0, job: 0.5}
              keys: {count: 1000000000, zipf: 0}
              shape: {spike: {at: 0s, duration: 30s, factor: 2}}
              entry: lb
              requests: 2000000
            nodes:
              - id: lb
                kind: lb
                service: none
                policy: round_robin
                timeout: 1.5s
                routes:
                  - {to: app, class: [read, write], latency: 1ms}
                  - {to: app, class: static, p: 0.25}
              - id: app
                kind: station
                servers: 10000
                workers: 100000
                service: {distribution: gamma, mean: 0.5ms, cv: 100}
                queue: 0
                policy: consistent_hash
            """
        let spec = try #require(decoded(yaml))
        #expect(spec.description == "one line")
        #expect(spec.explanation == "first line\nsecond line")
        #expect(spec.seed == UInt64.max)
        #expect(
            spec.workload
                == WorkloadSpec(
                    users: 100_000_000, ratePerUser: 0.25, mix: [.static: 1, .read: 2, .write: 0, .job: 0.5],
                    keys: KeySpace(count: 1_000_000_000, zipf: 0),
                    shape: .spike(at: 0, duration: 30 * Nanos.perSecond, factor: 2), entry: "lb", requestLimit: 2_000_000))
        #expect(
            spec.nodes[0]
                == NodeSpec(
                    id: "lb", kind: .lb, service: .none, timeout: 1_500_000_000, policy: .roundRobin,
                    routes: [
                        RouteSpec(to: "app", classes: [.read, .write], latency: 1_000_000),
                        RouteSpec(to: "app", classes: [.static], probability: 0.25),
                    ]))
        #expect(
            spec.nodes[1]
                == NodeSpec(
                    id: "app", kind: .station, servers: 10_000, workers: 100_000, service: .gamma(mean: 500_000, cv: 100),
                    queueCapacity: 0, policy: .consistentHash))
    }

    @Test(arguments: [
        ("{ramp: {from: 0.1, over: 10m}}", TrafficShape.ramp(from: 0.1, over: 10 * Nanos.perMinute)),
        ("{diurnal: {period: 24h, trough: 0.3}}", .diurnal(period: 24 * Nanos.perHour, trough: 0.3)),
        ("steady", .steady),
    ])
    func shapes(yaml: String, shape: TrafficShape) throws {
        let spec = try #require(decoded(basePreset(line: 6, "  entry: web\n  shape: \(yaml)")))
        #expect(spec.workload.shape == shape)
    }

    @Test func aliasesWithinBudgetExpand() throws {
        let yaml = basePreset(line: 11, "    service: &fast {distribution: exponential, mean: 10ms}")
            .replacingOccurrences(of: "{distribution: deterministic, mean: 5ms}", with: "*fast")
        let spec = try #require(decoded(yaml))
        #expect(spec.node("db")?.service == .exponential(mean: 10_000_000))
    }

    @Test func nullOptionalFieldsTakeTheirDefaults() throws {
        let spec = try #require(decoded(basePreset(line: 12, count: 3, "    timeout: ~\n    queue:\n    routes:")))
        #expect(spec.node("web")?.routes == [])
        #expect(spec.node("web")?.queueCapacity == NodeSpec.defaultQueueCapacity)
    }
}

/// Each bad value gives the right path and line, and a message that says what was expected
/// and what was found.
@Suite struct PresetErrorLocationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let line: Int
        var count = 1
        let replacement: String
        let path: String
        let errorLine: Int
        let message: String
        var testDescription: String { "line \(line): \(replacement)" }
    }

    @Test(arguments: [
        Case(
            line: 10, replacement: "    workers: -3", path: "nodes[0].workers", errorLine: 10,
            message: "expected a positive integer, got -3"),
        Case(
            line: 10, replacement: "    workers: 0", path: "nodes[0].workers", errorLine: 10,
            message: "expected a positive integer, got 0"),
        Case(
            line: 10, replacement: "    workers: 1.5", path: "nodes[0].workers", errorLine: 10,
            message: "expected a positive integer, got 1.5"),
        Case(
            line: 10, replacement: "    workers: \"8\"", path: "nodes[0].workers", errorLine: 10,
            message: "expected a positive integer, got \"8\""),
        Case(
            line: 10, replacement: "    workers: yes", path: "nodes[0].workers", errorLine: 10,
            message: "expected a positive integer, got yes (a boolean)"),
        Case(
            line: 10, replacement: "    workers: 100001", path: "nodes[0].workers", errorLine: 10,
            message: "expected at most 100_000, got 100001"),
        Case(
            line: 10, replacement: "    workers: 010", path: "nodes[0].workers", errorLine: 10,
            message: "expected a positive integer written in decimal, got 010"),
        Case(
            line: 10, replacement: "    servers: 0", path: "nodes[0].servers", errorLine: 10,
            message: "expected a positive integer, got 0"),
        Case(
            line: 10, replacement: "    workrs: 2", path: "nodes[0].workrs", errorLine: 10,
            message: "unknown field \"workrs\"; expected one of: \(nodeFieldList) (did you mean workers?)"),
        Case(
            line: 9, replacement: "    kind: mainframe", path: "nodes[0].kind", errorLine: 9,
            message: "expected one of \(kindList), got \"mainframe\""),
        Case(
            line: 4, replacement: "  users: 0", path: "workload.users", errorLine: 4,
            message: "expected a positive integer, got 0"),
        Case(
            line: 4, replacement: "  users: 100000001", path: "workload.users", errorLine: 4,
            message: "expected at most 100_000_000, got 100000001"),
        Case(
            line: 4, replacement: "  users:", path: "workload.users", errorLine: 4,
            message: "expected a positive integer, got nothing"),
        Case(
            line: 4, replacement: "  users: 99999999999999999999", path: "workload.users", errorLine: 4,
            message: "expected at most 100_000_000, got 99999999999999999999"),
        Case(
            line: 4, replacement: "", path: "workload.users", errorLine: 5,
            message: "missing required field; expected a positive integer"),
        Case(
            line: 5, replacement: "  rate_per_user: 0", path: "workload.rate_per_user", errorLine: 5,
            message: "expected a number greater than 0, got 0"),
        Case(
            line: 5, replacement: "  rate_per_user: .inf", path: "workload.rate_per_user", errorLine: 5,
            message: "expected a number greater than 0, got .inf"),
        Case(
            line: 5, replacement: "  rate_per_user: fast", path: "workload.rate_per_user", errorLine: 5,
            message: "expected a number greater than 0, got \"fast\""),
        Case(
            line: 5, replacement: "  rate_per_user: 600000", path: "workload.rate_per_user", errorLine: 5,
            message: "users × rate_per_user × shape peak is 60000000.0 requests/s; the limit is 50000000"),
        Case(
            line: 6, replacement: "  entry: nowhere", path: "workload.entry", errorLine: 6,
            message: "no node has id \"nowhere\"; the ids are \"web\", \"db\""),
        Case(
            line: 6, replacement: "  entry: web\n  mix: {read: 1, browse: 2}", path: "workload.mix.browse", errorLine: 7,
            message: "unknown request class \"browse\"; expected one of: static, read, write, job"),
        Case(
            line: 6, replacement: "  entry: web\n  mix: {read: 0, write: 0}", path: "workload.mix", errorLine: 7,
            message: "expected at least one class with a weight above 0, such as {read: 1}"),
        Case(
            line: 6, replacement: "  entry: web\n  mix: {read: -1}", path: "workload.mix.read", errorLine: 7,
            message: "expected a weight of 0 or more, got -1"),
        Case(
            line: 6, replacement: "  entry: web\n  keys: {count: 0}", path: "workload.keys.count", errorLine: 7,
            message: "expected a positive integer, got 0"),
        Case(
            line: 6, replacement: "  entry: web\n  keys: {zipf: 11}", path: "workload.keys.zipf", errorLine: 7,
            message: "expected a number from 0 to 10, got 11"),
        Case(
            line: 6, replacement: "  entry: web\n  shape: bursty", path: "workload.shape", errorLine: 7,
            message: "expected steady, or a mapping with exactly one of ramp, spike or diurnal, got \"bursty\""),
        Case(
            line: 6, replacement: "  entry: web\n  shape: {ramp: {from: 0.1}}", path: "workload.shape.ramp.over", errorLine: 7,
            message: "missing required field; expected a duration such as 250ms, 90s, 10m or 1.5h"),
        Case(
            line: 6, replacement: "  entry: web\n  shape: {wave: {}}", path: "workload.shape.wave", errorLine: 7,
            message: "unknown traffic shape \"wave\"; expected one of: steady, ramp, spike, diurnal"),
        Case(
            line: 6, replacement: "  entry: web\n  requests: 0", path: "workload.requests", errorLine: 7,
            message: "expected a positive integer, got 0"),
        Case(
            line: 11, replacement: "    service: {distribution: exponential, mean: 0ms}", path: "nodes[0].service.mean",
            errorLine: 11,
            message: "expected a duration greater than 0, got \"0ms\""),
        Case(
            line: 11, replacement: "    service: {distribution: exponential, mean: -5ms}", path: "nodes[0].service.mean",
            errorLine: 11,
            message: "expected a duration such as 250ms, 90s, 10m or 1.5h, got \"-5ms\""),
        Case(
            line: 11, replacement: "    service: {distribution: exponential, mean: 10}", path: "nodes[0].service.mean",
            errorLine: 11,
            message: "expected a duration such as 250ms, 90s, 10m or 1.5h, got \"10\""),
        Case(
            line: 11, replacement: "    service: {distribution: exponential, mean: 10ms, cv: 2}", path: "nodes[0].service.cv",
            errorLine: 11,
            message: "cv applies only to lognormal and gamma; exponential has a fixed variability"),
        Case(
            line: 11, replacement: "    service: {distribution: lognormal, mean: 10ms}", path: "nodes[0].service.cv",
            errorLine: 11,
            message: "missing required field; expected a number greater than 0 and at most 100"),
        Case(
            line: 11, replacement: "    service: {distribution: lognormal, mean: 10ms, cv: 0}", path: "nodes[0].service.cv",
            errorLine: 11,
            message: "expected a number greater than 0 and at most 100, got 0"),
        Case(
            line: 11, replacement: "    service: {distribution: normal, mean: 10ms}", path: "nodes[0].service.distribution",
            errorLine: 11,
            message: "expected one of exponential, deterministic, lognormal, gamma, got \"normal\""),
        Case(
            line: 11, replacement: "    service: fast", path: "nodes[0].service", errorLine: 11,
            message: "expected none, or a mapping with distribution and mean, got \"fast\""),
        Case(
            line: 11, replacement: "", path: "nodes[0].service", errorLine: 8,
            message: "missing required field; expected none, or a mapping with distribution and mean"),
        Case(
            line: 10, replacement: "    queue: -1", path: "nodes[0].queue", errorLine: 10,
            message: "expected a non-negative integer or unbounded, got -1"),
        Case(
            line: 10, replacement: "    timeout: 0s", path: "nodes[0].timeout", errorLine: 10,
            message: "expected a duration greater than 0, got \"0s\""),
        Case(
            line: 10, replacement: "    policy: sticky", path: "nodes[0].policy", errorLine: 10,
            message: "expected one of round_robin, random, least_connections, consistent_hash, got \"sticky\""),
        Case(
            line: 8, replacement: "  - id: my web", path: "nodes[0].id", errorLine: 8,
            message: "expected an id of 1 to 64 letters, digits, - or _, got \"my web\""),
        Case(
            line: 15, replacement: "  - id: web", path: "nodes[1].id", errorLine: 15,
            message: "duplicate node id \"web\"; nodes[0] has it already"),
        Case(
            line: 13, replacement: "      - to: dbx", path: "nodes[0].routes[0].to", errorLine: 13,
            message: "no node has id \"dbx\"; the ids are \"web\", \"db\""),
        Case(
            line: 14, replacement: "        p: 0", path: "nodes[0].routes[0].p", errorLine: 14,
            message: "expected a probability greater than 0 and at most 1, got 0"),
        Case(
            line: 14, replacement: "        p: 1.5", path: "nodes[0].routes[0].p", errorLine: 14,
            message: "expected a probability greater than 0 and at most 1, got 1.5"),
        Case(
            line: 14, replacement: "        latency: -1ms", path: "nodes[0].routes[0].latency", errorLine: 14,
            message: "expected a duration such as 250ms, 90s, 10m or 1.5h, got \"-1ms\""),
        Case(
            line: 14, replacement: "        class: [read, read]", path: "nodes[0].routes[0].class[1]", errorLine: 14,
            message: "the class read is listed twice"),
        Case(
            line: 14, replacement: "        class: reads", path: "nodes[0].routes[0].class", errorLine: 14,
            message: "expected one of static, read, write, job, got \"reads\" (did you mean read?)"),
        Case(
            line: 14, replacement: "        p: 0.7\n      - to: web\n        p: 0.5", path: "nodes[0].routes[1].p", errorLine: 16,
            message: "the p values of the routes for the requests no class-specific route takes add up to 1.2 here, more than 1"),
        Case(
            line: 14,
            replacement: "        class: read\n        p: 0.7\n      - to: db\n        class: [write, read]\n        p: 0.5",
            path: "nodes[0].routes[1].p", errorLine: 18,
            message: "the p values of the routes for class read add up to 1.2 here, more than 1"),
        Case(
            line: 14, replacement: "      - to: web\n        p: 0.5", path: "nodes[0].routes[0]", errorLine: 13,
            message:
                "a route without p takes all of the requests no class-specific route takes, so it must be the only such route, but routes[1] applies too"
        ),
        Case(
            line: 13, count: 2, replacement: "      - to: web", path: "nodes[0]", errorLine: 8,
            message:
                "class static requests that reach node \"web\" can never leave: its routes loop back without an exit; give a route on the loop a p below 1"
        ),
        Case(
            line: 1, replacement: "version: 2", path: "version", errorLine: 1,
            message: "unsupported preset version 2, expected 1"),
        Case(
            line: 1, replacement: "version: 2\nfuture_field: 1", path: "version", errorLine: 1,
            message: "unsupported preset version 2, expected 1"),
        Case(
            line: 1, replacement: "version: \"1\"", path: "version", errorLine: 1,
            message: "expected the integer 1, got \"1\""),
        Case(
            line: 1, replacement: "", path: "version", errorLine: 2,
            message: "missing required field; expected the integer 1"),
        Case(
            line: 2, replacement: "name: \"  \"", path: "name", errorLine: 2,
            message: "expected a non-empty string, got \"  \""),
        Case(
            line: 2, replacement: "name: Test\ncolour: blue", path: "colour", errorLine: 3,
            message:
                "unknown field \"colour\"; expected one of: version, name, description, explanation, seed, workload, nodes, datacenters, latency, dc_latency, script, pricing"
        ),
        Case(
            line: 2, replacement: "name: Test\nseed: -1", path: "seed", errorLine: 3,
            message: "expected a non-negative integer, got -1"),
        Case(
            line: 2, replacement: "name: Test\nseed: 18446744073709551616", path: "seed", errorLine: 3,
            message: "expected at most 18_446_744_073_709_551_615, got 18446744073709551616"),
        Case(
            line: 2, replacement: "name: Test\ndescription: |\n  two\n  lines", path: "description", errorLine: 3,
            message: "expected one line of text, got several lines"),
        Case(
            line: 2, replacement: "name: \"Te\\tst\"", path: "name", errorLine: 2,
            message: "the text contains the control character U+0009; only printable text is allowed"),
        Case(
            line: 7, count: 11, replacement: "nodes: []", path: "nodes", errorLine: 7,
            message: "expected a non-empty list of nodes, got an empty list"),
    ])
    func reportsPathAndLine(_ c: Case) throws {
        let error = try #require(decodeError(basePreset(line: c.line, count: c.count, c.replacement)))
        #expect(error.file == "test.yaml")
        #expect(error.path == c.path)
        #expect(error.line == c.errorLine)
        #expect(error.message == c.message)
    }

    @Test func descriptionJoinsTheKnownParts() throws {
        let error = try #require(decodeError(basePreset(line: 10, "    workers: -3")))
        #expect(error.description == "test.yaml:10:14: nodes[0].workers: expected a positive integer, got -3")
        #expect(PresetError(file: "f", message: "m").description == "f: m")
        #expect(PresetError(file: "f", line: 3, path: "a.b", message: "m").description == "f:3: a.b: m")
        #expect(PresetError(file: "f", column: 3, message: "m").description == "f: m")
    }

    @Test func loopCheckCoversOnlyTheClassThatLoops() throws {
        // Writes go back to web for ever; reads leave through db.
        let yaml = basePreset(line: 14, "        class: read\n      - to: web\n        class: write")
        let error = try #require(decodeError(yaml))
        #expect(error.path == "nodes[0]")
        #expect(error.message.hasPrefix("class write requests that reach node \"web\""))
        // A loop that keeps some probability to leave is fine.
        #expect(decodeError(basePreset(line: 13, "      - to: web")) == nil)
    }

    @Test func yamlSyntaxErrorsAreLocated() throws {
        let error = try #require(decodeError(basePreset(line: 10, "    workers: [2")))
        #expect(error.line == 11)
        #expect(error.message.hasPrefix("invalid YAML: "))
        #expect(error.path == nil)
    }

    @Test func secondDocumentIsAnError() throws {
        let error = try #require(decodeError(basePreset + "\n---\nversion: 1\n"))
        #expect(error.line == 18)
        #expect(error.message == "a second YAML document starts here; a preset is a single document")
    }

    @Test func duplicateKeysAreLocated() throws {
        let error = try #require(decodeError(basePreset(line: 10, "    workers: 2\n    workers: 3")))
        #expect(error.line == 10)
        #expect(error.message == "the key \"workers\" appears more than once in this mapping")
    }

    @Test(arguments: ["", "   \n", "# only a comment\n", "---\n", "~\n"])
    func emptyFileIsAClearError(text: String) throws {
        let error = try #require(decodeError(text))
        #expect(error.message == "the preset is empty; it needs at least version, name, workload and nodes")
        #expect(error.line == nil)
    }

    @Test func topLevelMustBeAMapping() throws {
        let error = try #require(decodeError("- a\n- b\n"))
        #expect(error.line == 1)
        #expect(error.message == "expected a mapping with version, name, workload and nodes, got a list")
    }
}

@Suite struct PresetDocumentationTests {
    /// The YAML blocks of docs/presets.md that are whole presets, in order.
    static func examples() throws -> [String] {
        let docs = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/presets.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        return text.components(separatedBy: "```yaml\n").dropFirst()
            .compactMap { $0.components(separatedBy: "```").first }
            .filter { $0.hasPrefix("version: 1\n") }
    }

    @Test func annotatedExampleDecodes() throws {
        let example = try #require(try Self.examples().first)
        let spec = try PresetDecoder.decode(example, file: "docs/presets.md")
        #expect(spec.workload.baseRate == 1000)
        #expect(spec.node("app")?.routes == [RouteSpec(to: "db", classes: [.read, .write], latency: 500_000)])
        #expect(spec.workload.shape == .ramp(from: 0.1, over: 10 * Nanos.perMinute))
        #expect(
            spec.script == [
                ScheduledCommand(at: 5 * Nanos.perMinute, command: .addServers(node: "app", count: 4)),
                ScheduledCommand(at: 8 * Nanos.perMinute, command: .resize(node: "db", steps: 1)),
            ])
    }

    @Test func twoDataCenterExampleDecodes() throws {
        let examples = try Self.examples()
        try #require(examples.count == 2)
        let spec = try PresetDecoder.decode(examples[1], file: "docs/presets.md")
        #expect(spec.workload.baseRate == 1000)
        #expect(spec.workload.entry == "lb-us")
        #expect(spec.datacenters.map(\.entry) == ["lb-us", "lb-eu"])
        #expect(spec.latencies.map(\.latency) == [15, 90, 90, 12].map { $0 * Nanos.perMillisecond })
        #expect(Set(spec.nodes.map(\.kind)) == Set(NodeKind.allCases).subtracting([.station]))
        #expect(spec.node("web-us")?.servers == 2)
        #expect(spec.node("cache")?.routes == [RouteSpec(to: "replicas", outcome: .miss)])
        #expect(spec.script.map(\.command) == [.killDataCenter("us-east"), .restoreDataCenter("us-east")])
    }
}
