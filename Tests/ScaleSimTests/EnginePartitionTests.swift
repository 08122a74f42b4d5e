import Testing

@testable import ScaleSim

/// Two data centers that touch only by requests: each region's users reach their nearest
/// one, and writes from the west cross 30 ms to the one store, in the east.
private let ms = Nanos.perMillisecond

private var eastAndWest: SystemSpec {
    SystemSpec(
        name: "east and west",
        workload: WorkloadSpec(
            users: 10_000, ratePerUser: 0.2, mix: [.read: 0.8, .write: 0.2], entry: "web-east",
            regions: [RegionShare(name: "east", share: 0.6), RegionShare(name: "west", share: 0.4)]),
        nodes: [
            NodeSpec(
                id: "web-east", kind: .app, workers: 4, service: .exponential(mean: 2 * ms), queueCapacity: nil,
                routes: [RouteSpec(to: "store", classes: [.write])], dc: "east"),
            NodeSpec(
                id: "store", kind: .station, service: .exponential(mean: 1 * ms), queueCapacity: nil, dc: "east"),
            NodeSpec(
                id: "web-west", kind: .app, workers: 4, service: .exponential(mean: 2 * ms), queueCapacity: nil,
                routes: [RouteSpec(to: "store", classes: [.write], latency: 30 * ms)], dc: "west"),
        ],
        datacenters: [DataCenterSpec(name: "east", entry: "web-east"), DataCenterSpec(name: "west", entry: "web-west")],
        latencies: [
            RegionLatency(region: "east", dc: "east", latency: 5 * ms),
            RegionLatency(region: "east", dc: "west", latency: 50 * ms),
            RegionLatency(region: "west", dc: "east", latency: 50 * ms),
            RegionLatency(region: "west", dc: "west", latency: 5 * ms),
        ])
}

/// The two-region system of `RegionTests` (a primary in us, a replica pool in eu) with a
/// cache in eu before the replicas, over few keys, so that writes make stale reads often;
/// writes reach the far cache after the 80 ms between the data centers.
private var primaryInUSCacheInEU: SystemSpec {
    var spec = RegionTests.twoRegions
    spec.datacenterLatencies = [DataCenterLatency(from: "us", to: "eu", latency: 80 * ms)]
    spec.workload.keys = KeySpace(count: 2000, zipf: 0.9)
    spec.nodes[2].routes[0].to = "cache-eu"
    spec.nodes.append(
        NodeSpec(
            id: "cache-eu", kind: .cache, workers: 16, service: .exponential(mean: ms / 5),
            routes: [RouteSpec(to: "db-eu", outcome: .miss)], cache: CacheSpec(entries: 500), dc: "eu"))
    return spec
}

/// Runs `spec` split into its partitions on `threads` threads through `end`, stopping a
/// nanosecond before each whole second, where ticks close the windows of figures.
private func runPartitioned(_ spec: SystemSpec, threads: Int, through end: SimTime) -> [Engine] {
    let engine = Engine(spec: spec, seed: 11)
    let plan = engine.partitionPlan
    let simulation = WindowedSimulation(
        partitions: engine.partitioned(), lookahead: plan.lookahead!, threads: threads)
    for second in stride(from: Nanos.perSecond, through: end, by: Int(Nanos.perSecond)) {
        simulation.run(through: second - 1)
    }
    simulation.run(through: end)
    return simulation.partitions.map(\.engine)
}

/// A request class's completions and mean response time over every partition, in seconds.
private func classFigures(_ engines: [Engine], _ requestClass: RequestClass) -> (completed: Int, mean: Double) {
    let counts = engines.map { $0.summary().endToEnd.classes.first { $0.requestClass == requestClass }!.counts }
    let completed = counts.reduce(0) { $0 + $1.completed }
    return (completed, counts.reduce(0) { $0 + $1.latencySum } / Double(completed) / 1e9)
}

@Suite("An engine split into partitions")
struct EnginePartitionTests {
    @Test(
        "Requests and writes crossing between partitions give the same run on 1, 2 or 4 threads",
        arguments: [("east and west", eastAndWest), ("primary in us, cache in eu", primaryInUSCacheInEU)])
    func threadsDoNotChangeTheRun(name: String, spec: SystemSpec) {
        let single = runPartitioned(spec, threads: 1, through: 20 * Nanos.perSecond)
        #expect(single.count == 2)
        #expect(classFigures(single, .write).completed > 3000)
        for threads in [2, 4] {
            let run = runPartitioned(spec, threads: threads, through: 20 * Nanos.perSecond)
            #expect(run.map { $0.digest() } == single.map { $0.digest() }, "\(name), \(threads) threads")
        }
    }

