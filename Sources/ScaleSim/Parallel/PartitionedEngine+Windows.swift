/// A partitioned run's per-second windows and its picture for display, put together by the
/// coordinator as one engine would give them (docs/architecture.md, "Windows and messages").
///
/// A node's windows are its owner's own. The whole system's and each region's cannot be:
/// percentiles of parts do not combine. So each partition keeps, at its tick, what it
/// counted in the second (`ClosedWindow`), and at the next barrier the coordinator adds the
/// parts and closes the whole system's window from the sums (`WholeWindows`).

/// What a partition counted in the second its tick closes, before closing its own windows.
struct ClosedWindow: Sendable {
    var end: SimTime
    /// Every outcome since time zero, as of the tick.
    var outcomes: OutcomeCounts
    /// The latencies of the requests that ended in the second.
    var latency: LatencyHistogram
    /// The region tallies as of the tick, their open windows included.
    var regions: RegionMetrics
    /// Requests alive here, and those sent to another partition in the window so far (retries
    /// too): a request on its way is alive in no table until its receiver adopts it.
    var live: Int
}

extension Engine {
    /// Keeps what the whole system's window needs of this partition's second; called by the
    /// tick before it closes this partition's own windows.
    mutating func keepClosedWindow() {
        var travelling = 0
        for message in crossing.outbox.messages {
            switch message.payload {
            case .request, .retry: travelling += 1
            case .commit, .fill, .breakerOutcome: continue
            }
        }
        crossing.closedWindow = ClosedWindow(
            end: now, outcomes: outcomesAll.total, latency: windowLatency, regions: regionMetrics,
            live: requests.live + travelling)
        // The copy kept shares the tallies' storage, which the engine writes unchecked.
        regionMetrics.makeUnique()
    }
}

/// The whole system's per-second windows, closed by the coordinator from the partitions'.
struct WholeWindows: Sendable {
    var system = WindowRing<SystemWindow>(capacity: Engine.historyLength)
    var outcomesAtTick = OutcomeCounts()
    /// Each region's history and its last window per data center.
    var regions: RegionMetrics

    init(regionCount: Int) { regions = RegionMetrics(regionCount: regionCount) }

    /// Closes the whole system's window from every partition's part of the same second.
    mutating func close(_ parts: [ClosedWindow], dataCenters: Int) {
        var outcomes = OutcomeCounts()
        var latency = LatencyHistogram()
        var regions = RegionMetrics(regionCount: self.regions.regions.count)
        var live = 0
        for part in parts {
            outcomes.merge(part.outcomes)
            latency.merge(part.latency)
            regions.merge(part.regions)
            live += part.live
        }
        system.append(
            SystemWindow(
                end: parts[0].end, outcomes: outcomes, atTick: outcomesAtTick, inFlight: live, latency: latency))
        outcomesAtTick = outcomes
        // The sums' marks are the whole system's marks at the last tick (every partition
        // marks at the same ticks); the histories are this value's own.
        regions.regions.makeUnique()
        for r in regions.regions.indices { regions.regions[r].history = self.regions.regions[r].history }
        regions.closeWindow(end: parts[0].end, dataCenters: dataCenters)
        self.regions = regions
    }
}

extension PartitionedEngine {
    /// Closes the whole system's window if every partition has ticked since the last one;
    /// called after each run of windows, which holds at most one tick (see `run(until:)`).
    func closeWholeWindowIfTicked() {
        let partitions = simulation.partitions
        guard let end = partitions[0].engine.crossing.closedWindow?.end, end > (whole.system.last?.end ?? 0) else {
            return
        }
        whole.close(
            partitions.map { $0.engine.crossing.closedWindow! }, dataCenters: partitions[0].engine.datacenters.count)
    }

    /// The whole picture for display, as `Engine.simulationSnapshot` gives it for one engine:
    /// each node and circuit breaker from its owner, the whole system's and the regions'
    /// windows from the coordinator, links, notices and the clients' last second summed over
    /// the partitions.
    public func simulationSnapshot(
        paused: Bool = false, speed: Double = 1, behind: Bool = false, historyLimit: Int = 120, speedReached: Double? = nil
    ) -> SimulationSnapshot {
        let engines = self.engines
        var view = engines[0]
        view.systemHistory = whole.system
        view.regionMetrics = whole.regions
        view.breakers = ownersBreakers()
        view.links = LinkCounters()
        view.client.lastSecond = ClientCounters()
        for engine in engines {
            view.links.merge(engine.links)
            view.client.lastSecond.merge(engine.client.lastSecond)
        }
        view.notices = NoticeLog.merged(engines.map(\.notices))
        let parts = engines.map { $0.snapshot(historyLimit: historyLimit) }
        // Bytes add up exactly, where costs of parts would round apart from one engine's.
        let sent = view.crossDataCenterBytes(in: view.links.closed)
        let costs = engines.map { $0.costRates(sentAcross: sent) }
        let owners = engines[0].crossing.owners
        let nodes = owners.indices.map { n in
            let owner = Int(owners[n])
            var node = parts[owner][n]
            node.costPerMonth = costs[owner][n]
            return node
        }
        var snapshot = view.simulationSnapshot(
            paused: paused, speed: speed, behind: behind, historyLimit: historyLimit, speedReached: speedReached,
            nodes: nodes)
        snapshot.partitions = partitionEpisodes
        snapshot.spread = PartitionSpread(partitions: engines.count, threads: threads)
        return snapshot
    }
}
