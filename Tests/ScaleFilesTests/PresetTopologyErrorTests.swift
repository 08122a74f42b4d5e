@testable import ScaleFiles
import Testing

/// Each bad value of a field added for the data tier, the web tier and geography gives the
/// right path and line, and a message that says what was expected and what was found.
@Suite struct PresetTopologyErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        /// `dataPreset` or `geoPreset`.
        var geo = false
        let line: Int
        var count = 1
        let replacement: String
        let path: String
        let errorLine: Int
        let message: String
        var testDescription: String { "\(geo ? "geo" : "data") line \(line): \(replacement)" }
    }

    static let dataIDs = "the ids are \"web\", \"cache\", \"db\", \"replicas\", \"jobs\", \"relay\", \"store\", \"edge\""
    static let mustServe = "does its work as a request's service ends, so with none it would only pass requests on"
    static let duration = "expected a duration such as 250ms, 90s, 10m or 1.5h"

    @Test(arguments: [
        // Fields that only some kinds take.
        Case(
            line: 10, replacement: "    kind: app\n    replica_of: db", path: "nodes[0].replica_of", errorLine: 11,
            message: "replica_of applies only to nodes of kind replica, not app"),
        Case(
            line: 10, replacement: "    kind: app\n    cache: {entries: 10}", path: "nodes[0].cache", errorLine: 11,
            message: "cache applies only to nodes of kind cache or cdn, not app"),
        Case(
            line: 10, replacement: "    kind: app\n    shards: 2", path: "nodes[0].shards", errorLine: 11,
            message: "shards applies only to nodes of kind db, not app"),
        Case(
            line: 22, replacement: "    kind: db\n    sessions: sticky", path: "nodes[2].sessions", errorLine: 23,
            message: "sessions applies only to nodes of kind app, not db"),
        Case(
            line: 22, replacement: "    kind: db\n    region: us", path: "nodes[2].region", errorLine: 23,
            message: "region applies only to nodes of kind cdn, not db"),
        Case(
            line: 22, replacement: "    kind: db\n    failover: 10s", path: "nodes[2].failover", errorLine: 23,
            message: "failover applies only to nodes of kind replica, not db"),
        Case(
            line: 16, replacement: "    kind: cache\n    calls: db", path: "nodes[1].calls", errorLine: 17,
            message: "calls applies only to nodes of kind lb, app, db, station, replica, queue or session_store, not cache"),
        // Caches.
        Case(
            line: 18, replacement: "", path: "nodes[1].cache", errorLine: 15,
            message:
                "missing required field; expected a mapping with entries, and optionally eviction, ttl, write_policy and coalesce"
        ),
        Case(
            line: 18, replacement: "    cache: 1000", path: "nodes[1].cache", errorLine: 18,
            message: "expected a mapping with entries, and optionally eviction, ttl, write_policy and coalesce, got 1000"),
        Case(
            line: 18, replacement: "    cache: {entries: 0}", path: "nodes[1].cache.entries", errorLine: 18,
            message: "expected a positive integer, got 0"),
        Case(
            line: 18, replacement: "    cache: {entries: 100000001}", path: "nodes[1].cache.entries", errorLine: 18,
            message: "expected at most 100_000_000, got 100000001"),
        Case(
            line: 18, replacement: "    cache: {entries: 10, eviction: random}", path: "nodes[1].cache.eviction", errorLine: 18,
            message: "expected one of lru, lfu, fifo, got \"random\""),
        Case(
            line: 18, replacement: "    cache: {entries: 10, ttl: 0s}", path: "nodes[1].cache.ttl", errorLine: 18,
            message: "expected a duration greater than 0, got \"0s\""),
        Case(
            line: 18, replacement: "    cache: {entries: 10, write_policy: write_back}", path: "nodes[1].cache.write_policy",
            errorLine: 18, message: "expected one of invalidate, write_through, ttl_only, got \"write_back\""),
        Case(
            line: 18, replacement: "    cache: {entries: 10, size: 5}", path: "nodes[1].cache.size", errorLine: 18,
            message: "unknown field \"size\"; expected one of: entries, eviction, ttl, write_policy, coalesce"),
        Case(
            line: 18, replacement: "    cache: {entries: 10, coalesce: maybe}", path: "nodes[1].cache.coalesce", errorLine: 18,
            message: "expected one of true, false, got \"maybe\""),
        Case(
            line: 18, replacement: "    cache: {entries: 10, coalesce: 1}", path: "nodes[1].cache.coalesce", errorLine: 18,
            message: "expected one of true, false, got 1"),
        Case(
            line: 17, replacement: "    service: none", path: "nodes[1].service", errorLine: 17,
            message: "expected a mapping with distribution and mean: a cache node \(mustServe)"),
        // Cache routes.
        Case(
            line: 13, replacement: "      - {to: cache, class: read, on: hit}", path: "nodes[0].routes[0].on", errorLine: 13,
            message: "on applies only to the routes of a cache node, not app"),
        Case(
            line: 20, replacement: "      - {to: replicas, on: maybe}", path: "nodes[1].routes[0].on", errorLine: 20,
            message: "expected one of hit, miss, got \"maybe\""),
        Case(
            line: 20, replacement: "      - {to: replicas, on: miss, class: write}", path: "nodes[1].routes[0].class",
            errorLine: 20,
            message: "a route with on carries reads only, as a cache looks up nothing else; leave class out or make it read"),
        Case(
            line: 20, replacement: "      - {to: replicas, class: [read, write]}", path: "nodes[1].routes[0].class",
            errorLine: 20,
            message:
                "at a cache, reads follow the routes with on: hit or on: miss; give this route an on, or leave read out of its class"
        ),
        Case(
            line: 20, replacement: "      - {to: replicas, on: miss}\n      - {to: db, on: miss, p: 0.5}",
            path: "nodes[1].routes[0]",
            errorLine: 20,
            message: "a route without p takes all of read misses, so it must be the only such route, but routes[1] applies too"),
        Case(
            line: 20, replacement: "      - {to: replicas, on: hit, p: 0.7}\n      - {to: db, on: hit, p: 0.5}",
            path: "nodes[1].routes[1].p", errorLine: 21,
            message: "the p values of the routes for read hits add up to 1.2 here, more than 1"),
        Case(
            line: 20, replacement: "      - {to: web, on: miss}\n      - {to: web, on: hit}", path: "nodes[0]", errorLine: 9,
            message:
                "class read requests that reach node \"web\" can never leave: its routes loop back without an exit; give a route on the loop a p below 1"
        ),
        // Replicas.
        Case(
            line: 26, replacement: "", path: "nodes[3].replica_of", errorLine: 24,
            message: "missing required field; expected the id of a db node"),
        Case(
            line: 26, replacement: "    replica_of: web", path: "nodes[3].replica_of", errorLine: 26,
            message: "expected the id of a db node, got \"web\", which is kind app"),
        Case(
            line: 26, replacement: "    replica_of: nowhere", path: "nodes[3].replica_of", errorLine: 26,
            message: "no node has id \"nowhere\"; \(dataIDs)"),
        Case(
            line: 23, replacement: "    service: {distribution: exponential, mean: 5ms}\n    shards: 4",
            path: "nodes[3].replica_of",
            errorLine: 27, message: "\"db\" has 4 shards; replicas of a sharded database are not modelled"),
        Case(
            line: 27,
            replacement:
                "    service: {distribution: exponential, mean: 5ms}\n  - id: more\n    kind: replica\n    replica_of: db\n    service: none",
            path: "nodes[4].service", errorLine: 31,
            message: "expected a mapping with distribution and mean: a replica node \(mustServe)"),
        Case(
            line: 26, replacement: "    replica_of: db\n    failover: -1s", path: "nodes[3].failover", errorLine: 27,
            message: "\(duration), got \"-1s\""),
        Case(
            line: 26, replacement: "    replica_of: db\n    replication_delay: 50", path: "nodes[3].replication_delay",
            errorLine: 27,
            message: "\(duration), got \"50\""),
        Case(
            line: 26, replacement: "    replica_of: db\n    apply: {distribution: exponential}", path: "nodes[3].apply.mean",
            errorLine: 27,
            message: "missing required field; \(duration)"),
        // Shards.
        Case(
            line: 23, replacement: "    service: {distribution: exponential, mean: 5ms}\n    shards: 0", path: "nodes[2].shards",
            errorLine: 24,
            message: "expected a positive integer, got 0"),
        Case(
            line: 23, replacement: "    service: {distribution: exponential, mean: 5ms}\n    shards: 1025",
            path: "nodes[2].shards", errorLine: 24,
            message: "expected at most 1_024, got 1025"),
        Case(
            line: 23, replacement: "    service: {distribution: exponential, mean: 5ms}\n    shards: 4\n    servers: 2",
            path: "nodes[2].servers",
            errorLine: 25, message: "a database with 4 shards has one server per shard; leave servers out or make it 4, got 2"),
        Case(
            line: 23,
            replacement:
                "    service: {distribution: exponential, mean: 5ms}\n    shards: 4\n    autoscale: {target: 0.5, min: 1, max: 4}",
            path: "nodes[2].autoscale", errorLine: 25,
            message: "a sharded database does not autoscale: it runs one server per shard"),
        // The vertical ladder and health checks.
        Case(
            line: 10, replacement: "    kind: app\n    max_size: 21", path: "nodes[0].max_size", errorLine: 11,
            message: "expected at most 20, got 21"),
        Case(
            line: 10, replacement: "    kind: app\n    size: 6", path: "nodes[0].size", errorLine: 11,
            message: "expected at most max_size, which is 5, got 6"),
        Case(
            line: 10, replacement: "    kind: app\n    size: -1", path: "nodes[0].size", errorLine: 11,
            message: "expected a non-negative integer, got -1"),
        Case(
            line: 10, replacement: "    kind: app\n    health_check: soon", path: "nodes[0].health_check", errorLine: 11,
            message: "\(duration), got \"soon\""),
        // Calls and sessions.
        Case(
            line: 10, replacement: "    kind: app\n    calls: nowhere", path: "nodes[0].calls", errorLine: 11,
            message: "no node has id \"nowhere\"; \(dataIDs)"),
        Case(
            line: 10, replacement: "    kind: app\n    calls: web", path: "nodes[0].calls", errorLine: 11,
            message: "a node cannot call itself"),
        Case(
            line: 10, replacement: "    kind: app\n    calls: jobs", path: "nodes[0].calls", errorLine: 11,
            message: "\"jobs\" is a queue, which answers on enqueue, so the call would never come back"),
        Case(
            line: 10, replacement: "    kind: app\n    calls: relay", path: "nodes[0].calls", errorLine: 11,
            message: "\"relay\" has service: none, so it would pass the call on instead of answering it"),
        Case(
            line: 11, replacement: "    service: none\n    calls: store", path: "nodes[0].calls", errorLine: 12,
            message: "a node with service: none passes requests on at once and never makes the call; give it a service time"),
        Case(
            line: 10, replacement: "    kind: app\n    sessions: sticky\n    calls: store", path: "nodes[0].sessions",
            errorLine: 11,
            message:
                "sessions live in the session store \"store\" this node calls, so they are not sticky; leave sessions out or make it none"
        ),
        Case(
            line: 10, replacement: "    kind: app\n    sessions: always", path: "nodes[0].sessions", errorLine: 11,
            message: "expected one of none, sticky, got \"always\""),
        Case(
            line: 10, replacement: "    kind: app\n    session_ttl: 0s", path: "nodes[0].session_ttl", errorLine: 11,
            message: "expected a duration greater than 0, got \"0s\""),
        Case(
            line: 34, count: 3, replacement: "  - id: store\n    kind: session_store\n    service: none",
            path: "nodes[6].service",
            errorLine: 36, message: "expected a mapping with distribution and mean: a session_store node \(mustServe)"),
        Case(
            line: 30, replacement: "    service: none", path: "nodes[4].service", errorLine: 30,
            message: "expected a mapping with distribution and mean: a queue node \(mustServe)"),
        // Autoscaling.
        Case(
            line: 10, replacement: "    kind: app\n    autoscale: {target: 1, min: 1, max: 4}", path: "nodes[0].autoscale.target",
            errorLine: 11, message: "expected a utilization greater than 0 and less than 1, such as 0.6, got 1"),
        Case(
            line: 10, replacement: "    kind: app\n    autoscale: {target: 0.5, min: 0, max: 4}", path: "nodes[0].autoscale.min",
            errorLine: 11, message: "expected a positive integer, got 0"),
        Case(
            line: 10, replacement: "    kind: app\n    autoscale: {target: 0.5, min: 3, max: 2}", path: "nodes[0].autoscale.max",
            errorLine: 11, message: "expected at least min, which is 3, got 2"),
        Case(
            line: 10, replacement: "    kind: app\n    autoscale: {target: 0.5, min: 3, max: 10001}",
            path: "nodes[0].autoscale.max",
            errorLine: 11, message: "expected at most 10_000, got 10001"),
        Case(
            line: 10, replacement: "    kind: app\n    autoscale: {target: 0.5, min: 1}", path: "nodes[0].autoscale.max",
            errorLine: 11, message: "missing required field; expected a positive integer"),
        Case(
            line: 10, replacement: "    kind: app\n    autoscale: {target: 0.5, min: 1, max: 2, step: 1}",
            path: "nodes[0].autoscale.step",
            errorLine: 11, message: "unknown field \"step\"; expected one of: target, min, max, warmup, cooldown"),
        Case(
            line: 10, replacement: "    kind: app\n    autoscale: {target: 0.5, min: 1, max: 2, warmup: -1s}",
            path: "nodes[0].autoscale.warmup", errorLine: 11, message: "\(duration), got \"-1s\""),
        // Data centers and CDN edges without geography.
        Case(
            line: 10, replacement: "    kind: app\n    dc: us-east", path: "nodes[0].dc", errorLine: 11,
            message: "no data centers are declared; declare them in the top-level datacenters, or leave dc out"),
        Case(
            line: 14, replacement: "      - {to: edge, class: write}", path: "nodes[0].routes[1].to", errorLine: 14,
            message: "\"edge\" is a cdn edge, which the users of its region reach directly; no route may lead to it"),
        Case(
            line: 39, replacement: "    service: {distribution: exponential, mean: 5ms}\n    routes: [{to: db}]",
            path: "nodes[7].routes",
            errorLine: 40, message: "a cdn node has no routes: it answers hits itself and sends misses to the origin as users do"),
        Case(
            line: 39,
            replacement:
                "    service: {distribution: exponential, mean: 5ms}\n    cache: {entries: 10, write_policy: invalidate}",
            path: "nodes[7].cache.write_policy", errorLine: 40,
            message: "write_policy applies only to caches of database data; a cdn edge holds static assets, which nothing writes"),
        Case(
            line: 39,
            replacement: "    service: {distribution: exponential, mean: 5ms}\n    cache: {entries: 10, coalesce: true}",
            path: "nodes[7].cache.coalesce", errorLine: 40,
            message: "coalesce applies only to caches of database data; a cdn edge's origin serves static assets"),
        Case(
            line: 39, replacement: "    service: none", path: "nodes[7].service", errorLine: 39,
            message: "expected a mapping with distribution and mean: a cdn node \(mustServe)"),
        Case(
            line: 38, replacement: "    kind: cdn\n    region: us", path: "nodes[7].region", errorLine: 39,
            message: "the workload declares no regions, so the edge serves every user; leave region out"),
        Case(
            line: 39,
            replacement:
                "    service: {distribution: exponential, mean: 5ms}\n  - id: edge2\n    kind: cdn\n    service: {distribution: exponential, mean: 5ms}",
            path: "nodes[8]", errorLine: 40,
            message: "nodes[7] already serves every user; without regions, a workload has one CDN edge at most"),
        Case(
            line: 7, replacement: "  entry: edge", path: "workload.entry", errorLine: 7,
            message: "\"edge\" is a cdn edge, which sends its misses on to the entry, so it cannot be one"),
        Case(
            line: 7, replacement: "", path: "workload.entry", errorLine: 4,
            message: "missing required field; expected a node id"),
        // Workload.
        Case(
            line: 7, replacement: "  entry: web\n  dns: {ttl: 0s}", path: "workload.dns.ttl", errorLine: 8,
            message: "expected a duration greater than 0, got \"0s\""),
        Case(
            line: 7, replacement: "  entry: web\n  dns: {resolvers: 0}", path: "workload.dns.resolvers", errorLine: 8,
            message: "expected a positive integer, got 0"),
        Case(
            line: 7, replacement: "  entry: web\n  dns: {resolvers: 100001}", path: "workload.dns.resolvers", errorLine: 8,
            message: "expected at most 100_000, got 100001"),
        Case(
            line: 7, replacement: "  entry: web\n  dns: {tll: 1s}", path: "workload.dns.tll", errorLine: 8,
            message: "unknown field \"tll\"; expected one of: ttl, resolvers (did you mean ttl?)"),
        Case(
            line: 7, replacement: "  entry: web\n  retries: {limit: 11}", path: "workload.retries.limit", errorLine: 8,
            message: "expected at most 10, got 11"),
        Case(
            line: 7, replacement: "  entry: web\n  retries: {limit: -1}", path: "workload.retries.limit", errorLine: 8,
            message: "expected an integer from 0 to 10, got -1"),
        Case(
            line: 7, replacement: "  entry: web\n  retries: {backoff: 1s}", path: "workload.retries.limit", errorLine: 8,
            message: "missing required field; expected an integer from 0 to 10"),
        Case(
            line: 7, replacement: "  entry: web\n  retries: {limit: 2, backoff: 0ms}", path: "workload.retries.backoff",
            errorLine: 8,
            message: "expected a duration greater than 0, got \"0ms\""),
        Case(
            line: 7, replacement: "  entry: web\n  retries: 3", path: "workload.retries", errorLine: 8,
            message: "expected a mapping with limit and backoff, got 3"),
        Case(
            line: 7, replacement: "  entry: web\n  regions: us", path: "workload.regions", errorLine: 8,
            message: "expected a list of regions such as [{name: us, share: 0.6}, {name: eu, share: 0.4}], got \"us\""),
        Case(
            line: 7, replacement: "  entry: web\n  regions:\n    - {name: us, share: 1}\n    - {name: us, share: 1}",
            path: "workload.regions[1].name", errorLine: 10,
            message: "duplicate region name \"us\"; workload.regions[0] has it already"),
        Case(
            line: 7, replacement: "  entry: web\n  regions: [{name: us, share: 0}]", path: "workload.regions[0].share",
            errorLine: 8,
            message: "expected a number greater than 0, got 0"),
        Case(
            line: 7, replacement: "  entry: web\n  regions: [{name: us}]", path: "workload.regions[0].share", errorLine: 8,
            message: "missing required field; expected a number greater than 0"),
        Case(
            line: 7, replacement: "  entry: web\n  regions: [{name: u s, share: 1}]", path: "workload.regions[0].name",
            errorLine: 8,
            message: "expected a name of 1 to 64 letters, digits, - or _, got \"u s\""),
        Case(
            line: 7, replacement: "  entry: web\n  regions: [{name: us, share: 1, weight: 2}]",
            path: "workload.regions[0].weight",
            errorLine: 8, message: "unknown field \"weight\"; expected one of: name, share"),
        Case(
            line: 7, replacement: "  entry: web\n  static_assets: {count: 0}", path: "workload.static_assets.count", errorLine: 8,
            message: "expected a positive integer, got 0"),
        Case(
            line: 7, replacement: "  entry: web\n  static_assets: {zipf: 11}", path: "workload.static_assets.zipf", errorLine: 8,
            message: "expected a number from 0 to 10, got 11"),
        Case(
            line: 7, replacement: "  entry: web\n  static: {count: 10}", path: "workload.static", errorLine: 8,
            message:
                "unknown field \"static\"; expected one of: users, rate_per_user, mix, keys, shape, entry, requests, dns, retries, regions, static_assets, response_kb, client_timeout"
        ),
    ])
    func dataTier(_ c: Case) throws {
        try check(c)
    }

    static let geoIDs = "the ids are \"web-us\", \"web-eu\", \"db\", \"cdn-us\""

    @Test(arguments: [
        // Data centers.
        Case(
            geo: true, line: 11, replacement: "    dc: us-central", path: "nodes[0].dc", errorLine: 11,
            message: "no data center is named \"us-central\"; the data centers are \"us-east\", \"eu-west\""),
        Case(
            geo: true, line: 11, replacement: "", path: "datacenters[0].entry", errorLine: 28,
            message: "node \"web-us\" is the entry of data center \"us-east\", so it must run there: give it dc: us-east"),
        Case(
            geo: true, line: 11, replacement: "    dc: eu-west", path: "datacenters[0].entry", errorLine: 28,
            message: "node \"web-us\" is the entry of data center \"us-east\" but runs in \"eu-west\" (its dc)"),
        Case(
            geo: true, line: 28, replacement: "  - {name: us-east, entry: web-usa}", path: "datacenters[0].entry", errorLine: 28,
            message: "no node has id \"web-usa\"; \(geoIDs)"),
        Case(
            geo: true, line: 28, replacement: "  - {name: us-east, entry: cdn-us}", path: "datacenters[0].entry", errorLine: 28,
            message: "\"cdn-us\" is a cdn edge, which sends its misses on to the entry, so it cannot be one"),
        Case(
            geo: true, line: 29, replacement: "  - {name: us-east, entry: web-eu}", path: "datacenters[1].name", errorLine: 29,
            message: "duplicate data center name \"us-east\"; datacenters[0] has it already"),
        Case(
            geo: true, line: 29, replacement: "  - {name: eu west, entry: web-eu}", path: "datacenters[1].name", errorLine: 29,
            message: "expected a name of 1 to 64 letters, digits, - or _, got \"eu west\""),
        Case(
            geo: true, line: 29, replacement: "  - {name: eu-west}", path: "datacenters[1].entry", errorLine: 29,
            message: "missing required field; expected a node id"),
        Case(
            geo: true, line: 29, replacement: "  - {name: eu-west, entry: web-eu, region: eu}", path: "datacenters[1].region",
            errorLine: 29, message: "unknown field \"region\"; expected one of: name, entry"),
        Case(
            geo: true, line: 27, count: 3, replacement: "datacenters: {us-east: web-us}", path: "datacenters", errorLine: 27,
            message: "expected a list of data centers such as [{name: us-east, entry: web-us}], got a mapping"),
        Case(
            geo: true, line: 7, replacement: "  regions: [{name: us, share: 0.6}, {name: eu, share: 0.4}]\n  entry: db",
            path: "workload.entry", errorLine: 8,
            message:
                "users arrive at the entry of the data center geo-DNS picks, so expected one of \"web-us\", \"web-eu\", got \"db\""
        ),
        // A data center's entry is an entry like workload.entry: loops from it are found.
        Case(
            geo: true, line: 18, replacement: "    routes: [{to: web-eu}]", path: "nodes[1]", errorLine: 14,
            message:
                "class static requests that reach node \"web-eu\" can never leave: its routes loop back without an exit; give a route on the loop a p below 1"
        ),
        // Latency.
        Case(
            geo: true, line: 32, replacement: "  us: {us-east: 10ms}", path: "latency.us.eu-west", errorLine: 32,
            message: "missing required field; \(duration); every region needs a latency to every data center"),
        Case(
            geo: true, line: 32, replacement: "", path: "latency.us", errorLine: 31,
            message: "missing required field; expected a mapping of data center to latency, such as {us-east: 10ms}"),
        Case(
            geo: true, line: 32, replacement: "  us: 10ms", path: "latency.us", errorLine: 32,
            message: "expected a mapping of data center to latency, such as {us-east: 10ms}, got \"10ms\""),
        Case(
            geo: true, line: 32, replacement: "  asia: {us-east: 10ms, eu-west: 80ms}", path: "latency.asia", errorLine: 32,
            message: "unknown region \"asia\"; expected one of: us, eu"),
        Case(
            geo: true, line: 32, replacement: "  us: {us-east: 10ms, eu-west: 80ms, ap-south: 90ms}", path: "latency.us.ap-south",
            errorLine: 32, message: "unknown data center \"ap-south\"; expected one of: us-east, eu-west"),
        Case(
            geo: true, line: 32, replacement: "  us: {us-east: -10ms, eu-west: 80ms}", path: "latency.us.us-east", errorLine: 32,
            message: "\(duration), got \"-10ms\""),
        Case(
            geo: true, line: 30, count: 3, replacement: "", path: "latency", errorLine: 1,
            message:
                "missing required field; with both workload.regions and datacenters, expected the latency from each region to each data center, such as {us: {us-east: 10ms, eu-west: 80ms}}"
        ),
        Case(
            geo: true, line: 7, replacement: "", path: "latency", errorLine: 31,
            message: "latency is given per user region, but workload.regions declares none; declare the regions first"),
        Case(
            geo: true, line: 30, count: 3, replacement: "latency: [10ms]", path: "latency", errorLine: 30,
            message:
                "expected a mapping of each region to its latency to each data center, such as {us: {us-east: 10ms, eu-west: 80ms}}, got a list"
        ),
        // CDN edges and regions.
        Case(
            geo: true, line: 25, replacement: "", path: "nodes[3].region", errorLine: 23,
            message: "missing required field; expected the region the edge serves, one of \"us\", \"eu\""),
        Case(
            geo: true, line: 25, replacement: "    region: asia", path: "nodes[3].region", errorLine: 25,
            message: "no region is named \"asia\"; the workload's regions are \"us\", \"eu\""),
        Case(
            geo: true, line: 26,
            replacement:
                "    service: {distribution: exponential, mean: 5ms}\n  - id: cdn-us2\n    kind: cdn\n    region: us\n    service: {distribution: exponential, mean: 5ms}",
            path: "nodes[4].region", errorLine: 29,
            message: "nodes[3] already serves region \"us\"; a region has one CDN edge at most"),
    ])
    func geography(_ c: Case) throws {
        try check(c)
    }

    private func check(_ c: Case) throws {
        let yaml = replacing(c.geo ? geoPreset : dataPreset, line: c.line, count: c.count, c.replacement)
        let error = try #require(decodeError(yaml))
        #expect(error.file == "test.yaml")
        #expect(error.path == c.path)
        #expect(error.line == c.errorLine)
        #expect(error.column != nil)
        #expect(error.message == c.message)
    }
}
