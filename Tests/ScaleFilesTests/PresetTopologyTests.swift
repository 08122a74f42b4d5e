@testable import ScaleFiles
import ScaleSim
import Testing

/// A data tier: an app, a cache in front of replicas, a primary, and spare nodes for the
/// tests to call or route to. Tests edit single lines of it, so its line numbers matter.
///
///  7   entry: web          13       - {to: cache, class: read}    18     cache: {entries: 1000}
/// 10     kind: app         16     kind: cache                     20       - {to: replicas, on: miss}
/// 11     service: ...      17     service: ...                    26     replica_of: db
/// 22     kind: db          23     service: ...                    27     service: ... (replicas)
/// 28 jobs (queue), 31 relay (station, service none), 34 store (session_store), 37 edge (cdn)
let dataPreset = """
    version: 1
    name: Data tier
    workload:
      users: 1000
      rate_per_user: 1
      mix: {read: 0.8, write: 0.2}
      entry: web
    nodes:
      - id: web
        kind: app
        service: {distribution: exponential, mean: 10ms}
        routes:
          - {to: cache, class: read}
          - {to: db, class: write}
      - id: cache
        kind: cache
        service: {distribution: exponential, mean: 1ms}
        cache: {entries: 1000}
        routes:
          - {to: replicas, on: miss}
      - id: db
        kind: db
        service: {distribution: exponential, mean: 5ms}
      - id: replicas
        kind: replica
        replica_of: db
        service: {distribution: exponential, mean: 5ms}
      - id: jobs
        kind: queue
        service: {distribution: exponential, mean: 5ms}
      - id: relay
        kind: station
        service: none
      - id: store
        kind: session_store
        service: {distribution: exponential, mean: 1ms}
      - id: edge
        kind: cdn
        service: {distribution: exponential, mean: 5ms}
    """

/// Two data centers, two user regions and a CDN edge for one of them. Latency is written
/// out of declaration order on purpose.
///
///  7   regions: [...]      11     dc: us-east (web-us)    13     routes (web-us)   18     routes (web-eu)
/// 25     region: us (cdn-us)     28/29 the data centers    31/32 latency eu, us
let geoPreset = """
    version: 1
    name: Geo
    workload:
      users: 1000
      rate_per_user: 1
      mix: {static: 0.5, read: 0.5}
      regions: [{name: us, share: 0.6}, {name: eu, share: 0.4}]
    nodes:
      - id: web-us
        kind: app
        dc: us-east
        service: {distribution: exponential, mean: 10ms}
        routes: [{to: db, class: read}]
      - id: web-eu
        kind: app
        dc: eu-west
        service: {distribution: exponential, mean: 10ms}
        routes: [{to: db, class: read, latency: 80ms}]
      - id: db
        kind: db
        dc: us-east
        service: {distribution: exponential, mean: 5ms}
      - id: cdn-us
        kind: cdn
        region: us
        service: {distribution: exponential, mean: 5ms}
    datacenters:
      - {name: us-east, entry: web-us}
      - {name: eu-west, entry: web-eu}
    latency:
      eu: {eu-west: 10ms, us-east: 80ms}
      us: {us-east: 10ms, eu-west: 80ms}
    """

private let ms = Nanos.perMillisecond
private let second = Nanos.perSecond

