import Foundation
import Testing
@testable import ScaleSim

/// The engine's random streams by purpose (docs/architecture.md, "Random streams"): the
/// traffic is the workload's own, whatever the design does with it.
@Suite struct RandomStreamTests {
    static let ms = Nanos.perMillisecond

    /// Two regions, two data centers, reads through a cache, writes to one primary.
    static var geo: SystemSpec {
        SystemSpec(
            name: "geo",
            workload: WorkloadSpec(
                users: 50_000, ratePerUser: 0.04, mix: [.static: 0.2, .read: 0.6, .write: 0.1, .job: 0.1],
                keys: KeySpace(count: 100_000, zipf: 0.9), entry: "web-us",
                retries: RetrySpec(limit: 2, backoff: 50 * ms),
                regions: [RegionShare(name: "us", share: 0.7), RegionShare(name: "eu", share: 0.3)]),
            nodes: [
                NodeSpec(
                    id: "web-us", kind: .app, servers: 2, workers: 16, service: .exponential(mean: 5 * ms),
                    routes: [RouteSpec(to: "cache-us", classes: [.read]), RouteSpec(to: "db", classes: [.write, .static])],
                    dc: "us"),
                NodeSpec(
                    id: "cache-us", kind: .cache, workers: 16, service: .exponential(mean: Nanos.perMillisecond / 5),
                    routes: [RouteSpec(to: "db", outcome: .miss)], cache: CacheSpec(entries: 5_000), dc: "us"),
                NodeSpec(id: "db", kind: .db, workers: 32, service: .exponential(mean: 2 * ms), dc: "us"),
                NodeSpec(
                    id: "web-eu", kind: .app, servers: 2, workers: 16, service: .exponential(mean: 5 * ms),
                    routes: [RouteSpec(to: "db", latency: 80 * ms)], dc: "eu"),
            ],
            datacenters: [DataCenterSpec(name: "us", entry: "web-us"), DataCenterSpec(name: "eu", entry: "web-eu")],
            latencies: [
                RegionLatency(region: "us", dc: "us", latency: 10 * ms), RegionLatency(region: "us", dc: "eu", latency: 90 * ms),
                RegionLatency(region: "eu", dc: "us", latency: 90 * ms), RegionLatency(region: "eu", dc: "eu", latency: 10 * ms),
            ])
    }

