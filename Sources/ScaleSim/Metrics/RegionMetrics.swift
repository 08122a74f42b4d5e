/// End-to-end figures of one user region's requests over one second of simulated time.
///
/// For a region as a whole, `arrivals` counts the requests its users made; split by data
/// center, it counts the requests geo-DNS sent there (retries included), and the outcomes
/// are those of requests whose last attempt went there.
public struct RegionWindow: Sendable, Hashable {
    /// The end of the second, in simulated time.
    public var end: SimTime
    public var arrivals: Int
    public var completed: Int
    public var dropped: Int
    public var timedOut: Int
    public var failed: Int
    /// Requests a rate limiter turned away for good.
    public var rejected = 0
    public var p50: SimTime?
    public var p95: SimTime?
    public var p99: SimTime?

    /// Failed, dropped, timed-out and rejected requests over those that finished, nil when
    /// none did.
    public var errorRate: Double? {
        let finished = completed + dropped + timedOut + failed + rejected
        return finished > 0 ? Double(dropped + timedOut + failed + rejected) / Double(finished) : nil
    }
}

/// One user region as the dashboard sees it at an instant.
public struct RegionSnapshot: Sendable, Hashable {
    public var name: String
    /// The region's share of the users, normalised to sum to 1 over the regions.
    public var share: Double
    /// The last closed one-second window of the region's requests.
    public var window: RegionWindow?
    /// Recent windows, oldest first.
    public var history: [RegionWindow]
    /// The last closed window split by the data center geo-DNS sent the requests to, by data
    /// center name (empty without data centers). Static requests a CDN edge answered belong
    /// to no data center.
    public var byDataCenter: [String: RegionWindow]
}

/// One user region's end-to-end figures over the measured part of a run.
public struct RegionSummary: Sendable, Hashable {
    public var name: String
    /// The region's share of the users, normalised to sum to 1 over the regions.
    public var share: Double
    /// Outcomes of the requests the region's users made after the warm-up.
    public var counts: OutcomeCounts
    /// Those requests still alive at the end.
    public var inFlight: Int
    public var throughputRps: Double?
    public var meanLatency: Double?
    public var p50: SimTime?
    public var p95: SimTime?
    public var p99: SimTime?

    /// (dropped + timed out + failed + rejected) / requests; nil with no requests.
    public var errorRate: Double? {
        counts.requests > 0
            ? Double(counts.dropped + counts.timedOut + counts.failed + counts.rejected) / Double(counts.requests) : nil
    }
}

/// The engine's per-region accumulators: counts and latency histograms per user region, and
/// per region and data center, closed into windows every second like the system's.
///
/// Only counting: nothing here draws a random number or schedules an event. The tallies are
/// `Column`s written per request without the copy-on-write check: the engine calls
/// `makeUnique()` at each entry point.
struct RegionMetrics: Sendable {
    /// Requests of one region that went to one place: no data center (place 0) or data
    /// center `place - 1`.
    struct PlaceTally: Sendable {
        var routed = 0
        var routedAtTick = 0
        var outcomes = OutcomeCounts()
        var outcomesAtTick = OutcomeCounts()
        var window = LatencyHistogram()
        /// The last closed window.
        var last: RegionWindow?
    }

    /// One region's accumulators.
    struct RegionTally: Sendable {
        /// Requests made since time zero.
        var requests = 0
        var requestsAtTick = 0
        /// Outcomes, latencies and live count of requests born after the warm-up.
        var measured = OutcomeCounts()
        var measuredLatency = LatencyHistogram()
        var measuredInFlight = 0
        var places = Column([PlaceTally()])
        var history = WindowRing<RegionWindow>(capacity: Engine.historyLength)
    }

    /// One tally per region of the workload; empty when the workload names no regions.
    var regions: Column<RegionTally>

    init(regionCount: Int) {
        // One tally built per region: copies of one would share their columns.
        regions = Column((0..<regionCount).map { _ in RegionTally() })
    }

    var isTracking: Bool { !regions.isEmpty }

    /// Gives every tally, place and histogram storage of its own if a copy shares it.
    mutating func makeUnique() {
        regions.makeUnique()
        for r in regions.indices {
            regions[r].places.makeUnique()
            regions[r].measuredLatency.makeUnique()
            for p in regions[r].places.indices { regions[r].places[p].window.makeUnique() }
        }
    }

    /// A request of `region` was made; `measured` when born after the warm-up.
    mutating func countRequest(region: Int, measured: Bool) {
        regions[region].requests += 1
        if measured {
            regions[region].measured.requests += 1
            regions[region].measuredInFlight += 1
        }
    }

