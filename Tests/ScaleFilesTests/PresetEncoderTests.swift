import Foundation
@testable import ScaleFiles
import ScaleSim
import Testing

/// A small shop without data centers, for the commands that add nodes.
private let shopPreset = """
    version: 1
    name: Shop
    workload:
      users: 5000
      rate_per_user: 0.2
      mix: {static: 0.2, read: 0.6, write: 0.2}
      entry: web
    nodes:
      - id: web
        kind: app
        servers: 2
        workers: 8
        service: {distribution: lognormal, mean: 12ms, cv: 1.5}
        routes:
          - {to: db, class: [read, write], latency: 0.5ms}
      - id: db
        kind: db
        workers: 16
        service: {distribution: gamma, mean: 4ms, cv: 0.8}
    """

/// The two-data-center example of docs/presets.md: nearly every field of the schema.
private let everythingPreset = """
    version: 1
    name: Two data centers
    description: Users in two regions, each sent to the nearest data center.
    explanation: |
      Geo-DNS sends each user to the nearest data center.
        An indented line: kept.

      Kill us-east and watch the writes fail.
    seed: 11
    workload:
      users: 20000
      rate_per_user: 0.05
      mix: {static: 0.3, read: 0.5, write: 0.15, job: 0.05}
      keys: {count: 1000000, zipf: 0.9}
      static_assets: {count: 50000, zipf: 1.0}
      shape: {spike: {at: 2m, duration: 30s, factor: 3}}
      dns: {ttl: 30s}
      requests: 1000000
      regions:
        - {name: us, share: 0.6}
        - {name: eu, share: 0.4}
      retries: {limit: 2, backoff: 200ms}
    datacenters:
      - {name: us-east, entry: lb-us}
      - {name: eu-west, entry: lb-eu}
    latency:
      us: {us-east: 15ms, eu-west: 90ms}
      eu: {us-east: 90ms, eu-west: 12ms}
    dc_latency:
      eu-west: {us-east: 45ms}
      us-east: {eu-west: 40ms}
    nodes:
      - id: cdn-us
        kind: cdn
        region: us
        workers: 1000
        service: {distribution: exponential, mean: 2ms}
        cache: {entries: 20000, ttl: 1h, eviction: fifo}
      - id: lb-us
        kind: lb
        dc: us-east
        service: none
        policy: least_connections
        health_check: 2s
        rate_limit: {rate: 5000, burst: 250}
        routes: [{to: web-us}]
      - id: web-us
        kind: app
        dc: us-east
        workers: 8
        size: 1
        max_size: 3
        service: {distribution: lognormal, mean: 20ms, cv: 1.2}
        calls: sessions
        autoscale: {target: 0.6, min: 2, max: 40, warmup: 10s}
        timeout: 2.5s
        routes:
          - {to: cache, class: read}
          - {to: db, class: write, latency: 1ms}
          - {to: jobs, class: job, p: 0.75}
      - id: sessions
        kind: session_store
        dc: us-east
        workers: 64
        service: {distribution: exponential, mean: 0.5ms}
      - id: cache
        kind: cache
        dc: us-east
        workers: 16
        service: {distribution: exponential, mean: 0.5ms}
        cache: {entries: 100000, ttl: 5m, write_policy: write_through, coalesce: true}
        routes:
          - {to: replicas, on: miss}
          - {to: db, class: write}
      - id: db
        kind: db
        dc: us-east
        workers: 16
        service: {distribution: gamma, mean: 4ms, cv: 0.8}
        queue: unbounded
      - id: replicas
        kind: replica
        dc: us-east
        replica_of: db
        servers: 2
        workers: 16
        service: {distribution: gamma, mean: 4ms, cv: 0.8}
        apply: {distribution: deterministic, mean: 0.5ms}
        replication_delay: 20ms
        failover: 20s
      - id: jobs
        kind: queue
        dc: us-east
        workers: 4
        service: {distribution: exponential, mean: 50ms}
        queue: 100000
      - id: lb-eu
        kind: lb
        dc: eu-west
        service: none
        policy: consistent_hash
        routes: [{to: web-eu}]
      - id: web-eu
        kind: app
        dc: eu-west
        servers: 3
        workers: 8
        service: {distribution: lognormal, mean: 20ms, cv: 1.2}
        sessions: sticky
        session_ttl: 10m
        rate_limit: {rate: 0.5}
        routes:
          - {to: cache, class: read, latency: 45ms}
          - {to: db, class: write, latency: 45ms}
          - {to: jobs, class: job, latency: 45ms}
      - id: batch
        kind: station
        service: {distribution: deterministic, mean: 1s}
        queue: 0
    script:
      - at 5m kill dc us-east
      - at 7m restore dc us-east
      - at 8m autoscale web-us 0.5 2 10 15s 90s
      - at 9m set rate 0.0625
    """

