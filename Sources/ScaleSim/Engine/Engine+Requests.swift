/// How a request's life ended.
enum Outcome {
    case completed, dropped, timedOut, failed
    /// Turned away by a rate limiter.
    case rejected
}

extension Engine {
    // MARK: Arrivals

    /// Schedules region `region`'s next candidate arrival at its peak rate (thinning
    /// handles the shape), from the region's own arrival stream.
    @inline(__always)
    mutating func scheduleNextArrival(region: Int) {
        guard !workload.exhausted, workload.meanGaps[region].isFinite else {
            workload.pendingSequences[region] = nil
            return
        }
        let gap = Nanos.fromNanoseconds(arrivalRandom[region].exponential(mean: workload.meanGaps[region]))
        workload.pendingSequences[region] = events.schedule(
            EventTarget.arrivalBase - Int32(region), at: now + gap, source: region)
    }

    /// Reschedules every region's next arrival, after a change of rate.
    mutating func rescheduleArrivals() {
        for region in workload.regionShares.indices where !crossing.isPartitioned || crossing.homeRegions[region] {
            scheduleNextArrival(region: region)
        }
    }

    /// A candidate arrival in `region`: accepted with probability factor(t)/peak factor
    /// (Lewis-Shedler thinning), which makes the stream Poisson with the shaped rate.
    mutating func handleArrival(region: Int) {
        var accept = true
        if workload.maxFactor != 1 || workload.shape != .steady {
            let ratio = workload.shape.factor(at: now) / workload.maxFactor
            accept = ratio >= 1 || arrivalRandom[region].unitOpenBelow() <= ratio
        }
        if accept { createRequest(region: region) }
        scheduleNextArrival(region: region)
    }

    /// A user's request of `region` is born: its class, user and key come from its own
    /// counter-based generator, so they depend on the seed, the region and its arrival
    /// number alone, never on the design (docs/architecture.md, "Random streams").
    mutating func createRequest(region: Int) {
        workload.generated += 1
        var random = SplitMix64.requestAttributes(
            seed: attributeSeed, region: region, number: workload.arrivals[region])
        workload.arrivals[region] += 1
        var classIndex = 0
        if workload.classes.count > 1 {
            let u = random.unitOpenBelow()
            while classIndex < workload.classes.count - 1 && u > workload.classCumulative[classIndex] {
                classIndex += 1
            }
        }
        let requestClass = workload.classes[classIndex]
        let user = UInt32(truncatingIfNeeded: random.below(workload.users))
        // A Zipf key comes from `random` as it is now, at once or when a node first reads
        // it (`key(of:)`); a trace's keys are taken in arrival order, so at once.
        var key = RequestTable.undrawnKey
        if !workload.traceKeys.isEmpty && requestClass != UInt8(RequestClass.static.rawValue) {
            key = workload.traceKeys[workload.traceCursor]
            workload.traceCursor = (workload.traceCursor + 1) % workload.traceKeys.count
        } else if workload.drawsKeysAtBirth {
            var keyRandom = random
            key = sampleKey(class: requestClass, &keyRandom)
        }
        let r = requests.allocate(
            born: now, user: user, key: key, requestClass: requestClass, region: UInt8(truncatingIfNeeded: region),
            keyStream: random.state)
        if arrivalTrace != nil {
            let key = self.key(of: Int(r))
            arrivalTrace?.append(ArrivalRecord(region: region, born: now, requestClass: requestClass, user: user, key: key))
        }
        outcomesAll.byClass[Int(requestClass)].requests += 1
        if now >= statsStart {
            outcomesRun.byClass[Int(requestClass)].requests += 1
            liveRun += 1
        }
        countRegionRequest(of: Int(r))
        guard requests.live <= liveRequestLimit else {
            if !notices.reachedRequestLimit { notices.post(.requestLimitReached(liveRequestLimit), at: now) }
            finish(r, .dropped)
            return
        }
        startFirstAttempt(r)
        enterSystem(r)
    }