    /// Geo-DNS sent a request of `region` to data center `dataCenter`.
    @inline(__always)
    mutating func countRouted(region: Int, dataCenter: Int) {
        let place = dataCenter + 1
        if place >= regions[region].places.count { growPlaces(region: region, to: place) }
        regions[region].places[place].routed += 1
    }

    /// A request of `region` ended with `outcome` after `latency`, of histogram bucket
    /// `bucket` (`LatencyHistogram.bucket(for:)`); `place` is 0 or its data center plus one.
    mutating func countOutcome(
        region: Int, place: Int, _ outcome: Outcome, latency: SimTime, bucket: Int, measured: Bool
    ) {
        // Places exist for every data center from the first window on; a request can still
        // name one past them (a data center added, or removed, since it was routed).
        if place >= regions[region].places.count { growPlaces(region: region, to: place) }
        switch outcome {
        case .completed:
            regions[region].places[place].outcomes.completed += 1
            regions[region].places[place].window.record(bucket: bucket)
            if measured {
                regions[region].measured.completed += 1
                regions[region].measured.latencySum += Double(latency)
                regions[region].measuredLatency.record(bucket: bucket)
            }
        case .dropped:
            regions[region].places[place].outcomes.dropped += 1
            if measured { regions[region].measured.dropped += 1 }
        case .timedOut:
            regions[region].places[place].outcomes.timedOut += 1
            if measured { regions[region].measured.timedOut += 1 }
        case .failed:
            regions[region].places[place].outcomes.failed += 1
            if measured { regions[region].measured.failed += 1 }
        case .rejected:
            regions[region].places[place].outcomes.rejected += 1
            if measured { regions[region].measured.rejected += 1 }
        }
        if measured { regions[region].measuredInFlight -= 1 }
    }

    /// Data center `dc` is gone: its tallies go, and the places of those after it move down.
    mutating func removeDataCenter(_ dc: Int) {
        for r in regions.indices where regions[r].places.count > dc + 1 { _ = regions[r].places.remove(at: dc + 1) }
    }

    @inline(never)
    private mutating func growPlaces(region: Int, to place: Int) {
        while regions[region].places.count <= place { regions[region].places.append(PlaceTally()) }
    }

    /// Closes the second ending at `end` for every region and place, each of the
    /// `dataCenters` included whether or not it saw the region's requests.
    mutating func closeWindow(end: SimTime, dataCenters: Int) {
        for r in regions.indices {
            growPlaces(region: r, to: dataCenters)
            var merged = LatencyHistogram()
            var outcomes = OutcomeCounts()
            for p in regions[r].places.indices {
                let window = Self.window(
                    end: end, arrivals: regions[r].places[p].routed - regions[r].places[p].routedAtTick,
                    outcomes: regions[r].places[p].outcomes, atTick: regions[r].places[p].outcomesAtTick,
                    latency: regions[r].places[p].window)
                outcomes.completed += window.completed
                outcomes.dropped += window.dropped
                outcomes.timedOut += window.timedOut
                outcomes.failed += window.failed
                outcomes.rejected += window.rejected
                merged.merge(regions[r].places[p].window)
                regions[r].places[p].last = window
                regions[r].places[p].routedAtTick = regions[r].places[p].routed
                regions[r].places[p].outcomesAtTick = regions[r].places[p].outcomes
                // Cleared in place: a copy of the tally alive here would cost a copy of its buckets.
                regions[r].places[p].window.clear()
            }
            regions[r].history.append(
                Self.window(
                    end: end, arrivals: regions[r].requests - regions[r].requestsAtTick,
                    outcomes: outcomes, atTick: OutcomeCounts(), latency: merged))
            regions[r].requestsAtTick = regions[r].requests
        }
    }

    private static func window(
        end: SimTime, arrivals: Int, outcomes: OutcomeCounts, atTick: OutcomeCounts, latency: LatencyHistogram
    ) -> RegionWindow {
        let percentiles = latency.quantiles([0.50, 0.95, 0.99])
        return RegionWindow(
            end: end, arrivals: arrivals,
            completed: outcomes.completed - atTick.completed, dropped: outcomes.dropped - atTick.dropped,
            timedOut: outcomes.timedOut - atTick.timedOut, failed: outcomes.failed - atTick.failed,
            rejected: outcomes.rejected - atTick.rejected, p50: percentiles[0], p95: percentiles[1], p99: percentiles[2])
    }
}
