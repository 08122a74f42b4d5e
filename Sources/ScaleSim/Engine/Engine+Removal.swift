/// Taking nodes out of the running system: what was inside them is counted, and every index
/// that named a node is renumbered, so the engine afterwards is the one its spec would build
/// (docs/architecture.md, Removing a node).
extension Engine {
    /// What a removal cost: requests failed inside the removed nodes, and queued jobs lost.
    struct RemovalLosses {
        var requests = 0
        var jobs = 0
    }

    /// Removes the nodes at `doomed` (indices) from the spec and the runtime. The caller
    /// has already rewritten every route, call and entry that led to them.
    ///
    /// A request on its way to a removed node that has a `successor` (the pool behind a
    /// balancer, the node behind a cache) arrives there instead. Every other request inside
    /// a removed node or on its way to one fails and is counted (a user's request end to
    /// end; a queued job, which no user waits for, in the notice). Servers keep their
    /// numbers: pending events name them, so the removed ones stay in `servers`, empty and
    /// belonging to no node.
    mutating func removeNodes(_ doomed: Set<Int>, successors: [Int: Int] = [:]) {
        guard !doomed.isEmpty else { return }
        var losses = RemovalLosses()
        failRequests(at: doomed, successors: successors, losses: &losses)
        var renumbered = [Int32](repeating: -1, count: nodes.count)
        var next: Int32 = 0
        for n in nodes.indices where !doomed.contains(n) {
            renumbered[n] = next
            next += 1
        }
        let removedIDs = doomed.sorted().map { spec.nodes[$0].id }
        renumberRequests(renumbered)
        renumberServers(renumbered)
        renumberTimers(renumbered)
        renumberKindStates(renumbered)
        links.renumber(renumbered)

        let kept = nodes.indices.filter { !doomed.contains($0) }
        nodes = Column(kept.map { nodes[$0] })
        spec.nodes = kept.map { spec.nodes[$0] }
        nodeIndex = Dictionary(uniqueKeysWithValues: spec.nodes.enumerated().map { ($1.id, Int32($0)) })
        // Route tables hold node numbers: every one is compiled again.
        for n in nodes.indices { nodes[n].compiledRoutes = nil }
        workload.entry = nodeIndex[spec.workload.entry] ?? 0
        linkTopology()
        if crossing.isPartitioned {
            // Every partition lost its own part: the coordinator posts one notice for all.
            crossing.removal = (removedIDs, losses)
        } else {
            notices.post(.nodesRemoved(nodes: removedIDs, requestsFailed: losses.requests, jobsLost: losses.jobs), at: now)
        }
    }

    /// Fails every request inside the nodes `doomed` (queued, in service) or travelling to
    /// one without a successor; one travelling to a node with a successor goes there.
    private mutating func failRequests(at doomed: Set<Int>, successors: [Int: Int], losses: inout RemovalLosses) {
        for n in doomed {
            for s in nodes[n].allServers.map(Int.init) {
                servers[s].touch(now)
                for r in servers[s].queue.drain() { lose(r, losses: &losses, eventPending: false) }
                servers[s].busy = 0
                servers[s].down = true
                servers[s].applyLog = ApplyLog()
            }
        }
        for i in requests.slots.indices {
            let slot = requests.slots[i]
            guard slot.node >= 0, doomed.contains(Int(slot.node)) else { continue }
            switch slot.phase {
            case .travelling:
                if let next = successors[Int(slot.node)], !doomed.contains(next) {
                    requests.slots[i].node = Int32(next)
                } else {
                    lose(Int32(i), losses: &losses, eventPending: true)
                }
            case .inService:
                lose(Int32(i), losses: &losses, eventPending: true)
            case .coalesced:
                lose(Int32(i), losses: &losses, eventPending: false)
            case .queued, .lost, .free, .connecting:
                break
            }
        }
    }

