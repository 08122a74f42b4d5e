/// Which data centers the engine could simulate apart, and how far ahead each may run.
///
/// A partition is a group of data centers whose nodes must be simulated together: two data
/// centers joined by any effect with no delay (a route without latency, a call to a session
/// store, a write reaching a cache with no `dc_latency` between them) are one. Between
/// partitions every effect travels with a delay, and the least of them, the lookahead, is
/// how long a window of simulated time each partition may run before it must hear from
/// the others (docs/architecture.md, Partitions). Not to be mixed up with a network
/// partition (`Partitions`), a failure that cuts the link between two data centers.
public struct PartitionPlan: Sendable, Equatable {
    /// The data centers of each partition, in the order the system declares them; a system
    /// with one data center or none is one partition.
    public var partitions: [[String]]
    /// The least delay of an effect from one partition to another; nil with one partition.
    public var lookahead: SimTime?
    /// The effect that sets the lookahead, such as `route app-eu -> db`.
    public var limitedBy: String?
}

extension Engine {
    /// The partitions of the running system and its lookahead (see `PartitionPlan`).
    public var partitionPlan: PartitionPlan {
        var effects = crossDataCenterEffects()
        var group = Array(datacenters.indices)
        func root(_ dc: Int) -> Int {
            var dc = dc
            while group[dc] != dc { dc = group[dc] }
            return dc
        }
        for effect in effects where effect.delay == 0 {
            let (a, b) = (root(effect.from), root(effect.to))
            if a != b { group[max(a, b)] = min(a, b) }
        }
        var members: [Int: [String]] = [:]
        var order: [Int] = []
        for dc in datacenters.indices {
            let r = root(dc)
            if members[r] == nil { order.append(r) }
            members[r, default: []].append(datacenters[dc].name)
        }
        effects.removeAll { root($0.from) == root($0.to) }
        let least = effects.min { $0.delay < $1.delay }
        return PartitionPlan(
            partitions: order.isEmpty ? [[]] : order.map { members[$0] ?? [] }, lookahead: least?.delay,
            limitedBy: least?.name)
    }

    /// An effect that crosses from one data center to another, and its least delay.
    struct CrossEffect {
        enum Kind {
            case route, call, replication, cacheWrites, users, retries, breakerOutcomes
        }

        var kind: Kind
        var from: Int
        var to: Int
        var delay: SimTime
        var name: String
    }

    /// Every kind of effect between two data centers the engine simulates, with its least
    /// delay: routes and calls between nodes, replication, writes reaching caches, users
    /// reaching a data center other than their nearest, retries, and the outcomes of calls
    /// through a circuit breaker coming back to it (Parallel/Engine+BreakersAcross.swift).
    func crossDataCenterEffects() -> [CrossEffect] {
        guard datacenters.count > 1 else { return [] }
        let home = nodes.indices.map { homeDataCenter(of: $0) }
        var effects: [CrossEffect] = []
        func add(
            _ kind: CrossEffect.Kind, _ from: Int, _ to: Int, _ delay: SimTime, _ name: @autoclosure () -> String
        ) {
            if from != to { effects.append(CrossEffect(kind: kind, from: from, to: to, delay: delay, name: name())) }
        }
        let id = { (n: Int) in spec.nodes[n].id }
        for n in nodes.indices {
            for table in nodes[n].routes + nodes[n].hitRoutes + nodes[n].missRoutes {
                for route in table.routes {
                    let t = Int(route.target)
                    add(.route, home[n], home[t], route.latency, "route \(id(n)) -> \(id(t))")
                }
            }
            if nodes[n].calls >= 0 {
                let t = Int(nodes[n].calls)
                add(.call, home[n], home[t], 0, "call \(id(n)) -> \(id(t))")
            }
        }
        for pool in replicaPoolStates where pool.primary >= 0 {
            let (p, r) = (Int(pool.primary), Int(pool.node))
            add(.replication, home[p], home[r], pool.replicationDelay, "replication \(id(p)) -> \(id(r))")
        }
        for cache in cacheStates where cache.source >= 0 {
            let (p, c) = (Int(cache.source), Int(cache.node))
            add(.cacheWrites, home[p], home[c], cache.writeDelay, "writes \(id(p)) -> \(id(c))")
        }
        for breaker in breakers {
            let (f, t) = (Int(breaker.from), Int(breaker.to))
            for dc in breakerOutcomeSources(to: t).sorted() {
                add(
                    .breakerOutcomes, dc, home[f], breakerOutcomeDelay(from: dc, breaker: f, to: t),
                    "outcomes for breaker \(id(f)) -> \(id(t))")
            }
        }
        let leastBackoff = spec.workload.retries.leastBackoff
        for region in regionLatency.indices {
            let nearest = nearestDataCenter(region: region)
            let name = spec.workload.regions.indices.contains(region) ? spec.workload.regions[region].name : "the users"
            for dc in datacenters.indices {
                add(.users, nearest, dc, 2 * regionLatency[region][dc], "users of \(name) -> \(datacenters[dc].name)")
            }
            // A retry leaves from wherever its attempt failed, back to the user's side.
            if let leastBackoff {
                for dc in datacenters.indices { add(.retries, dc, nearest, leastBackoff, "retries of \(name)") }
            }
        }
        return effects
    }

    /// The data center node `n` is simulated with: its own; for a CDN edge, its region's
    /// nearest; for a node in none, the data center of the workload's entry.
    func homeDataCenter(of n: Int) -> Int {
        if nodes[n].dc >= 0 { return Int(nodes[n].dc) }
        if let region = cdnEdges.firstIndex(of: Int32(n)) { return nearestDataCenter(region: region) }
        let entry = nodes.indices.contains(Int(workload.entry)) ? Int(nodes[Int(workload.entry)].dc) : -1
        return max(0, entry)
    }

    /// The data center nearest region `region`'s users (the first of the nearest on a tie),
    /// where their arrivals are simulated.
    func nearestDataCenter(region: Int) -> Int {
        let latencies = regionLatency[region]
        return latencies.indices.min { (latencies[$0], $0) < (latencies[$1], $1) } ?? 0
    }
}