@Suite struct PresetTopologyTests {
    @Test func newFieldsTakeTheirDefaults() throws {
        let spec = try #require(decoded(dataPreset))
        #expect(spec.datacenters == [])
        #expect(spec.latencies == [])
        #expect(spec.workload.dns == DNSSpec(ttl: 60 * second, resolvers: 32))
        #expect(spec.workload.retries == RetrySpec(limit: 0, backoff: 100 * ms))
        #expect(spec.workload.regions == [])
        #expect(spec.workload.staticAssets == KeySpace(count: 100_000, zipf: 0.9))
        let web = try #require(spec.node("web"))
        #expect(web.size == 0)
        #expect(web.maxSize == 5)
        #expect(web.healthCheck == 5 * second)
        #expect(web.shards == 1)
        #expect(web.calls == nil)
        #expect(web.sessions == SessionMode.none)
        #expect(web.sessionTTL == 30 * Nanos.perMinute)
        #expect(web.autoscale == nil)
        #expect(web.dc == nil)
        #expect(web.region == nil)
        #expect(spec.node("cache")?.cache == CacheSpec(entries: 1000, eviction: .lru, ttl: nil, writePolicy: .invalidate))
        #expect(spec.node("cache")?.routes == [RouteSpec(to: "replicas", outcome: .miss)])
        let replicas = try #require(spec.node("replicas"))
        #expect(replicas.replicaOf == "db")
        #expect(replicas.apply == nil)
        #expect(replicas.failover == 30 * second)
        #expect(replicas.replicationDelay == 50 * ms)
        // A CDN edge without a cache mapping leaves the size to the engine.
        #expect(spec.node("edge")?.cache == nil)
    }