    /// Request `i`'s key. A Zipf key is drawn when a node first reads it, from the request's
    /// attribute stream as its birth left it, so it is the same whenever it is drawn; a
    /// design whose nodes read no keys never pays for the draw (docs/architecture.md,
    /// "Random streams").
    @inline(__always)
    mutating func key(of i: Int) -> UInt32 {
        let key = requests.slots[i].key
        return key != RequestTable.undrawnKey ? key : drawKey(of: i)
    }

    /// Draws request `i`'s key if it is not drawn yet; called before a slot is copied (a
    /// retry, a partition crossing), since the copy carries the key but not its stream.
    @discardableResult
    mutating func drawKey(of i: Int) -> UInt32 {
        guard requests.slots[i].key == RequestTable.undrawnKey else { return requests.slots[i].key }
        var random = SplitMix64(state: requests.keyStreams[i])
        let key = sampleKey(class: requests.slots[i].requestClass, &random)
        requests.slots[i].key = key
        return key
    }

    /// A Zipf key for a request of `requestClass` (a static asset's or a data key), drawn
    /// from the request's attribute stream. It reads the samplers as fields of `workload`: a
    /// method of `workload` doing the same cost 16 more instructions a request (cachegrind).
    @inline(__always)
    func sampleKey(class requestClass: UInt8, _ random: inout SplitMix64) -> UInt32 {
        // One call site, so the sampler is inlined once.
        let sampler = WorkloadRuntime.keySamplerIndex(of: requestClass)
        return UInt32(truncatingIfNeeded: workload.keySamplers[sampler].sample(&random))
    }

    // MARK: Stations

    /// Request `r` arrives at `node`, sent by node `from` (-1 for a client).
    mutating func enter(_ r: Int32, node: Int32, from: Int32) {
        let i = Int(r)
        let n = Int(node)
        requests.slots[i].node = node
        requests.slots[i].enteredNode = now
        nodes[n].counters.arrivals += 1
        countLink(i, from: from, to: n)
        guard admits(node: n) else {
            reject(r, at: n)
            return
        }
        if nodes[n].passThrough {
            nodes[n].counters.completions += 1
            nodes[n].latency.record(0)
            passedThrough(r, node: n)
            leave(r, node: node)
            return
        }
        guard let s = pickServer(node: n, from: from, request: i) else {
            // No server is believed alive: the request fails here.
            nodes[n].counters.failed += 1
            fail(r, .failed)
            return
        }
        countMemberArrival(server: s)
        arrive(r, node: n, server: s)
    }

    /// Starts `r` on server `s` if a worker is free, queues it if there is room, else drops
    /// it; a dead server fails it.
    @inline(__always)
    mutating func place(_ r: Int32, on s: Int32) {
        let si = Int(s)
        let n = Int(servers[si].node)
        requests.slots[Int(r)].server = s
        if servers[si].down {
            nodes[n].counters.failed += 1
            fail(r, .failed)
        } else if nodes[n].concurrencyLimit > 0 && atConcurrencyLimit(server: si, node: n) {
            reject(r, at: n)
        } else if servers[si].busy < workerLimit(si) {
            servers[si].touch(now)
            servers[si].busy += 1
            startService(r, node: n)
        } else if servers[si].queue.count < nodes[n].capacity {
            servers[si].touch(now)
            servers[si].queue.append(r)
            requests.slots[Int(r)].phase = .queued
            if nodes[n].timeout > 0 && !servers[si].timerPending {
                servers[si].timerPending = true
                events.schedule(EventTarget.timeoutBase - s, after: nodes[n].timeout, from: now)
            }
        } else {
            nodes[n].counters.dropped += 1
            fail(r, .dropped)
        }
    }

    /// Workers of server `s`.
    @inline(__always)
    func workerLimit(_ s: Int) -> Int32 { nodes[Int(servers[s].node)].workers }

