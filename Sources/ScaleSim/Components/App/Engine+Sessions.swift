/// An app pool's runtime: where its sessions live, and its sticky-session table.
struct AppState: Sendable {
    var node: Int32
    var sessions: SessionMode
    var sessionTTL: SimTime
    /// Sticky sessions: per user, the pool position (plus one) holding the session in the
    /// high 12 bits and the second it was last used (mod 2^20) in the low 20; 0 for none.
    var sessionTable: [UInt32] = []
    var figures = PoolSessionFigures()

    init(node: Int32, spec: NodeSpec) {
        self.node = node
        sessions = spec.sessions
        sessionTTL = spec.sessionTTL
    }
}

/// A pool's figures about sessions that its `NodeCounters` do not window.
struct PoolSessionFigures: Sendable {
    /// Users logged out in the last closed window.
    var lostInWindow = 0
    /// Live sessions dropped when servers holding them were removed or went down.
    var dropped = 0
}

/// The app pool's room: sticky sessions held in each server's memory, lost with the server
/// or when a user's request lands on another; or a shared session store called on every
/// request instead.
extension Engine {
    /// Sticky sessions at node `n`: the request served by `server` uses its user's session;
    /// if the live session sits on another server, the user was logged out.
    mutating func useSession(request i: Int, node n: Int, server s: Int) {
        let k = Int(nodes[n].slot)
        let user = Int(requests.slots[i].user)
        if user >= appStates[k].sessionTable.count {
            appStates[k].sessionTable += [UInt32](
                repeating: 0, count: max(workload.users, user + 1) - appStates[k].sessionTable.count)
        }
        let nowSeconds = UInt32(truncatingIfNeeded: now / Nanos.perSecond) & 0xFFFFF
        let position = min(UInt32(servers[s].poolPosition) + 1, 0xFFF)
        let entry = appStates[k].sessionTable[user]
        if entry != 0 && entry >> 20 != position {
            let idle = SimTime((nowSeconds &- (entry & 0xFFFFF)) & 0xFFFFF) * Nanos.perSecond
            if idle < appStates[k].sessionTTL { nodes[n].counters.sessionsLost += 1 }
        }
        appStates[k].sessionTable[user] = position << 20 | nowSeconds
    }

    /// Live sticky sessions that servers at `positions` of node `n` hold now: sessions
    /// used within the TTL whose user's last request was served there, since the server
    /// last came back up (a server that died lost what it held before).
    func liveSessions(node n: Int, positions: [Int]) -> Int {
        guard let k = appSlot(n), appStates[k].sessions == .sticky, !positions.isEmpty, !appStates[k].sessionTable.isEmpty else {
            return 0
        }
        let pool = nodes[n].activeServers
        let nowSeconds = UInt32(truncatingIfNeeded: now / Nanos.perSecond) & 0xFFFFF
        let ttlSeconds = appStates[k].sessionTTL / Nanos.perSecond
        // Per server, keyed as the table stores it (pool position plus one): sessions idle
        // for fewer whole seconds than this are alive and were made since it came back.
        var idleLimit: [UInt32: SimTime] = [:]
        for p in positions where pool.indices.contains(p) {
            let server = servers[Int(pool[p])]
            let secondsSinceBack = (now - server.changedAt) / Nanos.perSecond
            idleLimit[min(UInt32(server.poolPosition) + 1, 0xFFF)] = min(ttlSeconds, secondsSinceBack + 1)
        }
        var live = 0
        for entry in appStates[k].sessionTable where entry != 0 {
            guard let limit = idleLimit[entry >> 20] else { continue }
            // Seconds since the session was last used, aged as `useSession` ages it.
            let idle = SimTime((nowSeconds &- (entry & 0xFFFFF)) & 0xFFFFF)
            if idle < limit { live += 1 }
        }
        return live
    }

    /// Posts a notice when servers at `positions` of node `n`, about to be removed or to go
    /// down, hold live sessions (which are lost with them).
    mutating func noteSessionsDropped(node n: Int, positions: [Int], removed: Bool) {
        let live = liveSessions(node: n, positions: positions)
        guard live > 0, let k = appSlot(n) else { return }
        appStates[k].figures.dropped += live
        notices.post(.sessionsDropped(node: spec.nodes[n].id, servers: positions, sessions: live, removed: removed), at: now)
    }

    /// Gives app pool `n` a shared session store, called on every request.
    mutating func addSessionStore(for n: Int) -> CommandResult {
        let id = spec.nodes[n].id
        guard nodes[n].kind == .app else { return .refused("\(id) is not an app pool") }
        guard nodes[n].calls < 0 else { return .refused("\(id) already calls \(spec.nodes[Int(nodes[n].calls)].id)") }
        if let refusal = refusalOverTopology(routes: 0) { return refusal }
        let store = NodeSpec(
            id: freshID("sessions"), kind: .sessionStore, servers: 1, workers: 64,
            service: .exponential(mean: 500 * Nanos.perMicrosecond), dc: spec.nodes[n].dc)
        insertNode(store, relink: false)
        spec.nodes[n].calls = store.id
        spec.nodes[n].sessions = .none
        reconcile(node: n)
        linkTopology()
        return .applied
    }

    /// Takes session store `n` away: the pools that called it keep their users' sessions in
    /// the memory of the server that served them again (sticky), as before
    /// `add session-store`.
    mutating func removeSessionStore(_ n: Int) -> CommandResult {
        let id = spec.nodes[n].id
        guard nodes[n].kind == .sessionStore else { return .refused("\(id) is not a session store") }
        if let sender = spec.nodes.first(where: { $0.routes.contains { $0.to == id } }) {
            return .refused("\(sender.id) sends requests to \(id): they would have nowhere to go")
        }
        let callers = spec.nodes.indices.filter { spec.nodes[$0].calls == id }
        let sticky = { (spec: inout SystemSpec) in
            for c in callers {
                spec.nodes[c].calls = nil
                if spec.nodes[c].kind == .app { spec.nodes[c].sessions = .sticky }
            }
        }
        if let refusal = refusalOverMemory(sticky) { return refusal }
        sticky(&spec)
        for c in callers { reconcile(node: c) }
        removeNodes([n])
        return .applied
    }
}