    @Test func readsEveryNewNodeField() throws {
        let yaml = """
            version: 1
            name: Every field
            workload: {users: 10, rate_per_user: 1, entry: web}
            nodes:
              - id: web
                kind: app
                servers: 3
                service: {distribution: exponential, mean: 10ms}
                size: 2
                max_size: 7
                health_check: 0s
                calls: store
                session_ttl: 1.5h
                autoscale: {target: 0.75, min: 2, max: 10000}
                dc: home
                routes: [{to: cache}]
              - id: cache
                kind: cache
                service: {distribution: deterministic, mean: 1ms}
                cache: {entries: 100000000, eviction: fifo, ttl: 30s, write_policy: ttl_only}
                routes:
                  - {to: db, on: miss, class: read, p: 0.5}
                  - {to: replica, on: miss, p: 0.5}
                  - {to: db, on: hit, p: 0.01}
                  - {to: db}
              - id: store
                kind: session_store
                service: {distribution: exponential, mean: 1ms}
              - id: db
                kind: db
                service: {distribution: exponential, mean: 5ms}
              - id: replica
                kind: replica
                replica_of: db
                service: {distribution: exponential, mean: 5ms}
                apply: none
                failover: 0s
                replication_delay: 2s
              - id: shards
                kind: db
                service: {distribution: exponential, mean: 5ms}
                shards: 1024
              - id: sticky
                kind: app
                service: {distribution: exponential, mean: 5ms}
                sessions: sticky
            datacenters: [{name: home, entry: web}]
            """
        let spec = try #require(decoded(yaml))
        #expect(
            spec.nodes[0]
                == NodeSpec(
                    id: "web", kind: .app, servers: 3, service: .exponential(mean: 10 * ms), routes: [RouteSpec(to: "cache")],
                    size: 2, maxSize: 7, healthCheck: 0, calls: "store", sessionTTL: 90 * Nanos.perMinute,
                    autoscale: AutoscaleSpec(target: 0.75, min: 2, max: 10_000, warmup: 30 * second, cooldown: 60 * second),
                    dc: "home"))
        #expect(
            spec.nodes[1]
                == NodeSpec(
                    id: "cache", kind: .cache, service: .deterministic(mean: ms),
                    routes: [
                        RouteSpec(to: "db", classes: [.read], probability: 0.5, outcome: .miss),
                        RouteSpec(to: "replica", probability: 0.5, outcome: .miss),
                        RouteSpec(to: "db", probability: 0.01, outcome: .hit),
                        RouteSpec(to: "db"),
                    ],
                    cache: CacheSpec(entries: 100_000_000, eviction: .fifo, ttl: 30 * second, writePolicy: .ttlOnly)))
        #expect(
            spec.nodes[4]
                == NodeSpec(
                    id: "replica", kind: .replica, service: .exponential(mean: 5 * ms), replicaOf: "db", apply: ServiceTime.none,
                    failover: 0, replicationDelay: 2 * second))
        // The engine runs one server per shard.
        #expect(spec.nodes[5].shards == 1024)
        #expect(spec.nodes[5].servers == 1024)
        #expect(spec.nodes[6].sessions == .sticky)
    }

    @Test func readsEveryNewWorkloadField() throws {
        // With regions declared, the CDN edge must name the one it serves.
        let yaml = replacing(
            replacing(dataPreset, line: 38, "    kind: cdn\n    region: us"), line: 7,
            """
              entry: web
              dns: {ttl: 5m, resolvers: 100000}
              retries: {limit: 10, backoff: 1.5s}
              regions: [{name: us, share: 3}, {name: eu-west_2, share: 0.5}]
              static_assets: {count: 1000000000, zipf: 0}
            """)
        let spec = try #require(decoded(yaml))
        #expect(spec.workload.dns == DNSSpec(ttl: 5 * Nanos.perMinute, resolvers: 100_000))
        #expect(spec.workload.retries == RetrySpec(limit: 10, backoff: 1_500 * ms))
        #expect(spec.workload.regions == [RegionShare(name: "us", share: 3), RegionShare(name: "eu-west_2", share: 0.5)])
        #expect(spec.workload.staticAssets == KeySpace(count: 1_000_000_000, zipf: 0))
        // Either key of a key space may be left out, keeping that key's own default.
        let partial = try #require(decoded(replacing(dataPreset, line: 7, "  entry: web\n  static_assets: {zipf: 1.5}")))
        #expect(partial.workload.staticAssets == KeySpace(count: 100_000, zipf: 1.5))
        let retries = try #require(decoded(replacing(dataPreset, line: 7, "  entry: web\n  retries: {limit: 0}")))
        #expect(retries.workload.retries == RetrySpec())
    }

    @Test func autoscaledPoolStartsAtItsMinimum() throws {
        let spec = try #require(
            decoded(replacing(dataPreset, line: 10, "    kind: app\n    autoscale: {target: 0.5, min: 4, max: 8}")))
        #expect(spec.node("web")?.servers == 4)
        let written = try #require(
            decoded(
                replacing(
                    dataPreset, line: 10, "    kind: app\n    servers: 8\n    autoscale: {target: 0.5, min: 4, max: 8}")))
        #expect(written.node("web")?.servers == 8)
    }

    @Test func aPrimaryMayHaveSeveralReplicaPools() throws {
        let spec = try #require(
            decoded(
                replacing(
                    dataPreset, line: 27,
                    """
                        service: {distribution: exponential, mean: 5ms}
                      - id: far-replicas
                        kind: replica
                        replica_of: db
                        service: {distribution: exponential, mean: 5ms}
                        replication_delay: 80ms
                    """)))
        #expect(spec.nodes.filter { $0.replicaOf == "db" }.map(\.id) == ["replicas", "far-replicas"])
    }

    @Test func shardsSetTheServerCount() throws {
        let spec = try #require(
            decoded(
                replacing(
                    dataPreset, line: 26, count: 2,
                    """
                        replica_of: db
                        service: {distribution: exponential, mean: 5ms}
                      - id: orders
                        kind: db
                        servers: 16
                        shards: 16
                        service: {distribution: exponential, mean: 5ms}
                    """)))
        #expect(spec.node("orders")?.servers == 16)
        #expect(spec.node("orders")?.shards == 16)
    }

    @Test func nullNewFieldsTakeTheirDefaults() throws {
        let spec = try #require(
            decoded(
                replacing(
                    dataPreset, line: 10,
                    """
                        kind: app
                        size:
                        health_check: ~
                        calls:
                        autoscale: ~
                        dc:
                        sessions:
                    """)))
        let base = try #require(decoded(dataPreset))
        #expect(spec.node("web") == base.node("web"))
    }

    @Test func cacheHitAndMissRoutesAreSeparateTables() throws {
        // Each table may use up to all of the reads on its own.
        #expect(
            decodeError(
                replacing(
                    dataPreset, line: 20,
                    """
                          - {to: replicas, on: miss, p: 0.7}
                          - {to: db, on: miss, p: 0.3}
                          - {to: db, on: hit, p: 0.7}
                    """)) == nil)
        // Misses looping back are fine while hits can complete.
        #expect(decodeError(replacing(dataPreset, line: 20, "      - {to: web, on: miss}")) == nil)
        // Writes at a cache follow the routes without on.
        let spec = try #require(
            decoded(
                replacing(dataPreset, line: 13, count: 2, "      - {to: cache}")
                    .replacingOccurrences(
                        of: "      - {to: replicas, on: miss}", with: "      - {to: replicas, on: miss}\n      - {to: db}")))
        #expect(spec.node("cache")?.routes.last == RouteSpec(to: "db"))
    }

    @Test func geoPresetDecodes() throws {
        let spec = try #require(decoded(geoPreset))
        #expect(
            spec.datacenters == [
                DataCenterSpec(name: "us-east", entry: "web-us"), DataCenterSpec(name: "eu-west", entry: "web-eu"),
            ])
        // Without workload.entry, users start at the first data center's entry.
        #expect(spec.workload.entry == "web-us")
        #expect(spec.workload.regions == [RegionShare(name: "us", share: 0.6), RegionShare(name: "eu", share: 0.4)])
        // Regions, then data centers, in declaration order, whatever order the YAML has.
        #expect(
            spec.latencies == [
                RegionLatency(region: "us", dc: "us-east", latency: 10 * ms),
                RegionLatency(region: "us", dc: "eu-west", latency: 80 * ms),
                RegionLatency(region: "eu", dc: "us-east", latency: 80 * ms),
                RegionLatency(region: "eu", dc: "eu-west", latency: 10 * ms),
            ])
        #expect(spec.node("cdn-us")?.region == "us")
        #expect(spec.node("db")?.dc == "us-east")
        let second = try #require(
            decoded(replacing(geoPreset, line: 7, "  regions: [{name: us, share: 1}, {name: eu, share: 1}]\n  entry: web-eu")))
        #expect(second.workload.entry == "web-eu")
    }

    @Test func newFieldsCanBeOverridden() throws {
        let spec = try #require(
            decoded(
                dataPreset,
                overrides: [
                    "nodes.cache.cache.entries=5", "nodes.cache.cache.ttl=1m", "workload.retries={limit: 3}",
                    "nodes.web.autoscale={target: 0.5, min: 1, max: 3}", "nodes.replicas.replication_delay=0s",
                ]))
        #expect(spec.node("cache")?.cache == CacheSpec(entries: 5, ttl: Nanos.perMinute))
        #expect(spec.workload.retries == RetrySpec(limit: 3))
        #expect(spec.node("web")?.autoscale == AutoscaleSpec(target: 0.5, min: 1, max: 3))
        #expect(spec.node("replicas")?.replicationDelay == 0)
        let error = try #require(decodeError(dataPreset, overrides: ["nodes.web.replica_of=db"]))
        #expect(error.description == "--set: nodes.web.replica_of: replica_of applies only to nodes of kind replica, not app")
    }

    @Test func tooManyRegionsAreRefused() throws {
        let regions = (0...256).map { "{name: r\($0), share: 1}" }.joined(separator: ", ")
        let error = try #require(decodeError(replacing(dataPreset, line: 7, "  entry: web\n  regions: [\(regions)]")))
        #expect(error.path == "workload.regions")
        #expect(error.message == "expected at most 256 regions, got 257")
    }

    @Test func latencyNeedsDataCenters() throws {
        let yaml = replacing(
            replacing(geoPreset, line: 27, count: 3, ""), line: 7, count: 1,
            """
              regions: [{name: us, share: 0.6}, {name: eu, share: 0.4}]
              entry: web-us
            """)
        let error = try #require(decodeError(yaml))
        #expect(error.path == "latency")
        #expect(error.line == 30)
        #expect(error.message == "latency leads to data centers, but none are declared; declare them in datacenters first")
    }

    @Test func multiDataCenterPresetDecodes() throws {
        let spec = try #require(decoded(globalShop))
        #expect(spec == globalShopSpec)
    }

    @Test func multiDataCenterPresetRuns() throws {
        var engine = Engine(spec: try #require(decoded(globalShop)))
        engine.run(until: 3 * second)
        #expect(engine.totalOutcomes.completed > 0)
    }
}

