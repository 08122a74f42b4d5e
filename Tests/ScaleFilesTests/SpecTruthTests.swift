import ScaleFiles
@testable import ScaleSim
import Testing

/// The spec is the one truth of a live system: after any sequence of commands, the design
/// `w` saves loads into an engine with the same structure as the live one.
@Suite struct SpecTruthTests {
    static let second = Nanos.perSecond
    static let millisecond = Nanos.perMillisecond

    /// Shipped presets with every component kind between them: a balanced web tier with
    /// sticky sessions, a data tier with replicas and a cache, shards, CDN edges, a shared
    /// session store, two data centers, a job queue, and the reference network.
    static let presets = ["03", "05", "05s", "06", "07", "08", "09", "bench-network"]

    /// A random command on `engine`'s system, mostly well formed, sometimes not (refusals
    /// must leave the structure as it was).
    static func randomCommand(for engine: Engine, _ rng: inout Xoshiro256StarStar) -> SimCommand {
        let ids = engine.spec.nodes.map(\.id)
        func node() -> String { rng.below(20) == 0 ? "nowhere" : ids[rng.below(ids.count)] }
        func count(_ limit: Int) -> Int { rng.below(limit + 1) }
        let policies = BalancePolicy.allCases
        let evictions = EvictionPolicy.allCases
        let writes = WritePolicy.allCases
        let classes = RequestClass.allCases
        switch rng.below(41) {
        case 0: return .setServers(node: node(), count: count(6))
        case 1: return .addServers(node: node(), count: 1 + count(2))
        case 2: return .removeServers(node: node(), count: 1 + count(2))
        case 3: return .setWorkers(node: node(), count: count(64))
        case 4: return .setSize(node: node(), size: count(6) - 1)
        case 5: return .resize(node: node(), steps: rng.below(2) == 0 ? 1 : -1)
        case 6: return .setPolicy(node: node(), policy: policies[rng.below(policies.count)])
        case 7: return .addLoadBalancer(pool: node())
        case 8:
            let low = 1 + count(3)
            return .setAutoscale(
                node: node(),
                policy: rng.below(3) == 0
                    ? nil : AutoscaleSpec(target: 0.5, min: low, max: low + count(4), warmup: second, cooldown: second))
        case 9: return .setSessions(node: node(), mode: rng.below(2) == 0 ? .sticky : .none)
        case 10: return .addSessionStore(pool: node())
        case 11:
            return .setRateLimit(node: node(), rate: Double(count(400)) - 10, burst: rng.below(2) == 0 ? nil : Double(count(50)))
        case 12: return .removeRateLimit(node: node())
        case 13: return .addReplicas(primary: node(), count: count(3))
        case 14: return .removeReplicas(primary: node(), count: 1 + count(2))
        case 15: return .setShards(node: node(), count: count(4))
        case 16: return .addCache(front: node(), entries: count(5_000))
        case 17: return .setCacheCapacity(node: node(), entries: count(5_000))
        case 18: return .setEviction(node: node(), policy: evictions[rng.below(evictions.count)])
        case 19: return .setTTL(node: node(), ttl: rng.below(2) == 0 ? nil : SimTime(count(10)) * second)
        case 20: return .setWritePolicy(node: node(), policy: writes[rng.below(writes.count)])
        case 21: return .flush(node: node())
        case 22: return .kill(node: node(), server: rng.below(2) == 0 ? nil : count(3))
        case 23: return .restore(node: node(), server: nil)
        case 24: return .slow(node: node(), factor: Double(count(4)))
        case 25: return .setUsers(count(8_000))
        case 26: return .setRetries(limit: count(3), backoff: 50 * millisecond)
        case 27: return .addCDN(region: ["all", "eu", "us"][rng.below(3)], entries: 1 + count(5_000))
        case 28: return .setHealthCheck(node: node(), interval: SimTime(count(3)) * second)
        case 29: return .addDatabase(node: node())
        case 30: return .removeDatabase(node())
        case 31: return .addQueue(node: node(), requestClass: classes[rng.below(classes.count)], workers: count(20))
        case 32: return .removeQueue(node())
        case 33:
            let known = engine.spec.datacenters.map(\.name)
            return .addDataCenter(
                DataCenterCopy(
                    name: ["dc-\(count(3))", known.first ?? "us"][rng.below(2)], model: known.first ?? "nowhere",
                    region: ["us", "eu", "asia"][rng.below(3)], latency: SimTime(count(100)) * millisecond,
                    otherLatencies: rng.below(2) == 0 ? [] : [RegionDistance(region: "us", latency: 70 * millisecond)]))
        case 34: return .removeDataCenter(engine.spec.datacenters.map(\.name).last ?? "us")
        case 35: return .removeLoadBalancer(node())
        case 36: return .removeCache(node())
        case 37: return .removeCDN(region: ["all", "eu", "us"][rng.below(3)])
        case 38: return .removeSessionStore(node())
        case 39: return .setCoalescing(node: node(), on: rng.below(2) == 0)
        default:
            let dc = engine.spec.datacenters.map(\.name).first ?? "us"
            return rng.below(2) == 0 ? .killDataCenter(dc) : .restoreDataCenter(dc)
        }
    }

