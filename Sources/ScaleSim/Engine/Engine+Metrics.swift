extension Engine {
    /// A bottleneck's utilization threshold (docs/reports.md, `nodes[].bottleneck`).
    public static let bottleneckUtilization = 0.85
    /// Windows over which a growing queue or a drop marks a bottleneck.
    public static let bottleneckWindows = 10

    /// Gives every metric written per request (outcome counters, latency histograms, region
    /// and link counters) storage of its own if a copy of the engine shares it: those writes
    /// skip the copy-on-write check (see `Column`). Called by `makeStorageUnique()`, after
    /// the node column itself is unique.
    mutating func makeMetricsUnique() {
        outcomesAll.makeUnique()
        outcomesRun.makeUnique()
        windowLatency.makeUnique()
        runLatency.makeUnique()
        for c in runLatency.indices { runLatency[c].makeUnique() }
        for n in nodes.indices { nodes[n].latency.makeUnique() }
        regionMetrics.makeUnique()
        links.makeUnique()
    }

    /// Node `n`'s counters as of now, areas included.
    func counters(of n: Int) -> NodeCounters {
        var c = nodes[n].counters
        for s in nodes[n].allServers {
            let a = servers[Int(s)].areas(at: now)
            c.busyArea &+= a.busy
            c.queueArea &+= a.queue
        }
        c.capacityArea = nodes[n].capacityArea &+ capacityRate(of: n) &* (now - nodes[n].capacityMark)
        return c
    }

    /// Workers in rotation at node `n`.
    func capacityRate(of n: Int) -> Int64 {
        Int64(nodes[n].activeServers.count) * Int64(nodes[n].workers)
    }

    /// Brings node `n`'s available-capacity area up to now; call before changing its size.
    mutating func markCapacity(of n: Int) {
        nodes[n].capacityArea &+= capacityRate(of: n) &* (now - nodes[n].capacityMark)
        nodes[n].capacityMark = now
    }

    func queueLength(of n: Int) -> Int {
        nodes[n].allServers.reduce(0) { $0 + servers[Int($1)].queue.count }
    }

    /// Closes the current one-second window of every node and of the whole system.
    mutating func closeWindow() {
        if crossing.isPartitioned { keepClosedWindow() }
        billWindow()
        for n in nodes.indices {
            closingWindow(node: n)
            let c = counters(of: n)
            let p = nodes[n].countersAtTick
            let completions = c.completions - p.completions
            let capacity = c.capacityArea &- p.capacityArea
            let percentiles = nodes[n].latency.window.quantiles([0.50, 0.95, 0.99])
            let window = NodeWindow(
                end: now,
                arrivals: c.arrivals - p.arrivals,
                completions: completions,
                dropped: c.dropped - p.dropped,
                timedOut: c.timedOut - p.timedOut,
                failed: c.failed - p.failed,
                rejected: c.rejected - p.rejected,
                staleReads: c.staleReads - p.staleReads,
                hitRatio: cacheHitRatio(node: n),
                replicationLag: c.applied > p.applied ? (c.applyLagSum - p.applyLagSum) / Double(c.applied - p.applied) : nil,
                consumerLag: queueLag(node: n),
                utilization: capacity > 0 ? Double(c.busyArea &- p.busyArea) / Double(capacity) : 0,
                meanQueueLength: Double(c.queueArea &- p.queueArea) / Double(Self.windowLength),
                queueLength: queueLength(of: n),
                meanLatency: completions > 0 ? (c.latencySum - p.latencySum) / Double(completions) : nil,
                p50: percentiles[0],
                p95: percentiles[1],
                p99: percentiles[2],
                coalesced: cacheSlot(n).map { cacheStates[$0].cache.counters.coalesced - cacheStates[$0].atTick.coalesced } ?? 0
            )
            nodes[n].history.append(window)
            closeMemberWindows(node: n, counters: c)
            nodes[n].countersAtTick = c
            if let k = cacheSlot(n) { cacheStates[k].atTick = cacheStates[k].cache.counters }
            nodes[n].latency.closeWindow(end: now, statsStart: statsStart)
            // A partition scales only its own nodes: another's copy sees none of their load.
            if nodes[n].autoscale != nil && crossing.simulates(n) { autoscale(n) }
        }
        let all = outcomesAll.total
        systemHistory.append(
            SystemWindow(end: now, outcomes: all, atTick: outcomesAtTick, inFlight: requests.live, latency: windowLatency))
        outcomesAtTick = all
        closeClientWindow()
        windowLatency.clear()
        regionMetrics.closeWindow(end: now, dataCenters: datacenters.count)
        links.closeWindow()
    }

    /// The end of the warm-up: node figures for reports count from here.
    mutating func markStatsStart() {
        writesLostAtStatsStart = writesLost
        client.countersAtStatsStart = client.counters
        markBreakersStatsStart()
        let billed = billedCounters(nodes.indices.map(counters(of:)))
        for n in nodes.indices {
            nodes[n].countersAtStatsStart = billed[n]
            if let k = cacheSlot(n) { cacheStates[k].atStatsStart = cacheStates[k].cache.counters }
            nodes[n].latency.markStatsStart()
            for s in nodes[n].allServers {
                servers[Int(s)].busyAreaAtStatsStart = servers[Int(s)].areas(at: now).busy
            }
        }
    }

    /// Node `n` is a bottleneck now: busy at or above 0.85 in the last second, or it dropped
    /// work, or its queue grew by more than max(10, its workers) over the last ten seconds.
    public func isBottleneck(node n: Int) -> Bool {
        let history = nodes[n].history
        guard let last = history.last else { return false }
        if last.utilization >= Self.bottleneckUtilization { return true }
        for back in 0..<Self.bottleneckWindows {
            if let w = history.element(back: back), w.dropped > 0 { return true }
        }
        return queueGrew(node: n)
    }

    func queueGrew(node n: Int) -> Bool {
        let history = nodes[n].history
        guard let last = history.last, let old = history.element(back: Self.bottleneckWindows) else { return false }
        let margin = max(10, Int(capacityRate(of: n)))
        return last.queueLength - old.queueLength > margin
    }

    /// The figures of the measured part of the run so far.
    public func summary() -> RunSummary { summary(nodes: measuredNodes()) }

    /// Each node's figures over the measured part so far, in spec order.
    func measuredNodes() -> [NodeSummary] {
        let measured = now - statsStart
        let seconds = Nanos.seconds(measured)
        var nodeSummaries: [NodeSummary] = []
        let billed = billedCounters(nodes.indices.map(counters(of:)))
        let prices = spec.prices
        for n in nodes.indices {
            let c = billed[n]
            let b = nodes[n].countersAtStatsStart
            let completions = c.completions - b.completions
            let capacity = c.capacityArea &- b.capacityArea
            let utilization = capacity > 0 ? Double(c.busyArea &- b.busyArea) / Double(capacity) : nil
            let dropped = c.dropped - b.dropped
            let perServerCapacity = Double(nodes[n].workers) * Double(measured)
            let serverUtilization = nodes[n].activeServers.map { s -> Double in
                let busy = servers[Int(s)].areas(at: now).busy &- servers[Int(s)].busyAreaAtStatsStart
                return perServerCapacity > 0 ? Double(busy) / perServerCapacity : 0
            }
            let spec = spec.nodes[n]
            let percentiles = nodes[n].latency.measured(now: now, statsStart: statsStart).quantiles([0.50, 0.95, 0.99])
            var summary = NodeSummary(
                id: spec.id,
                kind: nodes[n].kind,
                servers: nodes[n].activeServers.count,
                workers: Int(nodes[n].workers),
                arrivals: c.arrivals - b.arrivals,
                completions: completions,
                dropped: dropped,
                timedOut: c.timedOut - b.timedOut,
                failed: c.failed - b.failed,
                staleReads: c.staleReads - b.staleReads,
                size: nodes[n].size,
                shards: nodes[n].sharded ? nodes[n].activeServers.count : 1,
                cache: cacheSlot(n).map { cacheStates[$0].cache.counters - cacheStates[$0].atStatsStart },
                cacheEntries: cacheSlot(n).map { cacheStates[$0].cache.count },
                replicationLag: c.applied > b.applied ? (c.applyLagSum - b.applyLagSum) / Double(c.applied - b.applied) : nil,
                consumerLag: queueLag(node: n),
                sessionsLost: c.sessionsLost - b.sessionsLost,
                autoscalerActions: c.autoscalerActions - b.autoscalerActions,
                dc: spec.dc,
                utilization: utilization,
                throughputRps: seconds > 0 ? Double(completions) / seconds : nil,
                meanLatency: completions > 0 ? (c.latencySum - b.latencySum) / Double(completions) : nil,
                p50: percentiles[0],
                p95: percentiles[1],
                p99: percentiles[2],
                queueLength: queueLength(of: n),
                bottleneck: (utilization ?? 0) >= Self.bottleneckUtilization || dropped > 0 || queueGrew(node: n),
                serverUtilization: serverUtilization
            )
            summary.resyncs = c.resyncs - b.resyncs
            summary.rejected = c.rejected - b.rejected
            summary.cost = cost(of: n, from: b, to: c, seconds: seconds, prices: prices)
            nodeSummaries.append(summary)
        }
        return nodeSummaries
    }

    /// The figures of the measured part so far, with `nodeSummaries` for the nodes and this
    /// engine's tallies for the whole system.
    func summary(nodes nodeSummaries: [NodeSummary]) -> RunSummary {
        let seconds = Nanos.seconds(now - statsStart)
        var total = LatencyHistogram()
        var classes: [ClassSummary] = []
        for requestClass in RequestClass.allCases {
            let counts = outcomesRun.byClass[requestClass.rawValue]
            let histogram = runLatency[requestClass.rawValue]
            total.merge(histogram)
            guard counts.requests > 0 else { continue }
            let percentiles = histogram.quantiles([0.50, 0.95, 0.99])
            classes.append(
                ClassSummary(
                    requestClass: requestClass,
                    counts: counts,
                    meanLatency: counts.completed > 0 ? counts.latencySum / Double(counts.completed) : nil,
                    p50: percentiles[0],
                    p95: percentiles[1],
                    p99: percentiles[2]
                ))
        }
        let counts = outcomesRun.total
        let percentiles = total.quantiles([0.50, 0.95, 0.99])
        let endToEnd = EndToEndSummary(
            counts: counts,
            inFlight: liveRun,
            throughputRps: seconds > 0 ? Double(counts.completed) / seconds : nil,
            meanLatency: counts.completed > 0 ? counts.latencySum / Double(counts.completed) : nil,
            p50: percentiles[0],
            p95: percentiles[1],
            p99: percentiles[2],
            classes: classes
        )
        return RunSummary(
            spec: spec, seed: seed, end: now, statsStart: statsStart,
            endToEnd: endToEnd, nodes: nodeSummaries,
            writesLost: writesLost - writesLostAtStatsStart, refused: refusedCommands,
            regions: regionSummaries(),
            cost: CostSummary(nodes: nodeSummaries.map(\.cost), seconds: seconds, completed: counts.completed),
            partitions: partitionEpisodes,
            clients: clientFigures,
            breakers: breakerSummaries()
        )
    }

    /// Requests alive now, whenever born: the conservation check's in-flight term.
    public var liveRequests: Int { requests.live }

    /// Outcome totals since time zero, warm-up included.
    public var totalOutcomes: OutcomeCounts { outcomesAll.total }
}