/// Every kind of node, two data centers, two regions with their CDN edges.
let globalShop = """
    version: 1
    name: Global shop
    seed: 9
    workload:
      users: 20000
      rate_per_user: 0.05
      mix: {static: 0.3, read: 0.5, write: 0.15, job: 0.05}
      keys: {count: 500000, zipf: 1.1}
      dns: {ttl: 30s, resolvers: 64}
      retries: {limit: 2, backoff: 200ms}
      regions:
        - {name: us, share: 0.6}
        - {name: eu, share: 0.4}
      static_assets: {count: 20000, zipf: 1.2}
    nodes:
      - id: cdn-us
        kind: cdn
        region: us
        workers: 1000
        service: {distribution: exponential, mean: 2ms}
        cache: {entries: 5000, eviction: lfu, ttl: 1h}
      - id: cdn-eu
        kind: cdn
        region: eu
        workers: 1000
        service: {distribution: exponential, mean: 2ms}
      - id: lb-us
        kind: lb
        dc: us-east
        service: none
        policy: least_connections
        health_check: 2s
        routes: [{to: web-us}]
      - id: web-us
        kind: app
        dc: us-east
        workers: 8
        service: {distribution: lognormal, mean: 20ms, cv: 1.2}
        size: 1
        max_size: 4
        calls: sessions-us
        autoscale: {target: 0.6, min: 2, max: 40, warmup: 20s, cooldown: 45s}
        routes:
          - {to: cache-us, class: read}
          - {to: db, class: write, latency: 1ms}
          - {to: jobs, class: job}
      - id: sessions-us
        kind: session_store
        dc: us-east
        workers: 64
        service: {distribution: exponential, mean: 0.5ms}
      - id: cache-us
        kind: cache
        dc: us-east
        workers: 16
        service: {distribution: exponential, mean: 0.5ms}
        cache: {entries: 100000, ttl: 5m, write_policy: write_through}
        routes:
          - {to: replicas, on: miss, p: 0.9}
          - {to: db, on: miss, p: 0.1}
      - id: db
        kind: db
        dc: us-east
        workers: 16
        service: {distribution: gamma, mean: 4ms, cv: 0.8}
        queue: unbounded
      - id: replicas
        kind: replica
        dc: us-east
        servers: 2
        workers: 16
        replica_of: db
        service: {distribution: gamma, mean: 4ms, cv: 0.8}
        apply: {distribution: deterministic, mean: 1ms}
        failover: 20s
        replication_delay: 100ms
      - id: jobs
        kind: queue
        dc: us-east
        workers: 4
        service: {distribution: exponential, mean: 50ms}
        queue: 50000
      - id: web-eu
        kind: app
        dc: eu-west
        servers: 3
        workers: 8
        service: {distribution: lognormal, mean: 20ms, cv: 1.2}
        sessions: sticky
        session_ttl: 20m
        routes:
          - {to: cache-us, class: read, latency: 40ms}
          - {to: db, class: [write, job], latency: 40ms}
    datacenters:
      - {name: us-east, entry: lb-us}
      - {name: eu-west, entry: web-eu}
    latency:
      us: {us-east: 15ms, eu-west: 90ms}
      eu: {us-east: 90ms, eu-west: 12ms}
    """

