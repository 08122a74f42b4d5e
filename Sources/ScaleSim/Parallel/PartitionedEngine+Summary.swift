/// A partitioned run's figures, put together from its partitions as one engine would give
/// them (docs/architecture.md, "Windows and messages").
extension PartitionedEngine {
    /// The figures of the measured part of the run so far, over every partition: what
    /// `Engine.summary()` gives for a run in one engine, the same on any number of threads.
    public func summary() -> RunSummary {
        var summary = wholeRunTallies().summary(nodes: nodeSummaries())
        summary.partitions = partitionEpisodes
        return summary
    }

    /// Each node's figures over the measured part, from the partition that simulates it, in
    /// spec order.
    ///
    /// What a node sends to another data center is billed where its messages are counted, at
    /// their receiver (Cost/Engine+Cost.swift), which may be another partition: a node's
    /// transfer cost adds every partition's part. Only the owner serves a node's requests, so
    /// the other parts hold nothing else.
    public func nodeSummaries() -> [NodeSummary] {
        let engines = self.engines
        let parts = engines.map { $0.measuredNodes() }
        let owners = engines[0].crossing.owners
        let seconds = Nanos.seconds(now - engines[0].statsStart)
        return owners.indices.map { n in
            var node = parts[Int(owners[n])][n]
            node.cost.transfer = parts.reduce(0) { $0 + $1[n].cost.transfer }
            node.cost.perMonth = seconds > 0 ? node.cost.total / seconds * Pricing.secondsPerMonth : nil
            return node
        }
    }

    /// The first partition's engine with the design as its owners run it, each circuit
    /// breaker as its owner runs it, and every whole-run tally `Engine.summary(nodes:)` reads
    /// summed over the partitions: outcomes and latencies (counted where a request ends),
    /// requests alive, region tallies, client counters and writes lost.
    ///
    /// Requests are counted where they are born and where they end; one travelling between
    /// partitions at the end is alive in the sum, as it would be in one engine. The
    /// per-second windows stay the first partition's own: they are not the system's.
    private func wholeRunTallies() -> Engine {
        let engines = self.engines
        var whole = engines[0]
        whole.spec = spec
        whole.breakers = ownersBreakers()
        whole.outcomesRun = ClassOutcomes()
        whole.runLatency = Column(RequestClass.allCases.map { _ in LatencyHistogram() })
        whole.liveRun = 0
        whole.regionMetrics = RegionMetrics(regionCount: engines[0].regionMetrics.regions.count)
        whole.client.counters = ClientCounters()
        whole.client.countersAtStatsStart = ClientCounters()
        whole.client.countersAtTick = ClientCounters()
        whole.client.lastSecond = ClientCounters()
        whole.writesLost = 0
        whole.writesLostAtStatsStart = 0
        for engine in engines {
            whole.outcomesRun.merge(engine.outcomesRun)
            for c in whole.runLatency.indices { whole.runLatency[c].merge(engine.runLatency[c]) }
            whole.liveRun += engine.liveRun
            whole.regionMetrics.merge(engine.regionMetrics)
            whole.client.mergeCounters(engine.client)
            whole.writesLost += engine.writesLost
            whole.writesLostAtStatsStart += engine.writesLostAtStatsStart
        }
        return whole
    }

    /// Every circuit breaker as the partition simulating its `from` node has it: the only
    /// copy where it is live (Parallel/Engine+BreakersAcross.swift).
    func ownersBreakers() -> [BreakerRuntime] {
        let engines = self.engines
        let owners = engines[0].crossing.owners
        return engines[0].breakers.map { breaker in
            let owner = engines[Int(owners[Int(breaker.from)])]
            return owner.breakers.first { $0.fromID == breaker.fromID && $0.toID == breaker.toID } ?? breaker
        }
    }
}