@Suite struct PresetEncoderTests {
    // MARK: - Round trips

    @Test(arguments: PresetCatalog(environment: [:]).shipped.map(\.name.verbatim))
    func shippedPresetRoundTrips(_ name: String) throws {
        let source = try #require(PresetCatalog(environment: [:]).shipped.first { $0.name.verbatim == name })
        try expectRoundTrip(try source.decode())
    }

    @Test func everyFieldRoundTrips() throws {
        let spec = try PresetDecoder.decode(everythingPreset, file: "everything.yaml")
        try expectRoundTrip(spec)
        let yaml = PresetEncoder.yaml(spec)
        // Defaults the decoder supplies are left out; durations are written as people do.
        #expect(!yaml.contains("eviction: lru") && !yaml.contains("policy: random") && !yaml.contains("\n  entry:"))
        #expect(yaml.contains("shape: {spike: {at: 2m, duration: 30s, factor: 3}}"))
        #expect(yaml.contains("timeout: 2.5s") && yaml.contains("mean: 0.5ms"))
        #expect(yaml.contains("explanation: |-\n  Geo-DNS sends"))
        #expect(yaml.contains("rate_limit: {rate: 5000, burst: 250}") && yaml.contains("rate_limit: {rate: 0.5}\n"))
        // Between data centers, after the latency from regions, in the order the spec holds.
        #expect(yaml.contains("eu-west: 12ms}\n\ndc_latency:\n  eu-west: {us-east: 45ms}\n  us-east: {eu-west: 40ms}\n\n"))
    }

    @Test func latencyBetweenDataCentersRoundTrips() throws {
        var spec = try PresetDecoder.decode(everythingPreset, file: "everything.yaml")
        let ms = Nanos.perMillisecond
        let latencies: [[DataCenterLatency]] = [
            [],
            [DataCenterLatency(from: "us-east", to: "eu-west", latency: 0)],
            [DataCenterLatency(from: "eu-west", to: "us-east", latency: DataCenterCopy.maxLatency)],
            [
                DataCenterLatency(from: "us-east", to: "eu-west", latency: 1),
                DataCenterLatency(from: "eu-west", to: "us-east", latency: 2_500_001),
            ],
        ]
        for given in latencies {
            spec.datacenterLatencies = given
            try expectRoundTrip(spec)
        }
        spec.datacenterLatencies = []
        #expect(!PresetEncoder.yaml(spec).contains("dc_latency"))
        spec.datacenterLatencies = [DataCenterLatency(from: "us-east", to: "eu-west", latency: 40 * ms)]
        #expect(PresetEncoder.yaml(spec).contains("\ndc_latency:\n  us-east: {eu-west: 40ms}\n\nnodes:"))
    }