    @inline(__always)
    mutating func startService(_ r: Int32, node n: Int) {
        requests.slots[Int(r)].phase = .inService
        var service = nodes[n].sampler.sample(&nodes[n].serviceRandom)
        if nodes[n].slowFactor != 1 { service = Nanos.fromNanoseconds(Double(service) * nodes[n].slowFactor) }
        if requests.slots[Int(r)].role == .abandoned { noteWastedService(service) }
        events.schedule(r, at: now + service)
    }

    /// The server of `node`'s pool that receives a request, or nil when none is in rotation.
    ///
    /// A sharded node sends each key to its shard; clients reach a pool without a balancer
    /// through DNS; otherwise the sender's balancing policy chooses among the servers in
    /// rotation. Inline, for its common cases: a call cost 2% of the reference network's
    /// instructions (docs/benchmark.md, "Stop 47").
    @inline(__always)
    mutating func pickServer(node n: Int, from: Int32, request i: Int) -> Int32? {
        if nodes[n].sharded { return pickShard(node: n, request: i) }
        if from < 0 { return pickServerForClient(node: n, request: i) }
        let count = nodes[n].rotation.count
        if count <= 1 { return nodes[n].rotation.first }
        switch nodes[Int(from)].policy {
        case .random:
            return nodes[n].rotation[nodes[n].routingRandom.below(count)]
        case .roundRobin:
            let position = nodes[n].roundRobinCursor % count
            nodes[n].roundRobinCursor = (position + 1) % count
            return nodes[n].rotation[position]
        case .leastConnections:
            return pickLeastLoaded(node: n)
        case .consistentHash:
            return pickByUser(node: n, request: i)
        }
    }

    /// The shard of a sharded `node` that holds request `i`'s key.
    mutating func pickShard(node n: Int, request i: Int) -> Int32 {
        let key = self.key(of: i)
        let pool = nodes[n].activeServers
        return pool[Int(SplitMix64.mix(UInt64(key)) % UInt64(pool.count))]
    }

    /// The server a client reaches: through DNS when the pool has several, else at random
    /// among those in rotation.
    mutating func pickServerForClient(node n: Int, request i: Int) -> Int32? {
        if nodes[n].activeServers.count > 1 { return resolveByDNS(node: n, request: i) }
        let count = nodes[n].rotation.count
        if count <= 1 { return nodes[n].rotation.first }
        return nodes[n].rotation[nodes[n].routingRandom.below(count)]
    }

    /// The server of `node`'s rotation (two or more) with the fewest requests; ties go to
    /// the first after a rotating start.
    mutating func pickLeastLoaded(node n: Int) -> Int32 {
        let count = nodes[n].rotation.count
        let start = nodes[n].roundRobinCursor % count
        nodes[n].roundRobinCursor = (start + 1) % count
        var best = start
        var bestLoad = Int.max
        for k in 0..<count {
            let p = (start + k) % count
            let s = Int(nodes[n].rotation[p])
            let load = Int(servers[s].busy) + servers[s].queue.count
            if load < bestLoad {
                best = p
                bestLoad = load
            }
        }
        return nodes[n].rotation[best]
    }

    /// The owner of request `i`'s user on `node`'s hash ring, among the servers in
    /// rotation. The ring is over pool positions, so a user's server survives others'
    /// failures.
    func pickByUser(node n: Int, request i: Int) -> Int32? {
        let pool = nodes[n].activeServers
        let rotation = nodes[n].rotation
        guard let owner = nodes[n].ring.position(for: requests.slots[i].user, eligible: { rotation.contains(pool[$0]) })
        else { return nil }
        return pool[owner]
    }

