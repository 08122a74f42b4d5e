import ScaleFiles
@testable import ScaleSim
import Testing

/// `global` is twenty-million-users' million requests per second spread over four data
/// centers, each serving its own region, with the one primary in us-east
/// (Presets/global.yaml): reads stay near their users, and every write crosses to the
/// primary, so writes are slower the farther their data center is from us-east.
@Suite struct GlobalPresetTests {
    /// The share of its requests each cache and CDN edge answers itself after the 20 s
    /// warm-up, a little below what `scaletop run global --duration 40s --warmup 20s`
    /// measures (the preset's header): the rest go on along their routes.
    static let answered = [
        "cdn-us": 0.85, "cdn-eu": 0.85, "cdn-ap": 0.85, "cdn-sa": 0.85,
        "cache-us": 0.36, "cache-eu": 0.33, "cache-ap": 0.28, "cache-sa": 0.19,
    ]

    /// Requests per second each node serves when every region's users reach the data
    /// center nearest them: static requests first at their region's CDN edge, the edge's
    /// misses and every other class at the data center's entry, then along the routes (a
    /// cache's reads on its `on: miss` routes once `answered` are taken out), and the node
    /// a node `calls` as often as the caller.
    static func offeredRates(_ spec: SystemSpec) throws -> [String: Double] {
        let nodes = Dictionary(uniqueKeysWithValues: spec.nodes.map { ($0.id, $0) })
        var rates: [String: Double] = [:]
        func serve(_ id: String, _ requestClass: RequestClass, _ rate: Double) throws {
            let node = try #require(nodes[id], "no node \(id)")
            rates[id, default: 0] += rate
            if let called = node.calls { rates[called, default: 0] += rate }
            var rate = rate
            var routes = node.routes.filter { $0.outcome == nil }
            if node.kind == .cache && requestClass == .read {
                rate *= 1 - (try #require(answered[id], "\(id) answers no share"))
                routes = node.routes.filter { $0.outcome == .miss }
            }
            let named = routes.filter { $0.classes?.contains(requestClass) == true }
            for route in named.isEmpty ? routes.filter({ $0.classes == nil }) : named {
                try serve(route.to, requestClass, rate * (route.probability ?? 1))
            }
        }
        let mixTotal = spec.workload.mix.values.reduce(0, +)
        let shareTotal = spec.workload.regions.reduce(0) { $0 + $1.share }
        for region in spec.workload.regions {
            let home = try #require(nearestDataCenter(spec, region: region.name))
            let entry = try #require(spec.datacenters.first { $0.name == home }?.entry)
            for (requestClass, weight) in spec.workload.mix {
                var rate = spec.workload.baseRate * region.share / shareTotal * weight / mixTotal
                if requestClass == .static, let edge = spec.nodes.first(where: { $0.kind == .cdn && $0.region == region.name }) {
                    rates[edge.id, default: 0] += rate
                    rate *= 1 - (try #require(answered[edge.id], "\(edge.id) answers no share"))
                }
                try serve(entry, requestClass, rate)
            }
        }
        return rates
    }

    /// The data center with the least latency from `region`'s users.
    static func nearestDataCenter(_ spec: SystemSpec, region: String) -> String? {
        spec.latencies.filter { $0.region == region }.min { $0.latency < $1.latency }?.dc
    }

    /// By utilization = rate x mean service / (servers x workers), no tier is past 65% busy,
    /// and neither is any replica server's single apply worker, which applies every write.
    @Test func noTierIsPastSixtyFivePercentBusy() throws {
        let spec = try Stage.spec("global")
        #expect(spec.workload.baseRate == 1_000_000)
        let rates = try Self.offeredRates(spec)
        for node in spec.nodes where node.service != .none {
            let rate = try #require(rates[node.id], "\(node.id) serves nothing")
            let utilization = rate * Nanos.seconds(node.service.mean) / Double(node.servers * node.workers)
            #expect(utilization < 0.65, "\(node.id): \(utilization)")
        }
        let writes = spec.workload.baseRate * (spec.workload.mix[.write] ?? 0) / spec.workload.mix.values.reduce(0, +)
        #expect(abs(writes - 100_000) < 1)
        for replica in spec.nodes where replica.kind == .replica {
            let apply = try #require(replica.apply, "\(replica.id) applies at once")
            #expect(writes * Nanos.seconds(apply.mean) < 0.65, "\(replica.id)'s apply worker")
        }
    }

    /// Every data center has a one-way latency to every other, none longer than the way
    /// through a third, and each region's users are nearest their own data center.
    @Test func everyPairOfDataCentersHasALatency() throws {
        let spec = try Stage.spec("global")
        let names = spec.datacenters.map(\.name)
        #expect(names.count == 4)
        for a in names {
            for b in names where b != a {
                #expect(spec.datacenterLatency(from: a, to: b) > 0, "\(a) to \(b)")
                for c in names where c != a && c != b {
                    let around = spec.datacenterLatency(from: a, to: c) + spec.datacenterLatency(from: c, to: b)
                    #expect(spec.datacenterLatency(from: a, to: b) <= around, "\(a) to \(b), or through \(c)")
                }
            }
        }
        let homes = try spec.workload.regions.map { try #require(Self.nearestDataCenter(spec, region: $0.name)) }
        #expect(Set(homes) == Set(names), "each data center serves a region of its own")
    }

    /// A write from a data center other than the primary's crosses to it with the latency
    /// between them, and reaches each far replica pool after that latency too; so many
    /// writes are then on their way to a replica server that each stays under the 10,000
    /// a server may hold unapplied before it re-syncs (docs/presets.md, Limits).
    @Test func everyFarRouteToThePrimaryCarriesItsLatency() throws {
        let spec = try Stage.spec("global")
        let db = try #require(spec.nodes.first { $0.kind == .db })
        let primary = try #require(db.dc)
        var far = 0
        for node in spec.nodes {
            for route in node.routes where route.to == db.id {
                let dc = try #require(node.dc, "\(node.id) runs in no data center")
                #expect(route.latency == spec.datacenterLatency(from: dc, to: primary), "\(node.id) -> \(db.id)")
                if dc != primary { far += 1 }
            }
        }
        #expect(far == 3)
        let writes = spec.workload.baseRate * (spec.workload.mix[.write] ?? 0) / spec.workload.mix.values.reduce(0, +)
        for pool in spec.nodes where pool.kind == .replica {
            let dc = try #require(pool.dc)
            if dc != primary { #expect(pool.replicationDelay == spec.datacenterLatency(from: primary, to: dc), "\(pool.id)") }
            #expect(writes * Nanos.seconds(pool.replicationDelay) < 0.95 * Double(ApplyLog.limit), "\(pool.id)")
        }
    }

    /// Four caches of 500,000 entries hold less than twenty-million-users' two of a
    /// million, so the whole system's data stays under 256 MiB once full.
    @Test func itsDataStaysWithinTheMemoryBound() throws {
        let global = try Stage.spec("global")
        let twenty = try Stage.spec("twenty-million-users")
        #expect(global.dataMemoryBound < twenty.dataMemoryBound)
        #expect(global.dataMemoryBound < 256 << 20)
        #expect(global.dataMemoryProblem == nil)
    }

    /// The users of the region farthest from the primary, alone and a thousand times fewer
    /// (1,000 requests/s over 100,000 keys): their reads stay in their data center, and
    /// each write pays their round trip to it and the crossing to us-east on top.
    @Test func writesFromTheFarthestRegionAreSlowerThanItsReads() throws {
        var spec = try Stage.spec("global")
        let primary = try #require(spec.nodes.first { $0.kind == .db }?.dc)
        let farthest = try #require(
            spec.workload.regions.max { a, b in
                spec.datacenterLatency(from: primary, to: Self.nearestDataCenter(spec, region: a.name) ?? primary)
                    < spec.datacenterLatency(from: primary, to: Self.nearestDataCenter(spec, region: b.name) ?? primary)
            })
        #expect(farthest.name == "ap")
        let home = try #require(Self.nearestDataCenter(spec, region: farthest.name))
        let nearby = try #require(spec.latencies.first { $0.region == farthest.name && $0.dc == home })
        let roundTrip = 2 * nearby.latency
        spec.workload.regions = [RegionShare(name: farthest.name, share: 1)]
        spec.workload.users = 20_000
        spec.workload.keys.count = 100_000
        let summary = Stage.run(spec, seconds: 6, warmup: 1).summary()
        #expect(summary.errors == 0)
        let reads = try summary.requestClass(.read)
        let writes = try summary.requestClass(.write)
        let readP99 = try #require(reads.p99)
        let writeP50 = try #require(writes.p50)
        #expect(readP99 < roundTrip + 20 * Nanos.perMillisecond, "reads p99 \(readP99) ns")
        #expect(writeP50 > roundTrip + spec.datacenterLatency(from: home, to: primary), "writes p50 \(writeP50) ns")
        #expect(writeP50 > readP99)
    }
}