    /// Pairs the lookup never reads (to a data center the spec lacks, from one to itself, or
    /// given again) are left out, and the rest grouped by where they leave from: the file
    /// loads, with the latency of every pair as before.
    @Test func latencyBetweenDataCentersIsWrittenAsTheLookupReadsIt() throws {
        var spec = try PresetDecoder.decode(everythingPreset, file: "everything.yaml")
        let ms = Nanos.perMillisecond
        spec.datacenters.append(DataCenterSpec(name: "ap-south", entry: "batch"))
        spec.nodes[try #require(spec.nodes.firstIndex { $0.id == "batch" })].dc = "ap-south"
        spec.latencies += [
            RegionLatency(region: "us", dc: "ap-south", latency: 200 * ms),
            RegionLatency(region: "eu", dc: "ap-south", latency: 150 * ms),
        ]
        spec.datacenterLatencies = [
            DataCenterLatency(from: "us-east", to: "eu-west", latency: 40 * ms),
            DataCenterLatency(from: "eu-west", to: "ap-south", latency: 90 * ms),
            DataCenterLatency(from: "us-east", to: "ap-south", latency: 120 * ms),
            DataCenterLatency(from: "us-east", to: "eu-west", latency: 99 * ms),
            DataCenterLatency(from: "us-east", to: "gone", latency: 5 * ms),
            DataCenterLatency(from: "eu-west", to: "eu-west", latency: 5 * ms),
        ]
        let yaml = PresetEncoder.yaml(spec)
        #expect(yaml.contains("dc_latency:\n  us-east: {eu-west: 40ms, ap-south: 120ms}\n  eu-west: {ap-south: 90ms}\n\n"))
        let decoded = try decodedAgain(spec)
        #expect(
            decoded.datacenterLatencies == [
                DataCenterLatency(from: "us-east", to: "eu-west", latency: 40 * ms),
                DataCenterLatency(from: "us-east", to: "ap-south", latency: 120 * ms),
                DataCenterLatency(from: "eu-west", to: "ap-south", latency: 90 * ms),
            ])
        let names = spec.datacenters.map(\.name)
        for from in names {
            for to in names where to != from {
                #expect(decoded.datacenterLatency(from: from, to: to) == spec.datacenterLatency(from: from, to: to))
            }
        }
        #expect(PresetEncoder.yaml(decoded) == yaml)
    }

    @Test func keyTracesKeepTheirPath() throws {
        let yaml = replacing(shopPreset, line: 7, "  keys: {trace: traces/orders keys.csv}\n  entry: web")
        let spec = try PresetDecoder.decode(yaml, file: "trace.yaml")
        try expectRoundTrip(spec)
        #expect(PresetEncoder.yaml(spec).contains("keys: {trace: traces/orders keys.csv}"))
    }

    @Test func seededRandomSpecsRoundTrip() throws {
        let base = try PresetDecoder.decode(everythingPreset, file: "everything.yaml")
        var random = SeededRandom(seed: 2026)
        for _ in 0..<300 {
            try expectRoundTrip(random.variation(of: base))
        }
    }

    // MARK: - Engine commands

    @Test func specsEditedByCommandsRoundTrip() throws {
        var engine = Engine(spec: try PresetDecoder.decode(shopPreset, file: "shop.yaml"))
        let commands: [SimCommand] = [
            .addCache(front: "db", entries: 50_000),
            .setTTL(node: "cache", ttl: 30 * Nanos.perSecond),
            .setEviction(node: "cache", policy: .lfu),
            .setWritePolicy(node: "cache", policy: .writeThrough),
            .setCoalescing(node: "cache", on: true),
            .addLoadBalancer(pool: "web"),
            .setPolicy(node: "lb", policy: .leastConnections),
            .addSessionStore(pool: "web"),
            .setAutoscale(
                node: "web",
                policy: AutoscaleSpec(
                    target: 0.65, min: 2, max: 12, warmup: 10 * Nanos.perSecond, cooldown: 45 * Nanos.perSecond)),
            .setServers(node: "web", count: 5),
            .setSize(node: "db", size: 2),
            .setWorkers(node: "sessions", count: 96),
            .setUsers(20_000),
            .setRatePerUser(0.35),
            .setRetries(limit: 3, backoff: 250 * Nanos.perMillisecond),
            .setShards(node: "db", count: 4),
            .setCacheCapacity(node: "cache", entries: 2_000),
            .setRateLimit(node: "lb", rate: 1_500, burst: 300),
            .setRateLimit(node: "web", rate: 0.25, burst: nil),
            .removeRateLimit(node: "web"),
        ]
        for command in commands {
            #expect(engine.execute(command) == .applied, "\(command)")
            try expectRoundTrip(engine.spec)
        }
    }