    /// DNS round-robin: the user's resolver answers from its cache until the TTL runs out,
    /// then asks again and gets the next server the DNS believes alive.
    mutating func resolveByDNS(node n: Int, request i: Int) -> Int32? {
        let resolvers = nodes[n].dnsAnswers.count
        guard resolvers > 0 else { return nodes[n].rotation.first }
        // Resolver populations are skewed, as a few large ISP resolvers and many small ones
        // are: squaring a uniform draw gives resolver r a share falling as 1/√r.
        let u = Double(SplitMix64.mix(UInt64(requests.slots[i].user) ^ 0xD115) >> 11) * 0x1.0p-53
        let r = min(resolvers - 1, Int(u * u * Double(resolvers)))
        let cached = nodes[n].dnsAnswers[r]
        if now < nodes[n].dnsExpiry[r], cached >= 0, nodes[n].activeServers.contains(cached) { return cached }
        let rotation = nodes[n].rotation
        guard !rotation.isEmpty else { return nil }
        let answer = rotation[nodes[n].dnsCursor % rotation.count]
        nodes[n].dnsCursor = (nodes[n].dnsCursor + 1) % rotation.count
        nodes[n].dnsAnswers[r] = answer
        nodes[n].dnsExpiry[r] = now + spec.workload.dns.ttl
        return answer
    }

    /// The end of `r`'s service: free the worker, then send `r` on (or count its timeout).
    mutating func completeService(_ r: Int32) {
        let i = Int(r)
        let s = Int(requests.slots[i].server)
        let n = Int(servers[s].node)
        servers[s].touch(now)
        serverTraffic[s].completions += 1
        startNextQueued(server: s)
        let latency = now - requests.slots[i].enteredNode
        nodes[n].counters.completions += 1
        nodes[n].counters.latencySum += Double(latency)
        nodes[n].latency.record(latency)
        if nodes[n].timeout > 0 && latency > nodes[n].timeout {
            // Served to the end, as real servers do, but the answer comes too late.
            nodes[n].counters.timedOut += 1
            fail(r, .timedOut)
            return
        }
        // Back from a call (to a session store): resume the caller's routes.
        let caller = requests.slots[i].returnTo
        if caller >= 0 && nodes[Int(caller)].calls == Int32(n) {
            requests.slots[i].returnTo = -1
            leave(r, node: caller)
            return
        }
        if served(r, node: n, server: s) { return }
        if nodes[n].calls >= 0 {
            requests.slots[i].returnTo = Int32(n)
            enter(r, node: nodes[n].calls, from: Int32(n))
            return
        }
        leave(r, node: Int32(n))
    }

