import Testing
@testable import ScaleSim

/// The spec is the one truth of a live system: after any sequence of commands, an engine
/// built from the live engine's spec has the same structure as the live engine.
@Suite struct SpecTruthTests {
    static let second = Nanos.perSecond
    static let millisecond = Nanos.perMillisecond

    /// Systems like the shipped presets: a balanced web tier, a data tier with a cache and
    /// replicas, a job queue with sticky sessions, two data centers with a CDN edge.
    static var systems: [SystemSpec] {
        let ms = millisecond
        let webTier = SystemSpec(
            name: "web tier",
            workload: WorkloadSpec(users: 4_000, ratePerUser: 0.1, mix: [.read: 0.8, .write: 0.2], entry: "lb"),
            nodes: [
                NodeSpec(id: "lb", kind: .lb, service: .none, policy: .roundRobin, routes: [RouteSpec(to: "web")]),
                NodeSpec(id: "web", kind: .app, servers: 3, workers: 8, service: .exponential(mean: 10 * ms),
                         routes: [RouteSpec(to: "db")], sessions: .sticky),
                NodeSpec(id: "db", kind: .db, workers: 16, service: .exponential(mean: 2 * ms)),
            ])
        let dataTier = SystemSpec(
            name: "data tier",
            workload: WorkloadSpec(users: 5_000, ratePerUser: 0.1, mix: [.read: 0.9, .write: 0.1],
                                   keys: KeySpace(count: 10_000, zipf: 0.9), entry: "web"),
            nodes: [
                NodeSpec(id: "web", kind: .app, servers: 2, workers: 32, service: .exponential(mean: 5 * ms),
                         routes: [RouteSpec(to: "cache", classes: [.read]), RouteSpec(to: "db", classes: [.write])]),
                NodeSpec(id: "cache", kind: .cache, workers: 16, service: .exponential(mean: ms / 2),
                         routes: [RouteSpec(to: "replicas", outcome: .miss)], cache: CacheSpec(entries: 2_000)),
                NodeSpec(id: "db", kind: .db, workers: 32, service: .exponential(mean: 4 * ms)),
                NodeSpec(id: "replicas", kind: .replica, servers: 2, workers: 16, service: .exponential(mean: 4 * ms),
                         replicaOf: "db", failover: 5 * second),
            ])
        let jobs = SystemSpec(
            name: "jobs",
            workload: WorkloadSpec(users: 2_000, ratePerUser: 0.1, mix: [.read: 0.7, .job: 0.3], entry: "api"),
            nodes: [
                NodeSpec(id: "api", kind: .app, servers: 2, workers: 16, service: .exponential(mean: 2 * ms),
                         routes: [RouteSpec(to: "jobs", classes: [.job]), RouteSpec(to: "db", classes: [.read])],
                         autoscale: AutoscaleSpec(target: 0.6, min: 1, max: 6, warmup: second, cooldown: second)),
                NodeSpec(id: "jobs", kind: .queue, workers: 4, service: .exponential(mean: 10 * ms), queueCapacity: 100_000),
                NodeSpec(id: "db", kind: .db, workers: 16, service: .exponential(mean: 2 * ms), shards: 1),
            ])
        var geo = RegionTests.twoRegions
        geo.nodes.append(NodeSpec(id: "cdn-eu", kind: .cdn, workers: 1_000, service: .deterministic(mean: 15 * ms),
                                  region: "eu"))
        return [webTier, dataTier, jobs, geo, TestNetworks.reference]
    }

    /// A random command on `engine`'s system, mostly well formed, sometimes not (refusals
    /// must leave the structure as it was).
    static func randomCommand(for engine: Engine, _ rng: inout Xoshiro256StarStar) -> SimCommand {
        let ids = engine.spec.nodes.map(\.id)
        func node() -> String { rng.below(20) == 0 ? "nowhere" : ids[rng.below(ids.count)] }
        func count(_ limit: Int) -> Int { rng.below(limit + 1) }
        let policies = BalancePolicy.allCases
        let evictions = EvictionPolicy.allCases
        let writes = WritePolicy.allCases
        switch rng.below(29) {
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
            return .setAutoscale(node: node(), policy: rng.below(3) == 0
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
        default:
            let dc = engine.spec.datacenters.map(\.name).first ?? "us"
            return rng.below(2) == 0 ? .killDataCenter(dc) : .restoreDataCenter(dc)
        }
    }

    @Test func aFreshEngineFromTheLiveSpecHasTheLiveStructure() {
        var sequences = 0
        var applied = 0
        for (s, system) in Self.systems.enumerated() {
            for sequence in 0..<12 {
                var rng = Xoshiro256StarStar(seed: UInt64(1_000 * s + sequence))
                var live = Engine(spec: system, seed: UInt64(sequence))
                for _ in 0..<25 {
                    let command = Self.randomCommand(for: live, &rng)
                    if live.execute(command) == .applied { applied += 1 }
                    live.run(until: live.now + 100 * Self.millisecond)
                }
                let fresh = Engine(spec: live.spec, seed: UInt64(sequence))
                let (liveStructure, freshStructure) = (live.structure(), fresh.structure())
                #expect(liveStructure == freshStructure, "\(system.name), sequence \(sequence): \(Self.difference(liveStructure, freshStructure))")
                sequences += 1
            }
        }
        #expect(sequences == 60)
        #expect(applied > 300, "most commands take effect: \(applied) of 1,500")
    }

    @Test func theStructureSeesADesignChange() {
        var engine = Engine(spec: TestNetworks.reference, seed: 1)
        let before = engine.structure()
        #expect(engine.execute(.setWorkers(node: "db", count: 9)) == .applied)
        #expect(engine.structure() != before)
        #expect(engine.structure().nodes[3].workers == 9)
        #expect(engine.execute(.setRateLimit(node: "lb", rate: 10, burst: nil)) == .applied)
        #expect(engine.structure().nodes[0].rateLimit == RateLimitSpec(rate: 10))
    }

    /// The first node whose structure differs, for the failure message.
    static func difference(_ a: SystemStructure, _ b: SystemStructure) -> String {
        guard a.nodes.count == b.nodes.count else { return "\(a.nodes.count) nodes against \(b.nodes.count)" }
        if let n = a.nodes.indices.first(where: { a.nodes[$0] != b.nodes[$0] }) {
            return "node \(n): \(a.nodes[n]) against \(b.nodes[n])"
        }
        return "workload or regions: \(a.entry) \(a.users) \(a.datacenterEntries) \(a.cdnEdges) against "
            + "\(b.entry) \(b.users) \(b.datacenterEntries) \(b.cdnEdges)"
    }
}