    @Test func addedReplicasAndEdgesRoundTrip() throws {
        var engine = Engine(spec: try PresetDecoder.decode(everythingPreset, file: "everything.yaml"))
        let commands: [SimCommand] = [
            .addReplicas(primary: "db", count: 2),
            .addCDN(region: "eu", entries: 5_000),
            .addSessionStore(pool: "web-eu"),
            .setSessions(node: "web-us", mode: .none),
            .addLoadBalancer(pool: "db"),
            .setAutoscale(node: "web-us", policy: nil),
        ]
        for command in commands {
            #expect(engine.execute(command) == .applied, "\(command)")
            try expectRoundTrip(engine.spec)
        }
    }

    /// States the schema spells only one way come back in that spelling, meaning the same.
    @Test func commandStatesWithoutASpellingOfTheirOwn() throws {
        var engine = Engine(spec: try PresetDecoder.decode(shopPreset, file: "shop.yaml"))
        for command: SimCommand in [
            .addCache(front: "db", entries: 10_000), .addReplicas(primary: "db", count: 2),
            .addCDN(region: "all", entries: 20_000), .setRetries(limit: 0, backoff: 0),
        ] {
            #expect(engine.execute(command) == .applied, "\(command)")
        }
        var expected = engine.spec
        // The cache's misses of other classes than read lead nowhere a request goes.
        let cache = try #require(expected.nodes.firstIndex { $0.id == "cache" })
        #expect(expected.nodes[cache].routes.count == 2)
        expected.nodes[cache].routes = [RouteSpec(to: "db-replica", classes: [.read], outcome: .miss)]
        // Without regions the edge serves everyone: the engine says "", presets say nothing.
        let edge = try #require(expected.nodes.firstIndex { $0.kind == .cdn })
        #expect(expected.nodes[edge].region == "")
        expected.nodes[edge].region = nil
        // No retries: the backoff is unused.
        expected.workload.retries = RetrySpec()
        #expect(try decodedAgain(engine.spec) == expected)
    }

    @Test func aBalancerBeforeADataCenterEntryBecomesItsEntryAndRoundTrips() throws {
        var engine = Engine(spec: try PresetDecoder.decode(everythingPreset, file: "everything.yaml"))
        #expect(engine.execute(.addLoadBalancer(pool: "lb-us")) == .applied)
        #expect(engine.spec.workload.entry == "lb")
        #expect(engine.spec.datacenters.contains { $0.entry == "lb" })
        #expect(try decodedAgain(engine.spec) == engine.spec)
    }

    @Test func aShardedDatabaseDropsItsAutoscaling() throws {
        var engine = Engine(spec: try PresetDecoder.decode(shopPreset, file: "shop.yaml"))
        #expect(engine.execute(.setAutoscale(node: "db", policy: AutoscaleSpec(target: 0.5, min: 1, max: 4))) == .applied)
        #expect(engine.execute(.setShards(node: "db", count: 8)) == .applied)
        var expected = engine.spec
        expected.nodes[1].autoscale = nil
        #expect(try decodedAgain(engine.spec) == expected)
    }