    /// Gives a freed worker of server `s` the oldest queued request still in time.
    mutating func startNextQueued(server s: Int) {
        let n = Int(servers[s].node)
        // After a cut in workers, a freed worker above the new count retires instead.
        if servers[s].busy <= workerLimit(s) {
            while let next = servers[s].queue.first {
                _ = servers[s].queue.removeFirst()
                if nodes[n].timeout > 0 && now - requests.slots[Int(next)].enteredNode >= nodes[n].timeout {
                    nodes[n].counters.timedOut += 1
                    fail(next, .timedOut)
                    continue
                }
                if nodes[n].queueDeadline > 0 && waitedPastQueueDeadline(next, node: n) { continue }
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
        // A removed node's servers belong to no node, and their queues are empty.
        guard servers[s].node >= 0 else { return }
        let n = Int(servers[s].node)
        let timeout = nodes[n].timeout
        guard timeout > 0 else { return }
        servers[s].touch(now)
        while let head = servers[s].queue.first, now - requests.slots[Int(head)].enteredNode >= timeout {
            _ = servers[s].queue.removeFirst()
            nodes[n].counters.timedOut += 1
            fail(head, .timedOut)
        }
        if let head = servers[s].queue.first {
            servers[s].timerPending = true
            events.schedule(EventTarget.timeoutBase - Int32(s), at: requests.slots[Int(head)].enteredNode + timeout)
        }
    }

    // MARK: Routing

    /// Which of a node's route tables a request follows.
    enum RouteSet {
        case normal, hit, miss
    }

    /// Sends `r` along one of `node`'s routes for its class, or out of the system.
    mutating func leave(_ r: Int32, node: Int32, by set: RouteSet = .normal) {
        let i = Int(r)
        let n = Int(node)
        let c = Int(requests.slots[i].requestClass)
        var choice = -1
        var target: Int32 = -1
        var latency: SimTime = 0
        // The draw goes to a copy of the stream, stored back once the route table is no
        // longer read: changing `nodes` while the table is held would make Swift retain it.
        var random = nodes[n].routingRandom
        var drew = false
        do {
            let table =
                switch set {
                case .normal: nodes[n].routes[c]
                case .hit: nodes[n].hitRoutes[c]
                case .miss: nodes[n].missRoutes[c]
                }
            let routes = table.routes
            if routes.count == 1 && routes[0].cumulative >= 1 {
                choice = 0
            } else if !routes.isEmpty {
                drew = true
                let u = random.unitOpenBelow()
                for k in routes.indices where u <= routes[k].cumulative {
                    choice = k
                    break
                }
            }
            if choice >= 0 {
                target = routes[choice].target
                latency = routes[choice].latency
            }
        }
        if drew { nodes[n].routingRandom = random }
        guard choice >= 0 else {
            finish(r, .completed)
            return
        }
        if !breakers.isEmpty && !passBreaker(r, from: node, to: target) { return }
        if partitions.active, let episode = cutEpisode(from: n, to: Int(target)) {
            sendIntoCut(r, episode: episode)
            return
        }
        if latency > 0 {
            if crossing.isPartitioned && crossing.isForeign(target) {
                sendAcross(r, to: target, from: node, arriving: now + latency)
                return
            }
            requests.slots[i].node = target
            requests.slots[i].server = node
            requests.slots[i].phase = .travelling
            events.schedule(r, after: latency, from: now)
        } else {
            enter(r, node: target, from: node)
        }
    }

    /// A request that failed, was dropped or timed out: the client retries it if retries
    /// are on and attempts remain, else its outcome is final.
    mutating func fail(_ r: Int32, _ outcome: Outcome) {
        let i = Int(r)
        if requests.slots[i].breakerCall >= 0 { settleBreakerCalls(i, failed: true) }
        let retries = spec.workload.retries
        guard requests.slots[i].role == .user, Int(requests.slots[i].attempt) < retries.limit else {
            finish(r, outcome)
            return
        }
        guard retryAllowed() else {
            finish(r, outcome)
            return
        }
        requests.slots[i].attempt += 1
        abandonFill(of: r, outcome)
        scheduleRetry(r)
    }

    /// Counts `r`'s outcome end to end (user requests only) and frees its slot.
    mutating func finish(_ r: Int32, _ outcome: Outcome, eventPending: Bool = false) {
        let i = Int(r)
        // A CDN edge that missed is filled when the origin's answer comes back.
        if requests.slots[i].fillCache >= 0 {
            if outcome == .completed { fillWaitingCache(r) } else { abandonFill(of: r, outcome) }
        }
        if requests.slots[i].breakerCall >= 0 { settleBreakerCalls(i, failed: outcome != .completed) }
        if requests.slots[i].role == .user {
            countOutcome(of: i, outcome)
        } else if requests.slots[i].role == .abandoned {
            noteAbandonedEnd(outcome)
        }
        if eventPending {
            requests.retireLost(r)
        } else {
            requests.release(r)
        }
    }

    @inline(__always)
    mutating func countOutcome(of i: Int, _ outcome: Outcome) {
        let c = Int(requests.slots[i].requestClass)
        let counted = requests.slots[i].born >= statsStart
        // Up to four histograms count a completed request's latency: its bucket found once.
        let latency = now - requests.slots[i].born
        let bucket = LatencyHistogram.bucket(for: latency)
        switch outcome {
        case .completed:
            outcomesAll.byClass[c].completed += 1
            windowLatency.record(bucket: bucket)
            if counted {
                outcomesRun.byClass[c].completed += 1
                outcomesRun.byClass[c].latencySum += Double(latency)
                runLatency[c].record(bucket: bucket)
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
        case .rejected:
            outcomesAll.byClass[c].rejected += 1
            if counted { outcomesRun.byClass[c].rejected += 1 }
        }
        if counted { liveRun -= 1 }
        countRegionOutcome(of: i, outcome, latency: latency, bucket: bucket)
    }
}
