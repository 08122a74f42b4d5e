import ScaleFiles
import ScaleSim

/// Why a key had nothing to act on, said to the user in the event log.
public struct NoTarget: Error, Sendable, Equatable {
    public var message: String
}

/// Turns a building key into the engine command it stands for, picking the node it acts
/// on: the selected node when it fits, else the obvious one (the app pool, the database).
/// A destructive key acts only on the selected node, never on a guess.
public struct CommandTargets: Sendable {
    public var snapshot: SimulationSnapshot
    public var selection: String?

    var selected: NodeSnapshot? { snapshot.nodes.first { $0.id == selection } }

    /// The selected node if it is of one of `kinds`, else the busiest such node by its
    /// hottest member, as the advisor ranks them (the first of equals): in a system of
    /// several app pools, `a` relieves the pool the advisor names, not the first one.
    func node(_ kinds: Set<NodeKind>, where condition: (NodeSnapshot) -> Bool = { _ in true }) -> NodeSnapshot? {
        if let selected, kinds.contains(selected.kind), condition(selected) { return selected }
        return snapshot.nodes.filter { kinds.contains($0.kind) && condition($0) }.max { $0.peakLoad < $1.peakLoad }
    }

    /// The database a data-tier key acts on: the selected one, the primary of a selected
    /// replica pool or cache, else the first primary.
    var database: NodeSnapshot? {
        if let selected {
            if selected.kind == .db { return selected }
            let primary =
                selected.spec.replicaOf
                ?? (selected.kind == .cache ? selected.spec.routes.first { $0.outcome == .miss }?.to : nil)
            if let primary, let node = snapshot.nodes.first(where: { $0.id == primary && $0.kind == .db }) { return node }
        }
        return snapshot.nodes.first { $0.kind == .db }
    }

    /// The value after `value` in `list`, wrapping round.
    static func after<T: Equatable>(_ value: T, in list: [T]) -> T {
        list[((list.firstIndex(of: value) ?? 0) + 1) % list.count]
    }

    /// The selected node when it is `what` (any node by default); else why not, with the
    /// nodes it could be when they are few enough to name. `purpose` ends the hint: "select a
    /// node first (Tab or arrows) to kill or restore it".
    func requireSelection(
        to purpose: String, _ what: String = "a node", where fits: (NodeSnapshot) -> Bool = { _ in true }
    ) -> Result<NodeSnapshot, NoTarget> {
        if let selected, fits(selected) { return .success(selected) }
        let candidates = snapshot.nodes.filter(fits).map(\.id)
        let named = candidates.count <= Self.namedCandidates ? ": " + candidates.joined(separator: ", ") : ""
        let notIt = selected.map { "\($0.id) is not \(what); " } ?? ""
        return .failure(NoTarget(message: "\(notIt)select \(what) first (Tab or arrows) to \(purpose)\(named)"))
    }

    /// At most this many nodes are named in a hint.
    static let namedCandidates = 4

    /// The data center of the selected node; else why not, naming the data centers.
    /// `purpose` ends the hint, as for `requireSelection`.
    func selectedDataCenter(to purpose: String) -> Result<DataCenterStatus, NoTarget> {
        guard !snapshot.datacenters.isEmpty else {
            return .failure(NoTarget(message: "there are no data centers in this preset"))
        }
        guard let dc = selected?.spec.dc, let status = snapshot.datacenters.first(where: { $0.name == dc }) else {
            let notIt = selected.map { "\($0.id) is in no data center; " } ?? ""
            let names = snapshot.datacenters.map(\.name).joined(separator: ", ")
            return .failure(
                NoTarget(message: "\(notIt)select a node of the data center first (Tab or arrows) to \(purpose): \(names)"))
        }
        return .success(status)
    }

