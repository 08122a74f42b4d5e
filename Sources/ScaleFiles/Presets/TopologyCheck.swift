import ScaleSim

/// The rules between a node and what it names beyond its routes, checked once every node,
/// data center and region is read.
///
/// - `replica_of` names a `db` that is not sharded.
/// - `calls` names another node that answers calls: one with a service time that is not a
///   queue (a queue answers on enqueue, so the call would never come back). A node that
///   keeps its sessions in a session store does not also keep them sticky.
/// - `dc` names a declared data center, and each data center's entry runs in it.
/// - A `cdn` edge serves one declared region (the only one, when none are declared), and
///   each region has one edge at most.
struct TopologyCheck {
    let reader: SchemaReader
    let nodes: [NodeSpec]
    let sites: [SchemaReader.NodeSite]
    let indexByID: [String: Int]
    /// The workload's region names; empty for the single implicit region.
    let regions: [String]
    let datacenters: [DataCenterSpec]
    let datacenterSites: [SchemaReader.DataCenterSite]

    func run() throws(PresetError) {
        var edgeOfRegion: [String: Int] = [:]
        for n in nodes.indices {
            if let primary = nodes[n].replicaOf { try checkReplica(n, of: primary) }
            if let callee = nodes[n].calls { try checkCall(n, to: callee) }
            if let dc = nodes[n].dc { try checkPlacement(n, in: dc) }
            if nodes[n].kind == .cdn { try checkEdge(n, edges: &edgeOfRegion) }
        }
        for (d, datacenter) in datacenters.enumerated() { try checkEntry(d, datacenter) }
    }

    private func checkReplica(_ n: Int, of primary: String) throws(PresetError) {
        let site = sites[n]
        let path = site.path + ".replica_of"
        let origin = site.origin(of: "replica_of")
        guard let p = indexByID[primary] else {
            throw reader.fail(origin, path, "no node has id \(TerminalSafe.quoted(primary)); \(SchemaReader.idList(nodes))")
        }
        guard nodes[p].kind == .db else {
            throw reader.fail(
                origin, path,
                "expected the id of a db node, got \(TerminalSafe.quoted(primary)), which is kind \(nodes[p].kind.rawValue)")
        }
        guard nodes[p].shards == 1 else {
            throw reader.fail(
                origin, path,
                "\(TerminalSafe.quoted(primary)) has \(nodes[p].shards) shards; replicas of a sharded database are not modelled")
        }
    }

    private func checkCall(_ n: Int, to callee: String) throws(PresetError) {
        let path = sites[n].path + ".calls"
        let origin = sites[n].origin(of: "calls")
        guard let c = indexByID[callee] else {
            throw reader.fail(origin, path, "no node has id \(TerminalSafe.quoted(callee)); \(SchemaReader.idList(nodes))")
        }
        guard c != n else { throw reader.fail(origin, path, "a node cannot call itself") }
        guard nodes[c].service != .none else {
            throw reader.fail(
                origin, path,
                "\(TerminalSafe.quoted(callee)) has service: none, so it would pass the call on instead of answering it")
        }
        guard nodes[c].kind != .queue else {
            throw reader.fail(
                origin, path,
                "\(TerminalSafe.quoted(callee)) is a queue, which answers on enqueue, so the call would never come back")
        }
        // Sessions live either in each server's memory or in the shared store, not both.
        if nodes[c].kind == .sessionStore, nodes[n].sessions == .sticky {
            throw reader.fail(
                sites[n].origin(of: "sessions"), sites[n].path + ".sessions",
                "sessions live in the session store \(TerminalSafe.quoted(callee)) this node calls, so they are not sticky; "
                    + "leave sessions out or make it none")
        }
    }

    private func checkPlacement(_ n: Int, in dc: String) throws(PresetError) {
        guard !datacenters.contains(where: { $0.name == dc }) else { return }
        let message =
            datacenters.isEmpty
            ? "no data centers are declared; declare them in the top-level datacenters, or leave dc out"
            : "no data center is named \(TerminalSafe.quoted(dc)); the data centers are \(Self.quotedList(datacenters.map(\.name)))"
        throw reader.fail(sites[n].origin(of: "dc"), sites[n].path + ".dc", message)
    }

    /// A CDN edge's region: declared, and not served by another edge.
    private func checkEdge(_ n: Int, edges: inout [String: Int]) throws(PresetError) {
        let site = sites[n]
        let path = site.path + ".region"
        let origin = site.origin(of: "region")
        if regions.isEmpty, nodes[n].region != nil {
            throw reader.fail(
                origin, path, "the workload declares no regions, so the edge serves every user; leave region out")
        }
        if !regions.isEmpty {
            guard let region = nodes[n].region else {
                throw reader.fail(
                    site.origin, path,
                    "missing required field; expected the region the edge serves, one of \(Self.quotedList(regions))")
            }
            guard regions.contains(region) else {
                throw reader.fail(
                    origin, path,
                    "no region is named \(TerminalSafe.quoted(region)); the workload's regions are \(Self.quotedList(regions))")
            }
        }
        let region = nodes[n].region ?? ""
        if let other = edges[region] {
            guard regions.isEmpty else {
                throw reader.fail(
                    origin, path,
                    "\(sites[other].path) already serves region \(TerminalSafe.quoted(region)); a region has one CDN edge at most"
                )
            }
            throw reader.fail(
                site.origin, site.path,
                "\(sites[other].path) already serves every user; without regions, a workload has one CDN edge at most")
        }
        edges[region] = n
    }

    /// A data center's entry runs in it, so that losing the data center takes the entry down too.
    private func checkEntry(_ d: Int, _ datacenter: DataCenterSpec) throws(PresetError) {
        guard let n = indexByID[datacenter.entry], nodes[n].dc != datacenter.name else { return }
        let entry = TerminalSafe.quoted(datacenter.entry)
        let name = TerminalSafe.quoted(datacenter.name)
        let message =
            if let dc = nodes[n].dc {
                "node \(entry) is the entry of data center \(name) but runs in \(TerminalSafe.quoted(dc)) (its dc)"
            } else {
                "node \(entry) is the entry of data center \(name), so it must run there: give it dc: \(datacenter.name)"
            }
        throw reader.fail(datacenterSites[d].entryOrigin, datacenterSites[d].path + ".entry", message)
    }

    private static func quotedList(_ names: [String]) -> String {
        names.map(TerminalSafe.quoted).joined(separator: ", ")
    }
}