    @Test("Far replicas and caches lag and serve stale reads as they do in the whole engine")
    func staleReadsAcrossPartitions() {
        let end = 60 * Nanos.perSecond
        let split = runPartitioned(primaryInUSCacheInEU, threads: 2, through: end)
        var whole = Engine(spec: primaryInUSCacheInEU, seed: 11)
        whole.run(until: end)
        let (eu, one) = (split[1].summary(), whole.summary())
        for id in ["cache-eu", "db-eu"] {
            let (a, b) = (eu.nodes.first { $0.id == id }!, one.nodes.first { $0.id == id }!)
            let (splitShare, wholeShare) = (
                Double(a.staleReads) / Double(a.completions), Double(b.staleReads) / Double(b.completions)
            )
            #expect(b.staleReads > 500, "\(id) serves stale reads: \(b.staleReads)")
            #expect(abs(splitShare - wholeShare) / wholeShare < 0.1, "\(id): \(splitShare) split, \(wholeShare) whole")
        }
        let lag = (split: split[1].summary().nodes[3].replicationLag!, whole: whole.summary().nodes[3].replicationLag!)
        #expect(lag.whole > 80e6 && abs(lag.split - lag.whole) < 0.02 * lag.whole, "db-eu lag \(lag) ns")
        // The primary's partition simulates no eu node, and the eu partition no commit.
        #expect(split[0].summary().nodes.first { $0.id == "cache-eu" }!.arrivals == 0)
        #expect(split[1].summary().nodes.first { $0.id == "db" }!.arrivals == 0)
    }

    @Test("Each node is simulated by its own partition only")
    func nodesRunWhereTheirDataCenterIs() {
        let engines = runPartitioned(eastAndWest, threads: 2, through: 10 * Nanos.perSecond)
        let (east, west) = (engines[0].summary(), engines[1].summary())
        #expect(east.nodes.map { $0.arrivals > 0 } == [true, true, false])
        #expect(west.nodes.map { $0.arrivals > 0 } == [false, false, true])
        // Every write reaches the store: the east's own, and the west's across the link.
        let writes = engines.reduce(0) {
            $0 + $1.summary().endToEnd.classes.first { $0.requestClass == .write }!.counts.requests
        }
        let inFlight = engines.reduce(0) { $0 + $1.requests.live }
        #expect(east.nodes[1].arrivals <= writes && writes - east.nodes[1].arrivals <= inFlight + 10)
    }

    @Test("Response times agree with queueing theory and with the engine run whole")
    func agreesWithTheoryAndTheWholeEngine() {
        let end = 90 * Nanos.perSecond
        let engines = runPartitioned(eastAndWest, threads: 2, through: end)
        let east = QueueingTheory.mmcResponse(arrivalRate: 1200, serviceRate: 500, servers: 4)
        let west = QueueingTheory.mmcResponse(arrivalRate: 800, serviceRate: 500, servers: 4)
        let store = QueueingTheory.mmcResponse(arrivalRate: 400, serviceRate: 1000, servers: 1)
        let entry = 0.010
        let read = entry + 0.6 * east + 0.4 * west
        let write = entry + 0.6 * (east + store) + 0.4 * (west + 0.030 + store)
        var whole = Engine(spec: eastAndWest, seed: 11)
        whole.run(until: end)
        for (requestClass, theory) in [(RequestClass.read, read), (.write, write)] {
            let split = classFigures(engines, requestClass).mean
            let one = classFigures([whole], requestClass).mean
            #expect(abs(split - theory) / theory < 0.03, "\(requestClass): \(split) s, theory \(theory) s")
            #expect(abs(split - one) / one < 0.03, "\(requestClass): \(split) s split, \(one) s whole")
        }
    }

    @Test("A system with effects the partitioned engine does not carry yet says which")
    func unsupportedEffectsAreNamed() {
        #expect(Engine(spec: eastAndWest).reasonNotPartitioned == nil)
        #expect(Engine(spec: primaryInUSCacheInEU).reasonNotPartitioned == nil)
        var retrying = eastAndWest
        retrying.workload.retries = RetrySpec(limit: 2, backoff: 200 * ms)
        #expect(Engine(spec: retrying).reasonNotPartitioned == nil)
        var joined = eastAndWest
        joined.nodes[2].routes[0].latency = 0
        #expect(Engine(spec: joined).reasonNotPartitioned == "it is one partition")
        var breaker = eastAndWest
        breaker.workload.clientTimeout = Nanos.perSecond
        #expect(Engine(spec: breaker).reasonNotPartitioned == "its clients give up after a deadline")
    }
}