    /// A pool saved with bounds that exclude its size (as an `autoscale` command may leave
    /// it, until the autoscaler's first change) loads with the size it had, not one clamped.
    @Test func anAutoscaledPoolKeepsItsSizeWhenSaved() throws {
        var engine = Engine(spec: try PresetDecoder.decode(shopPreset, file: "shop.yaml"))
        let before = engine.spec.nodes[0].servers
        #expect(
            engine.execute(.setAutoscale(node: "web", policy: AutoscaleSpec(target: 0.5, min: before + 2, max: before + 4)))
                == .applied)
        #expect(try decodedAgain(engine.spec).nodes[0].servers == before)
        #expect(engine.execute(.setServers(node: "web", count: before + 9)) == .applied)
        #expect(try decodedAgain(engine.spec).nodes[0].servers == before + 9)
        #expect(try decodedAgain(engine.spec) == engine.spec)
    }

    /// Every shipped preset, with each node-adding command tried on each node: whatever the
    /// engine accepts decodes, and encoding it again changes nothing.
    @Test(arguments: PresetCatalog(environment: [:]).shipped.map(\.name.verbatim))
    func shippedPresetsEditedByCommandsDecode(_ name: String) throws {
        let source = try #require(PresetCatalog(environment: [:]).shipped.first { $0.name.verbatim == name })
        var engine = Engine(spec: try source.decode())
        let regions = engine.spec.workload.regions.map(\.name)
        var commands = (regions.isEmpty ? ["all"] : regions).map { SimCommand.addCDN(region: $0, entries: 1_000) }
        for node in engine.spec.nodes where node.kind != .cdn {
            commands += [
                .addCache(front: node.id, entries: 1_000), .addReplicas(primary: node.id, count: 1),
                .addLoadBalancer(pool: node.id), .addSessionStore(pool: node.id), .setSize(node: node.id, size: 1),
                .setAutoscale(node: node.id, policy: AutoscaleSpec(target: 0.5, min: 1, max: 8)),
                .setShards(node: node.id, count: 2),
            ]
        }
        for command in commands where engine.execute(command) == .applied {
            let yaml = PresetEncoder.yaml(engine.spec)
            let decoded = try PresetDecoder.decode(yaml, file: "\(name) after \(CommandGrammar.encode(command))")
            #expect(PresetEncoder.yaml(decoded) == yaml, "\(CommandGrammar.encode(command))")
        }
    }

    // MARK: - Hostile text

    static let hostileTexts = [
        "He said \"hi\": # not a comment", "back\\slash", "null", "~", "true", "No", "123", "1e3", "0x10", ".inf",
        "2024-01-01", "- item", "[a, b]", "{a: b}", "&anchor", "*alias", "!tag", "%directive", "@at", "`tick", "'single'",
        "a: b", "a #b", "trailing ", " leading", "a,b", "?", "|", ">", "=", "<<", "Café", "日本語", "x\u{A0}y",
        "mid\u{FEFF}bom", "non\u{FFFF}character", "---", "...",
    ]

    @Test(arguments: hostileTexts)
    func hostileTextRoundTrips(_ text: String) throws {
        var spec = try PresetDecoder.decode(shopPreset, file: "shop.yaml")
        spec.name = text
        spec.description = text
        spec.explanation = text + "\n" + text
        spec.workload.keys.trace = text
        try expectRoundTrip(spec)
    }

    @Test func controlCharactersAreEscapedInPathsAndRemovedFromText() throws {
        var spec = try PresetDecoder.decode(shopPreset, file: "shop.yaml")
        spec.name = "Evil\u{1B}[31m\nname\u{202E}\r\n"
        spec.description = "tab\there\u{7}"
        spec.explanation = "one\r\ntwo\rthree\u{2028}four\u{0}\n\n"
        let trace = "keys\u{1B}]0;title\u{7}\n\"x\": #\u{85}\u{2028}\u{202E}\t\\\u{0}.csv"
        spec.workload.keys.trace = trace
        let yaml = PresetEncoder.yaml(spec)
        #expect(!yaml.unicodeScalars.contains { TerminalSafe.isUnsafe($0) && $0 != "\n" })
        let decoded = try PresetDecoder.decode(yaml, file: "evil.yaml")
        #expect(decoded.name == "Evil[31m name ")
        #expect(decoded.description == "tab here")
        #expect(decoded.explanation == "one\ntwo\nthree\nfour")
        #expect(decoded.workload.keys.trace == trace)
    }

    @Test func aBlankNameBecomesUntitled() throws {
        var spec = try PresetDecoder.decode(shopPreset, file: "shop.yaml")
        spec.name = " \n\u{1B}"
        #expect(try decodedAgain(spec).name == "Untitled")
        spec.name = "\u{FEFF}\u{FEFF}"
        #expect(try decodedAgain(spec).name == "Untitled")
    }

    // MARK: - Saving

    @Test func savesNewFilesWithoutOverwriting() throws {
        let folder = try PresetCatalogTests.TempDirectory()
        let catalog = PresetCatalog(environment: ["XDG_DATA_HOME": folder.path + "/data"])
        let directory = try #require(catalog.userDirectory)
        let spec = try PresetDecoder.decode(shopPreset, file: "shop.yaml")

        let first = try catalog.save(spec, stem: "My Shop (v2)")
        #expect(first == directory + "/my-shop-v2.yaml")
        var other = spec
        other.name = "Other shop"
        let second = try catalog.save(other, stem: "my-shop-v2")
        #expect(second == directory + "/my-shop-v2-2.yaml")
        #expect(try PresetCatalog.read(file: first) == PresetEncoder.yaml(spec))

        let listed = catalog.list().filter { !$0.origin.verbatim.hasPrefix("shipped") }
        #expect(Set(listed.map { "\($0.name): \($0.title)" }) == ["my-shop-v2: Shop", "my-shop-v2-2: Other shop"])
        #expect(listed.allSatisfy { $0.error == nil })
        #expect(try catalog.resolve("my-shop-v2-2").decode() == other)
    }

    @Test func shippedNamesAreTakenSoNamesStayUnambiguous() throws {
        let folder = try PresetCatalogTests.TempDirectory()
        let catalog = PresetCatalog(environment: ["XDG_DATA_HOME": folder.path])
        let shipped = try #require(catalog.shipped.first)
        let spec = try shipped.decode()
        let path = try catalog.save(spec, stem: shipped.name.verbatim)
        #expect(path.hasSuffix("/\(shipped.name)-2.yaml"))
        #expect(try catalog.resolve(shipped.name.verbatim + "-2").decode() == spec)
        #expect(try catalog.save(spec, stem: String(shipped.name.prefix(2))).hasSuffix("-2.yaml"))
    }

    @Test func savingResolvesARelativeKeyTraceAgainstItsPreset() throws {
        let folder = try PresetCatalogTests.TempDirectory()
        let catalog = PresetCatalog(environment: ["XDG_DATA_HOME": folder.path])
        var spec = try PresetDecoder.decode(shopPreset, file: "shop.yaml")
        spec.workload.keys.trace = "../traces/keys.csv"
        let source = PresetSource(name: "shop", path: "/srv/presets/shop.yaml", text: shopPreset)
        let path = try catalog.save(spec, stem: "traced", loadedFrom: source)
        #expect(try catalog.resolve(path).decode().workload.keys.trace == "/srv/traces/keys.csv")
    }

    @Test func savingErrorsNameThePath() throws {
        let folder = try PresetCatalogTests.TempDirectory()
        let blocker = try folder.write("file", "not a folder")
        let spec = try PresetDecoder.decode(shopPreset, file: "shop.yaml")
        let blocked = PresetCatalog(environment: ["XDG_DATA_HOME": blocker])
        let error = try #require(throws: PresetError.self) { try blocked.save(spec, stem: "x") }
        #expect(error.file == blocker + "/scaletop/presets")
        #expect(throws: PresetError.self) { try PresetCatalog(environment: [:]).save(spec, stem: "x") }
    }

    @Test func fileStemsAreSafe() {
        #expect(PresetCatalog.fileStem(for: "My System 2026-11-29 21:05") == "my-system-2026-11-29-21-05")
        #expect(PresetCatalog.fileStem(for: "../../etc/passwd") == "etc-passwd")
        #expect(PresetCatalog.fileStem(for: "Crème brûlée") == "creme-brulee")
        #expect(PresetCatalog.fileStem(for: "日本語") == "preset")
        #expect(PresetCatalog.fileStem(for: "") == "preset")
        #expect(PresetCatalog.fileStem(for: String(repeating: "ab-", count: 40)).count <= PresetCatalog.maxStemLength)
        #expect(!PresetCatalog.fileStem(for: String(repeating: "ab-", count: 40)).hasSuffix("-"))
    }

    // MARK: - Helpers

    /// `spec` encoded and decoded again.
    private func decodedAgain(_ spec: SystemSpec) throws -> SystemSpec {
        let yaml = PresetEncoder.yaml(spec)
        do throws(PresetError) {
            return try PresetDecoder.decode(yaml, file: "encoded.yaml")
        } catch {
            Issue.record("\(error)\n\(yaml)")
            throw error
        }
    }

    private func expectRoundTrip(_ spec: SystemSpec, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let decoded = try decodedAgain(spec)
        #expect(decoded == spec, "\(PresetEncoder.yaml(spec))", sourceLocation: sourceLocation)
    }
}

