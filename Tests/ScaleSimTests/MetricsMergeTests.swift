import Testing
@testable import ScaleSim

/// The merges of the accumulators engine partitions write.
///
/// One accumulator fed a sequence of operations must equal the merge of two or three fed
/// that sequence split between them (docs/design/partitioned-engine-audit.md, section L).
@Suite struct MetricsMergeTests {
    static let outcomes: [Outcome] = [.completed, .dropped, .timedOut, .failed, .rejected]
    static let seeds: [UInt64] = [1, 2, 3, 4, 5]

    /// A latency from 1 ns to about 17 minutes, spread over the histogram's scales.
    static func latency(_ random: inout SplitMix64) -> SimTime {
        SimTime(1 + random.below(1 << random.below(40)))
    }

    /// Counts `outcome` as `countOutcome` does.
    static func count(_ outcome: Outcome, latency: SimTime, into counts: inout OutcomeCounts) {
        counts.requests += 1
        switch outcome {
        case .completed:
            counts.completed += 1
            counts.latencySum += Double(latency)
        case .dropped: counts.dropped += 1
        case .timedOut: counts.timedOut += 1
        case .failed: counts.failed += 1
        case .rejected: counts.rejected += 1
        }
    }

    /// Merges `parts` into a fresh value in the order given.
    static func merged<T>(_ parts: [T], into fresh: T, _ merge: (inout T, T) -> Void) -> T {
        parts.reduce(into: fresh) { merge(&$0, $1) }
    }

