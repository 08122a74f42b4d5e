/// The CDN edge's room: static requests of its region, answered at the edge or fetched
/// from the origin (its key store is a `CacheState`, see Components/Cache).
extension Engine {
    /// A static request at its region's CDN edge: a hit is answered at the edge, a miss goes
    /// to the origin and fills the edge when it comes back.
    mutating func lookUpEdge(_ r: Int32, cdn n: Int) {
        let i = Int(r)
        let key = self.key(of: i)
        if let k = cacheSlot(n), cacheStates[k].cache.lookup(key, now: now) != nil {
            finish(r, .completed)
        } else {
            requests.slots[i].fillCache = Int32(n)
            requests.slots[i].version = 0
            routeToOrigin(r)
        }
    }
}

// MARK: Commands

extension Engine {
    /// Adds a CDN edge for a user region (the only region, when the workload names none).
    mutating func addCDN(region: String, entries: Int) -> CommandResult {
        let regions = spec.workload.regions.map(\.name)
        guard regions.isEmpty ? region == "all" : regions.contains(region) else {
            return .refused(
                "no user region named \(region); "
                    + (regions.isEmpty ? "this workload has one region: all" : "there are \(regions.joined(separator: ", "))"))
        }
        guard (1...CacheSpec.maxEntries).contains(entries) else {
            return .refused("a CDN edge holds 1 to \(CacheSpec.maxEntries) entries, not \(entries)")
        }
        let name = regions.isEmpty ? "" : region
        guard !spec.nodes.contains(where: { $0.kind == .cdn && ($0.region ?? "") == name }) else {
            return .refused("\(region) already has a CDN edge")
        }
        if let refusal = refusalOverTopology(routes: 0) { return refusal }
        let edge = NodeSpec(
            id: freshID("cdn-\(region)"), kind: .cdn, workers: 10_000, service: .exponential(mean: 5 * Nanos.perMillisecond),
            queueCapacity: nil, cache: CacheSpec(entries: entries, ttl: Nanos.perHour), region: name)
        if let refusal = refusalOverMemory({ $0.nodes.append(edge) }) { return refusal }
        insertNode(edge)
        return .applied
    }

    /// Takes the CDN edge of a user region away: its static requests go to the data
    /// center geo-DNS picks, as before `add cdn`.
    mutating func removeCDN(region: String) -> CommandResult {
        let regions = spec.workload.regions.map(\.name)
        let name = regions.isEmpty && region == "all" ? "" : region
        guard let edge = spec.nodes.firstIndex(where: { $0.kind == .cdn && ($0.region ?? "") == name }) else {
            let served = spec.nodes.filter { $0.kind == .cdn }.map { ($0.region ?? "").isEmpty ? "all" : $0.region ?? "" }
            return .refused(
                "\(region) has no CDN edge"
                    + (served.isEmpty ? "; there is none" : "; edges serve \(served.joined(separator: ", "))"))
        }
        removeNodes([edge])
        return .applied
    }
}