/// Random variations of a spec's values, seeded so a failure can be replayed.
private struct SeededRandom: RandomNumberGenerator {
    var source: Xoshiro256StarStar

    init(seed: UInt64) { source = Xoshiro256StarStar(seed: seed) }

    mutating func next() -> UInt64 { source.next() }

    /// `base` with every value the schema lets vary drawn anew, topology kept.
    mutating func variation(of base: SystemSpec) -> SystemSpec {
        var spec = base
        spec.name = "x" + text()
        spec.description = text()
        spec.explanation = [text(), text(), text()].joined(separator: "\n")
        // The decoder drops the line break a block ends with, and so any trailing ones.
        while spec.explanation.last == "\n" { spec.explanation.removeLast() }
        spec.seed = next()
        spec.workload.users = Int.random(in: 1...1_000, using: &self)
        spec.workload.ratePerUser = number(0.001...10)
        spec.workload.keys = KeySpace(count: Int.random(in: 1...KeySpace.maxCount, using: &self), zipf: number(0...10))
        spec.workload.staticAssets = KeySpace(count: Int.random(in: 1...1_000, using: &self), zipf: number(0...10))
        spec.workload.shape = [
            .steady, .ramp(from: number(0...5), over: duration(minimum: 1)),
            .spike(at: duration(minimum: 0), duration: duration(minimum: 1), factor: number(0...10)),
            .diurnal(period: duration(minimum: 1), trough: number(0...1)),
        ].randomElement(using: &self)!
        spec.workload.dns = DNSSpec(ttl: duration(minimum: 1), resolvers: Int.random(in: 1...100_000, using: &self))
        spec.workload.retries = RetrySpec(
            limit: Int.random(in: 0...RetrySpec.maxLimit, using: &self), backoff: duration(minimum: 1))
        for r in spec.workload.regions.indices { spec.workload.regions[r].share = number(0.001...100) }
        for l in spec.latencies.indices { spec.latencies[l].latency = duration(minimum: 0) }
        for l in spec.datacenterLatencies.indices {
            spec.datacenterLatencies[l].latency = min(duration(minimum: 0), DataCenterCopy.maxLatency)
        }
        for n in spec.nodes.indices { vary(&spec.nodes[n]) }
        // The decoder refuses a spec past the memory bound; fewer keys bring it back under.
        while spec.dataMemoryProblem != nil { spec.workload.keys.count /= 10 }
        return spec
    }

