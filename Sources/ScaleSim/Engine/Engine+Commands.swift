extension Engine {
    public static let maxServers = 10_000
    public static let maxWorkers = 100_000

    /// Applies a command at the current simulated time. Edits change capacity, never the
    /// arrival rate, and no request in flight is lost.
    public mutating func apply(_ command: SimCommand) -> CommandResult {
        switch command {
        case .setUsers(let users):
            guard (1...WorkloadSpec.maxUsers).contains(users) else {
                return .refused("users must be 1 to \(WorkloadSpec.maxUsers), got \(users)")
            }
            let peak = Double(users) * workload.ratePerUser * workload.maxFactor
            guard peak <= WorkloadSpec.maxRate else {
                return .refused("\(users) users would send \(Int(peak)) requests/s; the limit is \(Int(WorkloadSpec.maxRate))")
            }
            workload.users = users
            spec.workload.users = users
            workload.updateRate()
            scheduleNextArrival()
            return .applied
        case .setServers(let id, let count):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            guard count >= 1 else { return .refused("\(id) needs at least one server") }
            guard count <= Self.maxServers else { return .refused("\(id): at most \(Self.maxServers) servers") }
            resizePool(n, to: count)
            spec.nodes[n].servers = count
            return .applied
        case .setWorkers(let id, let count):
            guard let n = nodeIndex[id].map(Int.init) else { return .refused("no node named \(id)") }
            guard (1...Self.maxWorkers).contains(count) else {
                return .refused("\(id): workers must be 1 to \(Self.maxWorkers), got \(count)")
            }
            setWorkers(n, to: count)
            spec.nodes[n].workers = count
            return .applied
        default:
            return .refused("not yet")
        }
    }

    /// Adds servers (reusing retired ones first) or retires the newest ones; the queues of
    /// retired servers are handed to the servers that stay.
    mutating func resizePool(_ n: Int, to count: Int) {
        markCapacity(of: n)
        var orphans: [Int32] = []
        while nodes[n].activeServers.count > count {
            let s = nodes[n].activeServers.removeLast()
            servers[Int(s)].touch(now)
            orphans += servers[Int(s)].queue.drain()
            nodes[n].retiredServers.append(s)
        }
        while nodes[n].activeServers.count < count {
            if let s = nodes[n].retiredServers.popLast() {
                nodes[n].activeServers.append(s)
            } else {
                nodes[n].activeServers.append(Int32(servers.count))
                servers.append(ServerRuntime(node: Int32(n), now: now))
            }
        }
        nodes[n].ring = ConsistentHashRing(servers: count)
        for r in orphans {
            place(r, on: pickServer(node: n, policy: nodes[n].policy, request: Int(r)))
        }
    }

    /// Changes workers per server; new workers take queued requests at once, and surplus
    /// busy workers finish their request before they go.
    mutating func setWorkers(_ n: Int, to count: Int) {
        markCapacity(of: n)
        nodes[n].workers = Int32(count)
        for s in nodes[n].activeServers {
            let si = Int(s)
            servers[si].touch(now)
            while servers[si].busy < nodes[n].workers, !servers[si].queue.isEmpty {
                servers[si].busy += 1
                startNextQueued(server: si)
            }
        }
    }
}
