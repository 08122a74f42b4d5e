/// How a request's life ended.
enum Outcome {
    case completed, dropped, timedOut, failed
}

extension Engine {
    // MARK: Arrivals

    /// Schedules the next candidate arrival at the peak rate (thinning handles the shape).
    mutating func scheduleNextArrival() {
        guard !workload.exhausted, workload.meanGap.isFinite else {
            workload.pendingSequence = .max
            return
        }
        let gap = Nanos.fromNanoseconds(rng.exponential(mean: workload.meanGap))
        workload.pendingSequence = events.schedule(EventTarget.arrival, at: now + gap)
    }

    /// A candidate arrival: accepted with probability factor(t)/peak factor (Lewis-Shedler
    /// thinning), which makes the stream Poisson with the shaped rate.
    mutating func handleArrival() {
        var accept = true
        if workload.maxFactor != 1 || workload.shape != .steady {
            let ratio = workload.shape.factor(at: now) / workload.maxFactor
            accept = ratio >= 1 || rng.unitOpenBelow() <= ratio
        }
        if accept { createRequest() }
        scheduleNextArrival()
    }

    mutating func createRequest() {
        workload.generated += 1
        var classIndex = 0
        if workload.classes.count > 1 {
            let u = rng.unitOpenBelow()
            while classIndex < workload.classes.count - 1 && u > workload.classCumulative[classIndex] {
                classIndex += 1
            }
        }
        let requestClass = workload.classes[classIndex]
        let user = UInt32(truncatingIfNeeded: rng.below(workload.users))
        let key = UInt32(truncatingIfNeeded: workload.zipf.sample(&rng))
        let r = requests.allocate(born: now, user: user, key: key, requestClass: requestClass)
        outcomesAll.byClass[Int(requestClass)].requests += 1
        if now >= statsStart {
            outcomesRun.byClass[Int(requestClass)].requests += 1
            liveRun += 1
        }
        enter(r, node: workload.entry, from: -1)
    }

    // MARK: Stations

    /// Request `r` arrives at `node`, sent by node `from` (-1 for a client).
    mutating func enter(_ r: Int32, node: Int32, from: Int32) {
        let i = Int(r)
        let n = Int(node)
        requests.node[i] = node
        requests.enteredNode[i] = now
        nodes[n].counters.arrivals += 1
        if nodes[n].passThrough {
            nodes[n].counters.completions += 1
            nodes[n].latency.record(0)
            leave(r, node: node)
            return
        }
        let policy = from >= 0 ? nodes[Int(from)].policy : BalancePolicy.random
        place(r, on: pickServer(node: n, policy: policy, request: i))
    }

    /// Starts `r` on server `s` if a worker is free, queues it if there is room, else drops it.
    mutating func place(_ r: Int32, on s: Int32) {
        let si = Int(s)
        let n = Int(servers[si].node)
        requests.server[Int(r)] = s
        if servers[si].busy < nodes[n].workers {
            servers[si].touch(now)
            servers[si].busy += 1
            startService(r, node: n)
        } else if servers[si].queue.count < nodes[n].capacity {
            servers[si].touch(now)
            servers[si].queue.append(r)
            requests.phase[Int(r)] = .queued
            if nodes[n].timeout > 0 && !servers[si].timerPending {
                servers[si].timerPending = true
                events.schedule(EventTarget.timeoutBase - s, at: now + nodes[n].timeout)
            }
        } else {
            nodes[n].counters.dropped += 1
            finish(r, .dropped)
        }
    }

    @inline(__always)
    mutating func startService(_ r: Int32, node n: Int) {
        requests.phase[Int(r)] = .inService
        events.schedule(r, at: now + nodes[n].sampler.sample(&rng))
    }

    /// Picks the server of `node`'s pool that receives a request, by the sender's policy.
    mutating func pickServer(node n: Int, policy: BalancePolicy, request i: Int) -> Int32 {
        let count = nodes[n].activeServers.count
        if count == 1 { return nodes[n].activeServers[0] }
        let position: Int
        switch policy {
        case .random:
            position = rng.below(count)
        case .roundRobin:
            position = nodes[n].roundRobinCursor % count
            nodes[n].roundRobinCursor = (position + 1) % count
        case .leastConnections:
            // Fewest requests at the server; ties go to the first after a rotating start.
            let start = nodes[n].roundRobinCursor % count
            nodes[n].roundRobinCursor = (start + 1) % count
            var best = start
            var bestLoad = Int.max
            for k in 0..<count {
                let p = (start + k) % count
                let s = Int(nodes[n].activeServers[p])
                let load = Int(servers[s].busy) + servers[s].queue.count
                if load < bestLoad {
                    best = p
                    bestLoad = load
                }
            }
            position = best
        case .consistentHash:
            position = nodes[n].ring.position(for: requests.user[i])
        }
        return nodes[n].activeServers[position]
    }