    private mutating func vary(_ node: inout NodeSpec) {
        node.workers = Int.random(in: 1...Engine.maxWorkers, using: &self)
        node.maxSize = Int.random(in: 0...20, using: &self)
        node.size = Int.random(in: 0...node.maxSize, using: &self)
        node.queueCapacity = Bool.random(using: &self) ? nil : Int.random(in: 0...1_000_000, using: &self)
        node.timeout = Bool.random(using: &self) ? nil : duration(minimum: 1)
        node.policy = BalancePolicy.allCases.randomElement(using: &self)!
        node.healthCheck = duration(minimum: 0)
        if node.service != .none { node.service = service() }
        if node.autoscale != nil {
            let low = Int.random(in: 1...50, using: &self)
            let high = Int.random(in: low...Engine.maxServers, using: &self)
            node.autoscale = AutoscaleSpec(
                target: number(0.01...0.99), min: low, max: high, warmup: duration(minimum: 0), cooldown: duration(minimum: 0))
            node.servers = Int.random(in: low...high, using: &self)
        } else {
            node.servers = Int.random(in: 1...Engine.maxServers, using: &self)
        }
        if var cache = node.cache {
            cache.entries = Int.random(in: 1...CacheSpec.maxEntries, using: &self)
            cache.eviction = EvictionPolicy.allCases.randomElement(using: &self)!
            cache.ttl = Bool.random(using: &self) ? nil : duration(minimum: 1)
            if node.kind == .cache { cache.writePolicy = WritePolicy.allCases.randomElement(using: &self)! }
            node.cache = cache
        }
        if node.kind == .replica {
            node.apply = [nil, ServiceTime.none, service()].randomElement(using: &self)!
            node.failover = duration(minimum: 0)
            node.replicationDelay = duration(minimum: 0)
        }
        if node.kind == .app { node.sessionTTL = duration(minimum: 1) }
        if Bool.random(using: &self) {
            let burst = Bool.random(using: &self) ? nil : number(1...RateLimitSpec.maxBurst)
            node.rateLimit = RateLimitSpec(rate: number(1e-6...RateLimitSpec.maxRate), burst: burst)
        } else {
            node.rateLimit = nil
        }
        for r in node.routes.indices {
            node.routes[r].latency = duration(minimum: 0)
            if node.routes[r].probability != nil { node.routes[r].probability = number(0.001...1) }
        }
    }