/// `globalShop` as the decoder must read it.
let globalShopSpec: SystemSpec = {
    let ms = Nanos.perMillisecond
    let appService = ServiceTime.lognormal(mean: 20 * ms, cv: 1.2)
    let dbService = ServiceTime.gamma(mean: 4 * ms, cv: 0.8)
    return SystemSpec(
        name: "Global shop", seed: 9,
        workload: WorkloadSpec(
            users: 20_000, ratePerUser: 0.05, mix: [.static: 0.3, .read: 0.5, .write: 0.15, .job: 0.05],
            keys: KeySpace(count: 500_000, zipf: 1.1), entry: "lb-us",
            dns: DNSSpec(ttl: 30 * Nanos.perSecond, resolvers: 64), retries: RetrySpec(limit: 2, backoff: 200 * ms),
            regions: [RegionShare(name: "us", share: 0.6), RegionShare(name: "eu", share: 0.4)],
            staticAssets: KeySpace(count: 20_000, zipf: 1.2)),
        nodes: [
            NodeSpec(
                id: "cdn-us", kind: .cdn, workers: 1000, service: .exponential(mean: 2 * ms),
                cache: CacheSpec(entries: 5000, eviction: .lfu, ttl: Nanos.perHour), region: "us"),
            NodeSpec(id: "cdn-eu", kind: .cdn, workers: 1000, service: .exponential(mean: 2 * ms), region: "eu"),
            NodeSpec(
                id: "lb-us", kind: .lb, service: .none, policy: .leastConnections, routes: [RouteSpec(to: "web-us")],
                healthCheck: 2 * Nanos.perSecond, dc: "us-east"),
            NodeSpec(
                id: "web-us", kind: .app, servers: 2, workers: 8, service: appService,
                routes: [
                    RouteSpec(to: "cache-us", classes: [.read]),
                    RouteSpec(to: "db", classes: [.write], latency: ms),
                    RouteSpec(to: "jobs", classes: [.job]),
                ],
                size: 1, maxSize: 4, calls: "sessions-us",
                autoscale: AutoscaleSpec(
                    target: 0.6, min: 2, max: 40, warmup: 20 * Nanos.perSecond, cooldown: 45 * Nanos.perSecond),
                dc: "us-east"),
            NodeSpec(id: "sessions-us", kind: .sessionStore, workers: 64, service: .exponential(mean: ms / 2), dc: "us-east"),
            NodeSpec(
                id: "cache-us", kind: .cache, workers: 16, service: .exponential(mean: ms / 2),
                routes: [
                    RouteSpec(to: "replicas", probability: 0.9, outcome: .miss),
                    RouteSpec(to: "db", probability: 0.1, outcome: .miss),
                ],
                cache: CacheSpec(entries: 100_000, ttl: 5 * Nanos.perMinute, writePolicy: .writeThrough), dc: "us-east"),
            NodeSpec(id: "db", kind: .db, workers: 16, service: dbService, queueCapacity: nil, dc: "us-east"),
            NodeSpec(
                id: "replicas", kind: .replica, servers: 2, workers: 16, service: dbService, replicaOf: "db",
                apply: .deterministic(mean: ms), failover: 20 * Nanos.perSecond, replicationDelay: 100 * ms, dc: "us-east"),
            NodeSpec(
                id: "jobs", kind: .queue, workers: 4, service: .exponential(mean: 50 * ms), queueCapacity: 50_000,
                dc: "us-east"),
            NodeSpec(
                id: "web-eu", kind: .app, servers: 3, workers: 8, service: appService,
                routes: [
                    RouteSpec(to: "cache-us", classes: [.read], latency: 40 * ms),
                    RouteSpec(to: "db", classes: [.write, .job], latency: 40 * ms),
                ],
                sessions: .sticky, sessionTTL: 20 * Nanos.perMinute, dc: "eu-west"),
        ],
        datacenters: [DataCenterSpec(name: "us-east", entry: "lb-us"), DataCenterSpec(name: "eu-west", entry: "web-eu")],
        latencies: [
            RegionLatency(region: "us", dc: "us-east", latency: 15 * ms),
            RegionLatency(region: "us", dc: "eu-west", latency: 90 * ms),
            RegionLatency(region: "eu", dc: "us-east", latency: 90 * ms),
            RegionLatency(region: "eu", dc: "eu-west", latency: 12 * ms),
        ])
}()