    /// Every request born in the first `seconds` of `spec`, after `commands` at time zero.
    static func arrivals(_ spec: SystemSpec, seconds: Int64 = 10, commands: [SimCommand] = []) -> (
        [ArrivalRecord], UInt64
    ) {
        var engine = Engine(spec: spec, seed: 7)
        for command in commands { #expect(engine.execute(command) == .applied, "\(command)") }
        engine.arrivalTrace = []
        engine.run(until: seconds * Nanos.perSecond)
        return (engine.arrivalTrace ?? [], engine.digest())
    }

    /// Design changes of every sort: more servers, another node, a new tier, slower service,
    /// fewer workers, a dead server (failures and retries).
    static let designChanges: [[SimCommand]] = [
        [.addServers(node: "web-us", count: 3)],
        [.addCache(front: "db", entries: 1_000)],
        [.addReplicas(primary: "db", count: 1)],
        [.slow(node: "db", factor: 4)],
        [.setWorkers(node: "db", count: 2)],
        [.kill(node: "web-us", server: 0)],
    ]

    @Test(arguments: designChanges.indices)
    func aDesignChangeLeavesTheTrafficUnchanged(change: Int) {
        let (base, baseState) = Self.arrivals(Self.geo)
        let (changed, changedState) = Self.arrivals(Self.geo, commands: Self.designChanges[change])
        // The change did change what the system did...
        #expect(baseState != changedState)
        // ...but not one request's birth time, region, class, user or key.
        #expect(base.count > 15_000)
        #expect(base == changed)
    }

    /// `spec` run for `seconds`, its keys drawn at birth or at their first read, after
    /// `commands` at `commandTime` (each of which sets the choice afresh).
    static func run(
        _ spec: SystemSpec, keysAtBirth: Bool, seconds: Int64 = 10, commands: [SimCommand] = [], commandTime: Int64 = 2
    ) -> Engine {
        var engine = Engine(spec: spec, seed: 7)
        engine.workload.drawsKeysAtBirth = keysAtBirth
        engine.run(until: commandTime * Nanos.perSecond)
        for command in commands { #expect(engine.execute(command) == .applied, "\(command)") }
        engine.run(until: seconds * Nanos.perSecond)
        return engine
    }

    /// A key drawn when a node first reads it is the key drawn at the request's birth: the
    /// same figures whichever the engine does, through caches, writes, static assets, queue
    /// jobs and retries, and through a key reader added while requests are on their way.
    @Test(arguments: [false, true])
    func aKeyIsTheSameWhenEverItIsDrawn(addsAReader: Bool) {
        let spec = addsAReader ? TestNetworks.reference : Self.geo
        let commands: [SimCommand] = addsAReader ? [.addCache(front: "db", entries: 500)] : [.kill(node: "web-us", server: 0)]
        let atBirth = Self.run(spec, keysAtBirth: true, commands: commands)
        let atFirstRead = Self.run(spec, keysAtBirth: false, commands: commands)
        #expect(atBirth.summary().endToEnd.counts.completed > 8_000)
        #expect(atBirth.summary() == atFirstRead.summary())
        #expect(atBirth.digest() == atFirstRead.digest())
    }

    /// A design whose nodes read no keys draws none: every slot of the reference network's
    /// requests still holds an undrawn key, in flight or done.
    @Test func aDesignThatReadsNoKeysDrawsNone() {
        var engine = Engine(spec: TestNetworks.reference, seed: 7)
        #expect(!engine.workload.drawsKeysAtBirth)
        engine.run(until: 5 * Nanos.perSecond)
        let slots = engine.requests.slots.indices
        #expect(slots.count > 20)
        #expect(slots.allSatisfy { engine.requests.slots[$0].key == RequestTable.undrawnKey })
        // Once a cache reads them, new requests draw theirs at birth.
        #expect(engine.execute(.addCache(front: "db", entries: 500)) == .applied)
        #expect(engine.workload.drawsKeysAtBirth)
    }

    @Test func eachRegionIsAPoissonStreamOfItsShare() {
        let (records, _) = Self.arrivals(Self.geo, seconds: 60)
        let us = records.filter { $0.region == 0 }
        let eu = records.filter { $0.region == 1 }
        // 2,000 requests/s: 1,400 from us and 600 from eu; Poisson counts over 60 s have a
        // standard deviation under 300, so 4 of them is 1,200.
        #expect(abs(us.count - 84_000) < 1_200, "us: \(us.count)")
        #expect(abs(eu.count - 36_000) < 800, "eu: \(eu.count)")
        // Each region's gaps are exponential: their coefficient of variation is 1.
        for region in [us, eu] {
            let gaps = zip(region.dropFirst(), region).map { Double($0.born - $1.born) }
            let mean = gaps.reduce(0, +) / Double(gaps.count)
            let sd = (gaps.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(gaps.count)).squareRoot()
            #expect(abs(sd / mean - 1) < 0.03, "cv \(sd / mean)")
        }
    }

    @Test func aNodeKeepsItsStreamsWhereverItIsInTheList() {
        var spec = Self.geo
        let a = Engine(spec: spec, seed: 3)
        spec.nodes.reverse()
        spec.workload.entry = "web-us"
        let b = Engine(spec: spec, seed: 3)
        for node in ["web-us", "db", "cache-us"] {
            let na = Int(a.nodeIndex[node]!)
            let nb = Int(b.nodeIndex[node]!)
            #expect(na != nb || node == "db")
            #expect(a.nodes[na].serviceRandom == b.nodes[nb].serviceRandom)
            #expect(a.nodes[na].routingRandom == b.nodes[nb].routingRandom)
        }
    }

    @Test func streamsOfDifferentPurposesSeedsAndIndicesDiffer() {
        var firsts = Set<UInt64>()
        for seed: UInt64 in [0, 1, 2] {
            for purpose: RandomPurpose in [.arrivals, .requestAttributes, .service, .routing, .retries] {
                for index: UInt64 in [0, 1, 2, 1 << 48] {
                    var stream = Xoshiro256StarStar(seed: seed, purpose: purpose, index: index)
                    firsts.insert(stream.next())
                }
            }
        }
        #expect(firsts.count == 3 * 5 * 4)
    }

    /// The ziggurat's exponential against the exact distribution: mean, variance and the
    /// Kolmogorov-Smirnov distance over two million draws, and the tail past the last layer.
    @Test func zigguratExponentialsFollowTheExponentialLaw() {
        var random = Xoshiro256StarStar(seed: 2026)
        let n = 2_000_000
        var samples = (0..<n).map { _ in random.exponential(mean: 1) }
        let mean = samples.reduce(0, +) / Double(n)
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        #expect(abs(mean - 1) < 0.003, "mean \(mean)")
        #expect(abs(variance - 1) < 0.01, "variance \(variance)")
        samples.sort()
        var distance = 0.0
        for (i, x) in samples.enumerated() {
            let cdf = 1 - Foundation.exp(-x)
            distance = max(distance, abs(cdf - Double(i) / Double(n)), abs(cdf - Double(i + 1) / Double(n)))
        }
        // The 99.9% critical value of the KS statistic is 1.95/√n.
        #expect(distance < 1.95 / Double(n).squareRoot(), "KS distance \(distance)")
        // Beyond r = 7.697 lies e^-7.697 = 0.045% of the mass: about 906 draws.
        let tail = samples.count { $0 > ExponentialZiggurat.r }
        #expect(abs(tail - 906) < 4 * 30, "tail \(tail)")
        #expect(samples.allSatisfy { $0 >= 0 && $0.isFinite })
    }
}