    @Test(arguments: presets)
    func theSavedDesignLoadsAsTheLiveSystem(preset: String) throws {
        let system = try Stage.spec(preset)
        let first = 1_000 * (try #require(Self.presets.firstIndex(of: preset)))
        var applied = 0
        for sequence in 0..<12 {
            var rng = Xoshiro256StarStar(seed: UInt64(first + sequence))
            var live = Engine(spec: system, seed: UInt64(sequence))
            for _ in 0..<25 {
                let command = Self.randomCommand(for: live, &rng)
                if live.execute(command) == .applied { applied += 1 }
                live.run(until: live.now + 100 * Self.millisecond)
            }
            // Whatever came and went, every request is accounted for.
            live.run(until: live.now + Self.second)
            let e = live.summary().endToEnd
            #expect(
                e.counts.requests == e.counts.completed + e.counts.dropped + e.counts.timedOut + e.counts.failed
                    + e.counts.rejected + e.inFlight)
            let saved = PresetEncoder.yaml(live.spec)
            let loaded = try PresetDecoder.decode(saved, file: "saved.yaml")
            let (liveStructure, loadedStructure) = (live.structure(), Engine(spec: loaded, seed: UInt64(sequence)).structure())
            #expect(
                liveStructure == loadedStructure,
                "\(preset), sequence \(sequence): \(Self.difference(liveStructure, loadedStructure))")
        }
        #expect(applied >= 60, "\(preset): many commands take effect, \(applied) of 300 did")
    }

    @Test func theStructureSeesADesignChange() throws {
        var engine = Engine(spec: try Stage.spec("bench-network"), seed: 1)
        let before = engine.structure()
        let db = try #require(engine.spec.nodes.firstIndex { $0.id == "db" })
        #expect(engine.execute(.setWorkers(node: "db", count: 9)) == .applied)
        #expect(engine.structure() != before)
        #expect(engine.structure().nodes[db].workers == 9)
        let entry = engine.spec.workload.entry
        let node = try #require(engine.spec.nodes.firstIndex { $0.id == entry })
        #expect(engine.execute(.setRateLimit(node: entry, rate: 10, burst: nil)) == .applied)
        #expect(engine.structure().nodes[node].rateLimit == RateLimitSpec(rate: 10))
    }

    /// Names the commands make from the longest ids stay within the 64 characters a preset
    /// allows, so the grown design still saves and loads.
    @Test func namesMadeFromLongIDsStillSave() throws {
        let app = String(repeating: "a", count: 60) + "-app", db = String(repeating: "d", count: 61) + "-db"
        let service = ServiceTime.exponential(mean: Self.millisecond)
        let spec = SystemSpec(
            name: "long ids",
            workload: WorkloadSpec(
                users: 100, ratePerUser: 1, entry: app,
                regions: [RegionShare(name: "us", share: 0.5), RegionShare(name: "eu", share: 0.5)]),
            nodes: [
                NodeSpec(id: app, kind: .app, servers: 2, workers: 4, service: service, dc: "us-east"),
                NodeSpec(id: db, kind: .db, workers: 4, service: service, dc: "us-east"),
            ],
            datacenters: [DataCenterSpec(name: "us-east", entry: app)],
            latencies: [
                RegionLatency(region: "us", dc: "us-east", latency: 10 * Self.millisecond),
                RegionLatency(region: "eu", dc: "us-east", latency: 80 * Self.millisecond),
            ])
        var engine = Engine(spec: spec, seed: 1)
        let lines: [(Engine) -> String] = [
            { _ in "add db \(app)" }, { _ in "add replica \(db)" }, { "add cache \($0.spec.nodes.last?.id ?? "")" },
            { _ in "add lb \(app)" }, { _ in "add session-store \(app)" }, { _ in "add queue \(app) static" },
            { _ in "add dc eu-west like us-east near eu 10ms" }, { _ in "add dc eu-west-2 like us-east near eu 20ms" },
        ]
        for make in lines {
            let line = make(engine)
            #expect(engine.execute(try CommandGrammar.parse(line)) == .applied, "\(line)")
            engine.run(until: engine.now + Self.second)
        }
        #expect(engine.spec.nodes.count > 15)
        #expect(engine.spec.nodes.allSatisfy { $0.id.utf8.count <= NodeSpec.maxIDLength }, "\(engine.spec.nodes.map(\.id))")
        let loaded = try PresetDecoder.decode(PresetEncoder.yaml(engine.spec), file: "saved.yaml")
        #expect(engine.structure() == Engine(spec: loaded, seed: 1).structure())
    }

    /// The first node whose structure differs, for the failure message.
    static func difference(_ a: SystemStructure, _ b: SystemStructure) -> String {
        guard a.nodes.count == b.nodes.count else { return "\(a.nodes.count) nodes against \(b.nodes.count)" }
        if let n = a.nodes.indices.first(where: { a.nodes[$0] != b.nodes[$0] }) {
            // Name only the fields that differ: a whole node is hundreds of characters.
            let fields = zip(Mirror(reflecting: a.nodes[n]).children, Mirror(reflecting: b.nodes[n]).children)
                .filter { String(describing: $0.value) != String(describing: $1.value) }
                .map { "\($0.label ?? "?"): \($0.value) against \($1.value)" }
            return "node \(a.nodes[n].id): " + fields.joined(separator: "; ")
        }
        return "workload or regions: \(a.entry) \(a.users) \(a.datacenterEntries) \(a.cdnEdges) against "
            + "\(b.entry) \(b.users) \(b.datacenterEntries) \(b.cdnEdges)"
    }
}