    /// The end of `r`'s service: free the worker, then send `r` on (or count its timeout).
    mutating func completeService(_ r: Int32) {
        let i = Int(r)
        let s = Int(requests.server[i])
        let n = Int(servers[s].node)
        let latency = now - requests.enteredNode[i]
        nodes[n].counters.completions += 1
        nodes[n].counters.latencySum += Double(latency)
        nodes[n].latency.record(latency)
        servers[s].touch(now)
        servers[s].completions += 1
        startNextQueued(server: s)
        if nodes[n].timeout > 0 && latency > nodes[n].timeout {
            // Served to the end, as real servers do, but the answer comes too late.
            nodes[n].counters.timedOut += 1
            finish(r, .timedOut)
        } else {
            leave(r, node: Int32(n))
        }
    }

    /// Gives a freed worker of server `s` the oldest queued request still in time.
    mutating func startNextQueued(server s: Int) {
        let n = Int(servers[s].node)
        // After a cut in workers, a freed worker above the new count retires instead.
        if servers[s].busy <= nodes[n].workers {
            while let next = servers[s].queue.first {
                _ = servers[s].queue.removeFirst()
                if nodes[n].timeout > 0 && now - requests.enteredNode[Int(next)] >= nodes[n].timeout {
                    nodes[n].counters.timedOut += 1
                    finish(next, .timedOut)
                    continue
                }
                startService(next, node: n)
                return
            }
        }
        servers[s].busy -= 1
    }

    /// The queue-timeout check of server `s`: the queue is FIFO with one timeout per node,
    /// so the oldest request always expires first and one timer per server suffices.
    mutating func expireQueue(server s: Int) {
        servers[s].timerPending = false
        let n = Int(servers[s].node)
        let timeout = nodes[n].timeout
        guard timeout > 0 else { return }
        servers[s].touch(now)
        while let head = servers[s].queue.first, now - requests.enteredNode[Int(head)] >= timeout {
            _ = servers[s].queue.removeFirst()
            nodes[n].counters.timedOut += 1
            finish(head, .timedOut)
        }
        if let head = servers[s].queue.first {
            servers[s].timerPending = true
            events.schedule(EventTarget.timeoutBase - Int32(s), at: requests.enteredNode[Int(head)] + timeout)
        }
    }

    // MARK: Routing

    /// Sends `r` along one of `node`'s routes for its class, or out of the system.
    mutating func leave(_ r: Int32, node: Int32) {
        let i = Int(r)
        let n = Int(node)
        let c = Int(requests.requestClass[i])
        let routes = nodes[n].routes[c].targets.count
        var choice = -1
        if routes == 1 && nodes[n].routes[c].cumulative[0] >= 1 {
            choice = 0
        } else if routes > 0 {
            let u = rng.unitOpenBelow()
            for k in 0..<routes where u <= nodes[n].routes[c].cumulative[k] {
                choice = k
                break
            }
        }
        guard choice >= 0 else {
            finish(r, .completed)
            return
        }
        let target = nodes[n].routes[c].targets[choice]
        let latency = nodes[n].routes[c].latencies[choice]
        if latency > 0 {
            requests.node[i] = target
            requests.server[i] = node
            requests.phase[i] = .travelling
            events.schedule(r, at: now + latency)
        } else {
            enter(r, node: target, from: node)
        }
    }

    /// Counts `r`'s outcome end to end and frees its slot.
    mutating func finish(_ r: Int32, _ outcome: Outcome) {
        let i = Int(r)
        let c = Int(requests.requestClass[i])
        let counted = requests.born[i] >= statsStart
        switch outcome {
        case .completed:
            let latency = now - requests.born[i]
            outcomesAll.byClass[c].completed += 1
            windowLatency.record(latency)
            if counted {
                outcomesRun.byClass[c].completed += 1
                outcomesRun.byClass[c].latencySum += Double(latency)
                runLatency[c].record(latency)
            }
        case .dropped:
            outcomesAll.byClass[c].dropped += 1
            if counted { outcomesRun.byClass[c].dropped += 1 }
        case .timedOut:
            outcomesAll.byClass[c].timedOut += 1
            if counted { outcomesRun.byClass[c].timedOut += 1 }
        case .failed:
            outcomesAll.byClass[c].failed += 1
            if counted { outcomesRun.byClass[c].failed += 1 }
        }
        if counted { liveRun -= 1 }
        requests.release(r)
    }
}