    @Test(arguments: seeds)
    func outcomeCountersMergeToTheSingleCounters(seed: UInt64) {
        var random = SplitMix64(state: seed)
        let partCount = 2 + Int(seed % 2)
        var single = ClassOutcomes()
        var parts = Array(repeating: ClassOutcomes(), count: partCount)
        for i in 0..<3_000 {
            let c = random.below(RequestClass.allCases.count)
            let outcome = Self.outcomes[random.below(Self.outcomes.count)]
            let latency = Self.latency(&random)
            single.makeUnique()
            Self.count(outcome, latency: latency, into: &single.byClass[c])
            parts[i % partCount].makeUnique()
            Self.count(outcome, latency: latency, into: &parts[i % partCount].byClass[c])
        }
        let merged = Self.merged(parts, into: ClassOutcomes()) { $0.merge($1) }
        #expect(single.total.requests == 3_000)
        for c in RequestClass.allCases.indices { #expect(merged.byClass[c] == single.byClass[c]) }
        #expect(merged.total == single.total)
        // Merging into an existing part, not a fresh value, gives the same.
        var intoFirst = parts[0]
        for part in parts.dropFirst() { intoFirst.merge(part) }
        #expect(intoFirst.total == single.total)
    }

    @Test(arguments: seeds)
    func latencyHistogramsMergeToTheSingleHistogram(seed: UInt64) {
        var random = SplitMix64(state: seed)
        let partCount = 2 + Int(seed % 2)
        var single = LatencyHistogram()
        var parts = Array(repeating: LatencyHistogram(), count: partCount)
        for k in parts.indices { parts[k].makeUnique() }
        for _ in 0..<5_000 {
            let value = Self.latency(&random)
            single.record(value)
            // By magnitude, so the parts touch different ranges of buckets.
            parts[value.leadingZeroBitCount % partCount].record(value)
        }
        let merged = Self.merged(parts, into: LatencyHistogram()) { $0.merge($1) }
        let quantiles = [0.0, 0.5, 0.9, 0.99, 0.999, 1.0]
        #expect(merged == single)
        #expect(merged.total == 5_000)
        #expect(merged.quantiles(quantiles) == single.quantiles(quantiles))
    }

    /// A region tally's accumulating figures (not `history` or `last`, the coordinator's).
    struct TallyFigures: Equatable {
        var requests, requestsAtTick, measuredInFlight: Int
        var measured: OutcomeCounts
        var measuredLatency: LatencyHistogram
        var places: [[Int]]
        var placeOutcomes: [[OutcomeCounts]]
        var placeWindows: [LatencyHistogram]

        init(_ t: RegionMetrics.RegionTally) {
            requests = t.requests
            requestsAtTick = t.requestsAtTick
            measuredInFlight = t.measuredInFlight
            measured = t.measured
            measuredLatency = t.measuredLatency
            places = t.places.map { [$0.routed, $0.routedAtTick] }
            placeOutcomes = t.places.map { [$0.outcomes, $0.outcomesAtTick] }
            placeWindows = t.places.map(\.window)
        }
    }

    @Test(arguments: seeds)
    func regionTalliesMergeToTheSingleTallies(seed: UInt64) {
        var random = SplitMix64(state: seed)
        let regions = 3, dataCenters = 2
        let partCount = 2 + Int(seed % 2)
        var single = RegionMetrics(regionCount: regions)
        var parts = (0..<partCount).map { _ in RegionMetrics(regionCount: regions) }
        // Not a whole number of windows: the last stays open.
        for i in 0..<3_800 {
            if i % 500 == 499 {
                // A tick barrier: every copy closes the window at the same time.
                let end = SimTime(i / 500 + 1) * Nanos.perSecond
                single.makeUnique()
                for k in parts.indices { parts[k].makeUnique() }
                single.closeWindow(end: end, dataCenters: dataCenters)
                for k in parts.indices { parts[k].closeWindow(end: end, dataCenters: dataCenters) }
                continue
            }
            let region = random.below(regions)
            let measured = i > 700
            let part = random.below(partCount)
            single.makeUnique()
            parts[part].makeUnique()
            switch random.below(3) {
            case 0:
                single.countRequest(region: region, measured: measured)
                parts[part].countRequest(region: region, measured: measured)
            case 1:
                let dc = random.below(dataCenters)
                single.countRouted(region: region, dataCenter: dc)
                parts[part].countRouted(region: region, dataCenter: dc)
            default:
                let place = random.below(dataCenters + 1)
                let outcome = Self.outcomes[random.below(Self.outcomes.count)]
                let latency = Self.latency(&random)
                let bucket = LatencyHistogram.bucket(for: latency)
                single.countOutcome(
                    region: region, place: place, outcome, latency: latency, bucket: bucket, measured: measured)
                parts[part].countOutcome(
                    region: region, place: place, outcome, latency: latency, bucket: bucket, measured: measured)
            }
        }
        var merged = Self.merged(parts, into: RegionMetrics(regionCount: regions)) { $0.merge($1) }
        for r in 0..<regions {
            #expect(TallyFigures(merged.regions[r]) == TallyFigures(single.regions[r]))
        }
        #expect(single.regions[0].requests > 0 && single.regions[0].places[1].window.total > 0)
        // The coordinator closes the window from the merged tallies: the one engine's window.
        let end = 9 * Nanos.perSecond
        merged.closeWindow(end: end, dataCenters: dataCenters)
        single.closeWindow(end: end, dataCenters: dataCenters)
        for r in 0..<regions {
            #expect(merged.regions[r].history.last == single.regions[r].history.last)
            #expect(merged.regions[r].places.map(\.last) == single.regions[r].places.map(\.last))
        }
    }

    /// Each link's declared kinds and counts, by sender and receiver: what merges, whatever the numbering.
    static func figures(_ links: LinkCounters) -> [[Int32]: [Int]] {
        var result: [[Int32]: [Int]] = [:]
        for link in 0..<links.count {
            let slots = link * LinkCounters.slots..<(link + 1) * LinkCounters.slots
            result[[links.senders[link], links.receivers[link]]] =
                [Int(links.declared[link])] + Array(links.current[slots]) + Array(links.closed[slots])
        }
        return result
    }

    /// One link message of a random kind between random nodes of `nodes` (sender -1: clients).
    static func linkMessage(_ random: inout SplitMix64, nodes: Int) -> (from: Int32, to: Int, slot: Int) {
        (Int32(random.below(nodes + 1) - 1), random.below(nodes), random.below(LinkCounters.slots))
    }

    @Test(arguments: seeds)
    func linkCountersMergeByEndsNotByNumber(seed: UInt64) {
        var random = SplitMix64(state: seed)
        let nodes = 7
        let partCount = 2 + Int(seed % 2)
        var single = LinkCounters()
        single.resize(nodes: nodes)
        // The spec's links, declared alike in every copy.
        for (from, to, slot) in [(0, 1, 0), (1, 2, LinkCounters.replicationSlot), (1, 3, LinkCounters.invalidationSlot)] {
            single.declare(from: from, to: to, slot: slot)
        }
        var parts = Array(repeating: single, count: partCount)
        for i in 0..<3_000 {
            if i % 1_000 == 999 {
                single.makeUnique()
                for k in parts.indices { parts[k].makeUnique() }
                single.closeWindow()
                for k in parts.indices { parts[k].closeWindow() }
                continue
            }
            let message = Self.linkMessage(&random, nodes: nodes)
            let part = random.below(partCount)
            single.makeUnique()
            parts[part].makeUnique()
            single.count(from: message.from, to: message.to, slot: message.slot)
            parts[part].count(from: message.from, to: message.to, slot: message.slot)
        }
        // The copies numbered their links in different orders: the merge must not rely on it.
        #expect(parts.contains { Array($0.senders) != Array(single.senders) || $0.receivers != single.receivers })
        for order in [Array(parts.indices), parts.indices.reversed()] {
            let merged = Self.merged(order.map { parts[$0] }, into: LinkCounters()) { $0.merge($1) }
            #expect(Self.figures(merged) == Self.figures(single))
        }
        #expect(Self.figures(single).values.contains { $0.dropFirst().contains { $0 > 0 } })
    }

    /// `count` notices, each in the partition `partition` picks, at times with ties.
    static func notices(count: Int, partitions: Int, seed: UInt64, partition: (Int) -> Int)
        -> [(time: SimTime, partition: Int, event: EngineNotice.Event)]
    {
        var random = SplitMix64(state: seed)
        var time: SimTime = 0
        return (0..<count).map { i in
            time += SimTime(random.below(3)) * Nanos.perMillisecond
            let event: EngineNotice.Event =
                i == count / 2 ? .requestLimitReached(i) : .autoscaled(node: "n\(i)", from: i, to: i + 1)
            return (time, partition(i) % partitions, event)
        }
    }

    @Test(arguments: [0, 10, 63, 64, 65, 200])
    func noticeLogsMergeInTimePartitionAndSequenceOrder(count: Int) {
        for seed in Self.seeds {
            let partCount = 2 + Int(seed % 2)
            // Evenly, or nearly all in the last partition, whose ring then loses most of its own.
            let skewed = seed % 2 == 0
            let posted = Self.notices(count: count, partitions: partCount, seed: seed) {
                skewed ? ($0 % 10 == 0 ? 0 : partCount - 1) : Int(SplitMix64.mix(UInt64($0)) % 3)
            }
            var parts = Array(repeating: NoticeLog(), count: partCount)
            for notice in posted { parts[notice.partition].post(notice.event, at: notice.time) }
            // One engine posts them in time order, ties by partition, then as each partition did.
            var single = NoticeLog()
            for notice in posted.enumerated().sorted(by: {
                ($0.element.time, $0.element.partition, $0.offset) < ($1.element.time, $1.element.partition, $1.offset)
            }) {
                single.post(notice.element.event, at: notice.element.time)
            }
            let merged = NoticeLog.merged(parts)
            #expect(merged.recent == single.recent)
            #expect(merged.total == single.total)
            #expect(merged.reachedRequestLimit == single.reachedRequestLimit)
            #expect(merged.recent.count == min(count, NoticeLog.capacity))
        }
    }

    @Test(arguments: seeds)
    func clientCountersMergeToTheSingleCounters(seed: UInt64) {
        var random = SplitMix64(state: seed)
        let partCount = 2 + Int(seed % 2)
        var single = ClientState()
        var parts = Array(repeating: ClientState(), count: partCount)
        /// The tick barrier, as `closeClientWindow` runs it in each copy.
        func tick(_ client: inout ClientState) {
            client.lastSecond = client.counters.since(client.countersAtTick)
            client.countersAtTick = client.counters
        }
        for i in 0..<2_000 {
            if i == 300 {
                single.countersAtStatsStart = single.counters
                for k in parts.indices { parts[k].countersAtStatsStart = parts[k].counters }
            }
            if i % 250 == 249 {
                tick(&single)
                for k in parts.indices { tick(&parts[k]) }
            }
            let field = random.below(7)
            let served = SimTime(random.below(1_000_000))
            let part = random.below(partCount)
            for k in [-1, part] {
                func note(_ c: inout ClientCounters) {
                    switch field {
                    case 0: c.firstAttempts += 1
                    case 1: c.retries += 1
                    case 2: c.retriesDenied += 1
                    case 3: c.abandoned += 1
                    case 4: c.completedAfterAbandon += 1
                    case 5: c.servedAfterAbandon += 1
                    default: c.wastedServiceTime += served
                    }
                }
                if k < 0 { note(&single.counters) } else { note(&parts[k].counters) }
            }
        }
        let merged = Self.merged(parts, into: ClientState()) { $0.mergeCounters($1) }
        #expect(merged.counters == single.counters)
        #expect(merged.countersAtStatsStart == single.countersAtStatsStart)
        #expect(merged.countersAtTick == single.countersAtTick)
        #expect(merged.lastSecond == single.lastSecond)
        #expect(single.lastSecond.firstAttempts > 0 && single.counters.wastedServiceTime > 0)
    }

    /// `RegionTests.twoRegions` with a timed command, so the notice log is not empty.
    static var twoRegions: SystemSpec {
        var spec = RegionTests.twoRegions
        spec.script = [ScheduledCommand(at: 1_500 * Nanos.perMillisecond, command: .addServers(node: "web-eu", count: 1))]
        return spec
    }

    /// Every figure reports and the dashboard read, with the digest.
    static func figures(_ engine: Engine) -> (RunSummary, SimulationSnapshot, UInt64) {
        (engine.summary(), engine.simulationSnapshot(), engine.digest())
    }

    @Test(arguments: [UInt64(1), 2])
    func mergingARealEnginesAccumulatorsWithFreshOnesChangesNoFigure(seed: UInt64) {
        var engine = Engine(spec: Self.twoRegions, seed: seed, warmup: Nanos.perSecond)
        engine.run(until: 3_500 * Nanos.perMillisecond)
        let regions = engine.regionMetrics.regions.count
        // Fresh accumulators merged into the engine's.
        var right = engine
        right.outcomesAll.merge(ClassOutcomes())
        right.outcomesRun.merge(ClassOutcomes())
        right.outcomesAtTick.merge(OutcomeCounts())
        right.windowLatency.merge(LatencyHistogram())
        right.runLatency.makeUnique()
        for c in right.runLatency.indices { right.runLatency[c].merge(LatencyHistogram()) }
        right.regionMetrics.merge(RegionMetrics(regionCount: regions))
        right.links.merge(LinkCounters())
        right.client.mergeCounters(ClientState())
        right.notices = NoticeLog.merged([NoticeLog(), engine.notices, NoticeLog()])
        // The engine's merged into fresh ones (not the region history, the coordinator's).
        var left = right
        left.outcomesAll = Self.merged([engine.outcomesAll], into: ClassOutcomes()) { $0.merge($1) }
        left.outcomesRun = Self.merged([engine.outcomesRun], into: ClassOutcomes()) { $0.merge($1) }
        left.windowLatency = Self.merged([engine.windowLatency], into: LatencyHistogram()) { $0.merge($1) }
        left.links = Self.merged([engine.links], into: LinkCounters()) { $0.merge($1) }
        var client = engine.client
        client.counters = ClientCounters()
        client.countersAtStatsStart = ClientCounters()
        client.countersAtTick = ClientCounters()
        client.lastSecond = ClientCounters()
        client.mergeCounters(engine.client)
        left.client = client
        #expect(engine.notices.total > 0 && engine.summary().endToEnd.counts.completed > 0)
        #expect(!engine.linkSnapshot.isEmpty && engine.client.counters.firstAttempts > 0)
        #expect(Self.figures(right) == Self.figures(engine))
        #expect(Self.figures(left) == Self.figures(engine))
        // Runs go on from merged accumulators as from the engine's own.
        engine.run(until: 5 * Nanos.perSecond)
        right.run(until: 5 * Nanos.perSecond)
        left.run(until: 5 * Nanos.perSecond)
        #expect(Self.figures(right) == Self.figures(engine))
        #expect(Self.figures(left) == Self.figures(engine))
    }

    @Test func aRealEnginesLinksSplitThreeWaysGiveItsLinkSnapshot() {
        var engine = Engine(spec: Self.twoRegions, seed: 3)
        engine.run(until: 2_500 * Nanos.perMillisecond)
        var random = SplitMix64(state: 3)
        var single = engine.links
        // The first copy holds the engine's links; the others start fresh, as copies would.
        var parts = [engine.links, LinkCounters(), LinkCounters()]
        for k in 1..<parts.count { parts[k].resize(nodes: engine.nodes.count) }
        for i in 0..<2_000 {
            let message = Self.linkMessage(&random, nodes: engine.nodes.count)
            single.makeUnique()
            parts[i % 3].makeUnique()
            single.count(from: message.from, to: message.to, slot: message.slot)
            parts[i % 3].count(from: message.from, to: message.to, slot: message.slot)
        }
        single.makeUnique()
        single.closeWindow()
        for k in parts.indices {
            parts[k].makeUnique()
            parts[k].closeWindow()
        }
        var expected = engine
        expected.links = single
        for order in [[0, 1, 2], [2, 0, 1], [1, 2, 0]] {
            var merged = engine
            merged.links = Self.merged(order.map { parts[$0] }, into: LinkCounters()) { $0.merge($1) }
            #expect(merged.linkSnapshot == expected.linkSnapshot)
        }
        #expect(expected.linkSnapshot != engine.linkSnapshot, "the messages moved the snapshot")
    }
}
