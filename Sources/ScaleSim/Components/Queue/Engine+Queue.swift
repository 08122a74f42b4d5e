/// The message queue's room: a producer is answered on enqueue, and a job waits for one of
/// the queue's consumers (its workers).
extension Engine {
    /// A producer's request reaches a message queue: if the queue has room, the producer is
    /// answered at once and a job waits for a consumer; a full queue drops the request.
    mutating func enqueueJob(_ r: Int32, on s: Int32) {
        let i = Int(r)
        let si = Int(s)
        let n = Int(servers[si].node)
        if servers[si].down {
            nodes[n].counters.failed += 1
            fail(r, .failed)
            return
        }
        guard servers[si].busy < workerLimit(si) || servers[si].queue.count < nodes[n].capacity else {
            nodes[n].counters.dropped += 1
            fail(r, .dropped)
            return
        }
        let key = self.key(of: i)
        let job = requests.allocate(
            born: now, user: requests.slots[i].user, key: key, requestClass: requests.slots[i].requestClass,
            role: .job)
        requests.slots[Int(job)].node = Int32(n)
        requests.slots[Int(job)].enteredNode = now
        finish(r, .completed)
        place(job, on: s)
    }

    /// Age of the oldest job waiting at queue node `n`: how far consumers lag behind.
    func consumerLag(node n: Int) -> SimTime {
        nodes[n].allServers.compactMap { servers[Int($0)].queue.first }
            .map { now - requests.slots[Int($0)].enteredNode }.max() ?? 0
    }
}

// MARK: Commands

extension Engine {
    /// Consumer servers of a queue `add queue` creates.
    static let queueConsumers = 4
    /// Mean time a consumer takes over one job of a queue `add queue` creates.
    static let queueJobTime: SimTime = 50 * Nanos.perMillisecond
    /// Jobs each consumer server of such a queue holds: room for a long burst.
    static let queueCapacity = 100_000

    /// Puts a message queue behind node `n` for `requestClass`: `n` sends that class to the
    /// queue, which answers once the job is queued, and the queue's consumers take over the
    /// routes `n` had for the class (docs/scripts.md, Components).
    mutating func addQueue(behind n: Int, for requestClass: RequestClass, workers: Int) -> CommandResult {
        let id = spec.nodes[n].id
        switch nodes[n].kind {
        case .cdn, .cache, .queue:
            return .refused("\(id) is a \(nodes[n].kind): a message queue goes behind an app server or a balancer")
        case .lb, .app, .db, .station, .replica, .sessionStore:
            break
        }
        guard (1...Self.maxWorkers).contains(workers) else {
            return .refused("a queue's consumers have 1 to \(Self.maxWorkers) workers each, not \(workers)")
        }
        let carried = carriedClasses(node: n)
        let routes = spec.nodes[n].routes
        if let queued = zip(routes, carried).first(where: { route, classes in
            classes.contains(requestClass) && spec.node(route.to)?.kind == .queue
        }) {
            return .refused("\(id) already queues its \(requestClass) requests in \(queued.0.to)")
        }
        // The routes that carried the class move to the queue; what else they carried stays.
        var taken: [RouteSpec] = []
        var kept: [RouteSpec] = []
        for (route, classes) in zip(routes, carried) {
            guard classes.contains(requestClass) else {
                kept.append(route)
                continue
            }
            var moved = route
            moved.classes = [requestClass]
            taken.append(moved)
            let rest = classes.filter { $0 != requestClass }
            if !rest.isEmpty {
                var staying = route
                staying.classes = rest
                kept.append(staying)
            }
        }
        let base = requestClass == .job ? "jobs" : "\(requestClass)-jobs"
        let queue = NodeSpec(
            id: freshID(base + copySuffix(of: n)), kind: .queue, servers: Self.queueConsumers, workers: workers,
            service: .exponential(mean: Self.queueJobTime), queueCapacity: Self.queueCapacity, routes: taken,
            dc: spec.nodes[n].dc)
        kept.append(RouteSpec(to: queue.id, classes: [requestClass], latency: Self.localLatency))
        if let refusal = refusalOverTopology(routes: taken.count + kept.count - routes.count) { return refusal }
        if let refusal = refusalOverMemory({ $0.nodes.append(queue) }) { return refusal }
        insertNode(queue, relink: false)
        spec.nodes[n].routes = kept
        linkTopology()
        return .applied
    }

    /// Takes message queue `n` away: its producers send the class it took where its
    /// consumers did (or end it themselves, if the consumers sent it nowhere) and wait for
    /// the work again. Jobs still queued are lost with it.
    mutating func removeQueue(_ n: Int) -> CommandResult {
        let id = spec.nodes[n].id
        guard nodes[n].kind == .queue else { return .refused("\(id) is not a message queue") }
        let targets = Set(spec.nodes[n].routes.map(\.to)).sorted()
        guard targets.count <= 1 else {
            return .refused(
                "\(id)'s consumers send to \(targets.joined(separator: ", ")): "
                    + "its producers cannot send the work to one node in their place")
        }
        if let behind = targets.first {
            redirect(from: id, to: behind)
        } else {
            for sender in spec.nodes.indices { dropRoutes(of: sender, to: id) }
        }
        removeNodes([n], successors: targets.first.flatMap { nodeIndex[$0] }.map { [n: Int($0)] } ?? [:])
        return .applied
    }
}