    public func command(for action: KeyAction) -> Result<SimCommand, NoTarget> {
        switch action {
        case .addAppServer:
            guard let app = node([.app]) else { return .failure(NoTarget(message: "there is no app pool")) }
            return .success(.addServers(node: app.id, count: 1))
        case .removeAppServer:
            guard node([.app]) != nil else { return .failure(NoTarget(message: "there is no app pool")) }
            return requireSelection(to: "remove a server from it", "an app pool") { $0.kind == .app }.map {
                .removeServers(node: $0.id, count: 1)
            }
        case .addReplica:
            guard let db = database else {
                return .failure(NoTarget(message: "there is no database to replicate (stage 01 splits it out)"))
            }
            return .success(.addReplicas(primary: db.id, count: 1))
        case .addCache:
            let cached = Set(snapshot.nodes.filter { $0.kind == .cache }.flatMap { $0.spec.routes.map(\.to) })
            // Unselected, the cache goes where an app pool's reads go (a replica pool once
            // there is one), so that it takes reads at all.
            let readFrom = snapshot.nodes.filter { $0.kind == .app }.flatMap { app in
                app.spec.routes.filter { $0.classes?.contains(.read) ?? true }.map(\.to)
            }
            let target =
                selected.flatMap { [.db, .replica, .station].contains($0.kind) && !cached.contains($0.id) ? $0 : nil }
                ?? readFrom.lazy.compactMap { id in
                    snapshot.nodes.first { $0.id == id && [.db, .replica].contains($0.kind) && !cached.contains(id) }
                }.first
                // With no app pool reading, the first database; with one, a cache in front of a
                // database it only writes to would take no request at all.
                ?? (readFrom.isEmpty ? snapshot.nodes.first { $0.kind == .db && !cached.contains($0.id) } : nil)
            guard let target else {
                let reason =
                    !snapshot.nodes.contains { $0.kind == .db }
                    ? "there is no database to cache (stage 01 splits it out)"
                    : readFrom.isEmpty ? "every database already has a cache" : "the app pools' reads already go through a cache"
                return .failure(NoTarget(message: reason + "; select a node to cache it"))
            }
            return .success(.addCache(front: target.id, entries: CommandGrammar.defaultCacheEntries))
        case .addLoadBalancer:
            let balanced = Set(snapshot.nodes.filter { $0.kind == .lb }.flatMap { $0.spec.routes.map(\.to) })
            guard let app = node([.app], where: { !balanced.contains($0.id) }) else {
                return .failure(NoTarget(message: "every app pool already has a load balancer"))
            }
            return .success(.addLoadBalancer(pool: app.id))
        case .cycleBalancePolicy:
            guard let lb = node([.lb]) else { return .failure(NoTarget(message: "there is no load balancer; l adds one")) }
            return .success(.setPolicy(node: lb.id, policy: Self.after(lb.spec.policy, in: BalancePolicy.allCases)))
        case .addCDN:
            let served = Set(snapshot.nodes.filter { $0.kind == .cdn }.map { Self.regionName($0.spec.region) })
            guard let region = userRegions.first(where: { !served.contains($0) }) else {
                return .failure(NoTarget(message: "every region already has a CDN edge"))
            }
            return .success(.addCDN(region: region, entries: CommandGrammar.defaultCacheEntries))
        case .addSessionStore:
            guard let app = node([.app], where: { $0.spec.calls == nil }) else {
                return .failure(NoTarget(message: "every app pool already uses a session store"))
            }
            return .success(.addSessionStore(pool: app.id))
        case .toggleAutoscale:
            guard let pool = node([.app, .station]) else { return .failure(NoTarget(message: "there is no pool to autoscale")) }
            if pool.spec.autoscale != nil { return .success(.setAutoscale(node: pool.id, policy: nil)) }
            let servers = max(1, pool.servers)
            return .success(
                .setAutoscale(node: pool.id, policy: AutoscaleSpec(min: servers, max: min(Engine.maxServers, servers * 10))))
        case .addShard:
            guard let db = database else { return .failure(NoTarget(message: "there is no database to shard")) }
            return .success(.setShards(node: db.id, count: max(2, db.spec.shards + 1)))
        case .scaleUp, .scaleDown:
            return requireSelection(to: "resize it").map { .resize(node: $0.id, steps: action == .scaleUp ? 1 : -1) }
        case .toggleDataCenter:
            return selectedDataCenter(to: "kill or restore it").map {
                $0.down ? .restoreDataCenter($0.name) : .killDataCenter($0.name)
            }
        case .togglePartition:
            return partitionToggle
        case .addDatabase:
            return databaseSplit
        case .addWorkers:
            return requireSelection(to: "add a server to it").map { node in
                // A queue's workers are the pool it feeds.
                .addServers(node: node.kind == .queue ? node.spec.routes.first?.to ?? node.id : node.id, count: 1)
            }
        case .toggleKill:
            return requireSelection(to: "kill or restore it").map {
                $0.isDown ? .restore(node: $0.id, server: nil) : .kill(node: $0.id, server: nil)
            }
        case .toggleSlow:
            return requireSelection(to: "slow it down or back to normal").map {
                .slow(node: $0.id, factor: $0.slowFactor == 1 ? 4 : 1)
            }
        case .cycleEviction, .cycleTTL, .flushCache, .toggleCoalescing:
            let isCache = { (node: NodeSnapshot) in [.cache, .cdn].contains(node.kind) && node.spec.cache != nil }
            guard let cache = node([.cache, .cdn], where: isCache), let spec = cache.spec.cache else {
                return .failure(NoTarget(message: "there is no cache; c adds one"))
            }
            switch action {
            case .cycleEviction:
                return .success(.setEviction(node: cache.id, policy: Self.after(spec.eviction, in: EvictionPolicy.allCases)))
            case .cycleTTL:
                return .success(.setTTL(node: cache.id, ttl: Self.after(spec.ttl, in: CacheDefaults.ttlLadder)))
            case .toggleCoalescing:
                // A CDN edge's origin serves static assets: coalescing is for caches of data.
                guard let target = node([.cache], where: { $0.spec.cache != nil }) else {
                    return .failure(NoTarget(message: "there is no cache of database data to coalesce; c adds one"))
                }
                return .success(.setCoalescing(node: target.id, on: target.spec.cache?.coalesce != true))
            default:
                return requireSelection(to: "flush it", "a cache", where: isCache).map { .flush(node: $0.id) }
            }
        case .toggleRetries:
            let retries = snapshot.workload.retries
            return .success(
                retries.limit > 0
                    ? .setRetries(limit: 0, backoff: retries.backoff) : .setRetries(limit: 3, backoff: 100 * Nanos.perMillisecond)
            )
        case .toggleBreaker:
            return breakerToggle()
        default:
            return .failure(NoTarget(message: "not a building key"))
        }
    }
}

/// The TTLs the dashboard's keys step through.
enum CacheDefaults {
    /// `T` steps through these TTLs.
    static let ttlLadder: [SimTime?] = [nil, 10 * Nanos.perSecond, 60 * Nanos.perSecond, 300 * Nanos.perSecond]
}
