/// Failure injection: servers die and come back; balancers and DNS notice after a health
/// check. A dead primary's failover lives in its room (Components/Primary).
extension Engine {
    /// Takes server `s` down (losing what it held) or brings it back.
    mutating func setServer(_ s: Int, down: Bool) {
        guard servers[s].down != down else { return }
        let n = Int(servers[s].node)
        servers[s].touch(now)
        servers[s].down = down
        servers[s].changedAt = now
        if down {
            for r in servers[s].queue.drain() {
                nodes[n].counters.failed += 1
                fail(r, .failed)
            }
            loseRequestsInService(server: s)
            servers[s].busy = 0
        } else {
            serverJoined(s, node: n)
        }
    }

    /// Fails every request being served by server `s`; their end-of-service events are still
    /// pending, so their slots are reclaimed when those fire.
    mutating func loseRequestsInService(server s: Int) {
        let n = Int(servers[s].node)
        for r in requests.slots.indices where requests.slots[r].phase == .inService && requests.slots[r].server == Int32(s) {
            if requests.slots[r].role == .user {
                nodes[n].counters.failed += 1
                countOutcome(of: r, .failed)
            }
            abandonFill(of: Int32(r), .failed)
            if requests.slots[r].breakerCall >= 0 { settleBreakerCalls(r, failed: true) }
            requests.retireLost(Int32(r))
        }
    }

    /// Kills or restores node `n`, or one server (a pool position) of it.
    mutating func setDown(node n: Int, server position: Int?, down: Bool) -> CommandResult {
        let pool = nodes[n].activeServers
        let targets: [Int32]
        if let position {
            guard pool.indices.contains(position) else {
                return .refused("\(spec.nodes[n].id) has servers 0 to \(pool.count - 1), not \(position)")
            }
            targets = [pool[position]]
        } else {
            targets = pool
        }
        if down {
            let positions = position.map { [$0] } ?? Array(pool.indices)
            noteSessionsDropped(node: n, positions: positions.filter { !servers[Int(pool[$0])].down }, removed: false)
        }
        for s in targets {
            // A kill or a restore overrides a re-sync in progress.
            servers[Int(s)].resyncing = false
            setServer(Int(s), down: down)
        }
        if crossing.simulates(n) { schedule(.healthCheck(node: Int32(n)), at: now + nodes[n].healthCheck) }
        if down && primarySlot(n) != nil && pool.allSatisfy({ servers[Int($0)].down }) {
            dropShippedWrites(primary: n)
            scheduleFailover(primary: n)
        }
        return .applied
    }

    /// Rebuilds node `n`'s rotation as its balancers see it: a server that died stays in
    /// until the health check notices, one that came back joins once a check passes.
    mutating func refreshRotation(_ n: Int) {
        let check = nodes[n].healthCheck
        nodes[n].rotation = nodes[n].activeServers.filter { s in
            let server = servers[Int(s)]
            let noticed = now - server.changedAt >= check
            return server.down ? !noticed : noticed && now >= server.warmUntil
        }
    }
}