    private mutating func service() -> ServiceTime {
        let mean = duration(minimum: 1)
        return [
            .exponential(mean: mean), .deterministic(mean: mean),
            .lognormal(mean: mean, cv: number(0.001...100)), .gamma(mean: mean, cv: number(0.001...100)),
        ].randomElement(using: &self)!
    }

    /// A duration of any precision, from a nanosecond to days; sometimes a round number.
    private mutating func duration(minimum: SimTime) -> SimTime {
        let units: [SimTime] = [1, Nanos.perMicrosecond, Nanos.perMillisecond, Nanos.perSecond, Nanos.perMinute]
        let unit = units.randomElement(using: &self)!
        return max(minimum, SimTime.random(in: 0...1_000_000, using: &self) * unit)
    }

    /// A number in `range`, now and then one of its ends or a value with few digits.
    private mutating func number(_ range: ClosedRange<Double>) -> Double {
        switch Int.random(in: 0..<8, using: &self) {
        case 0: return range.lowerBound
        case 1: return range.upperBound
        case 2:
            return max(range.lowerBound, min(range.upperBound, (Double.random(in: range, using: &self) * 100).rounded() / 100))
        default: return Double.random(in: range, using: &self)
        }
    }

    /// Printable text full of what YAML treats specially.
    private mutating func text() -> String {
        let pieces = [
            "a", "Z", "0", "9", " ", ":", ": ", "#", " #", "\"", "'", "\\", "-", "- ", "?", "[", "]", "{", "}", ",", "&",
            "*", "!", "|", ">", "%", "@", "`", "~", "null", "é", "日", "\u{A0}", "x\u{FEFF}", "1.5", "---",
        ]
        return (0..<Int.random(in: 0...12, using: &self)).map { _ in pieces.randomElement(using: &self)! }.joined()
    }
}