    /// Request `r` fails with its node: a user's request is counted end to end (with no
    /// retry: the client's attempt ended where nothing is any more), a job is lost.
    private mutating func lose(_ r: Int32, losses: inout RemovalLosses, eventPending: Bool) {
        if requests.slots[Int(r)].role == .user {
            losses.requests += 1
        } else {
            losses.jobs += 1
        }
        abandonFill(of: r, .failed)
        finish(r, .failed, eventPending: eventPending)
    }

    private mutating func renumberRequests(_ renumbered: [Int32]) {
        func map(_ n: Int32) -> Int32 { n >= 0 ? renumbered[Int(n)] : n }
        for i in requests.slots.indices where requests.slots[i].phase != .free {
            requests.slots[i].node = map(requests.slots[i].node)
            requests.slots[i].fillCache = map(requests.slots[i].fillCache)
            requests.slots[i].returnTo = map(requests.slots[i].returnTo)
            // While travelling, `server` is the node that sent the request.
            if requests.slots[i].phase == .travelling { requests.slots[i].server = map(requests.slots[i].server) }
        }
        for k in breakerCalls.indices {
            breakerCalls[k].from = map(breakerCalls[k].from)
            breakerCalls[k].to = map(breakerCalls[k].to)
        }
    }

    private mutating func renumberServers(_ renumbered: [Int32]) {
        for s in servers.indices where servers[s].node >= 0 {
            servers[s].node = renumbered[Int(servers[s].node)]
        }
    }

    /// Timers of removed nodes (and of their servers) are cancelled; the rest renumbered.
    private mutating func renumberTimers(_ renumbered: [Int32]) {
        for k in timers.indices {
            guard let timer = timers[k] else { continue }
            switch timer {
            case .healthCheck(let n):
                timers[k] = renumbered[Int(n)] >= 0 ? .healthCheck(node: renumbered[Int(n)]) : nil
            case .failover(let n):
                timers[k] = renumbered[Int(n)] >= 0 ? .failover(primary: renumbered[Int(n)]) : nil
            case .cacheWriteArrives(let n):
                timers[k] = renumbered[Int(n)] >= 0 ? .cacheWriteArrives(cache: renumbered[Int(n)]) : nil
            case .fillArrives(let n, let key, let version):
                timers[k] = renumbered[Int(n)] >= 0 ? .fillArrives(cache: renumbered[Int(n)], key: key, version: version) : nil
            case .resyncDone(let s):
                if servers[Int(s)].node < 0 { timers[k] = nil }
            case .script, .partitionCaughtUp, .breakerHalfOpen, .breakerOutcome:
                break
            }
        }
    }

    /// Drops the kind state of removed nodes and renumbers the rest, slots included.
    private mutating func renumberKindStates(_ renumbered: [Int32]) {
        // Slots are written on the old node numbers, before the node arrays are compacted.
        func retarget<State>(_ states: inout [State], node: (State) -> Int32, set: (inout State, Int32) -> Void) {
            states = states.filter { renumbered[Int(node($0))] >= 0 }
            for k in states.indices { nodes[Int(node(states[k]))].slot = Int32(k) }
            for k in states.indices { set(&states[k], renumbered[Int(node(states[k]))]) }
        }
        var caches = Array(cacheStates)
        retarget(&caches, node: \.node) { $0.node = $1 }
        cacheStates = Column(caches)
        retarget(&primaryStates, node: \.node) { $0.node = $1 }
        retarget(&replicaPoolStates, node: \.node) { $0.node = $1 }
        retarget(&appStates, node: \.node) { $0.node = $1 }
        rateLimiters = rateLimiters.filter { renumbered[Int($0.node)] >= 0 }
        for k in rateLimiters.indices {
            nodes[Int(rateLimiters[k].node)].rateLimiter = Int32(k)
            rateLimiters[k].node = renumbered[Int(rateLimiters[k].node)]
        }
    }
}
