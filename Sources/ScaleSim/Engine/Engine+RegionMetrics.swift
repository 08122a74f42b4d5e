/// End-to-end figures per user region (and per region and data center), for reports and the
/// dashboard. Counting only: no random draw, no event, so no simulated figure moves.
extension Engine {
    /// Request slot `i` was just made and given its region.
    @inline(__always)
    mutating func countRegionRequest(of i: Int) {
        guard regionMetrics.isTracking else { return }
        regionMetrics.countRequest(region: Int(requests.slots[i].region), measured: requests.slots[i].born >= statsStart)
    }

    /// Geo-DNS sends request slot `i` to data center `dataCenter`.
    @inline(__always)
    mutating func countRegionRouting(of i: Int, to dataCenter: Int) {
        requests.slots[i].dataCenter = UInt8(truncatingIfNeeded: min(dataCenter + 1, Int(UInt8.max)))
        guard regionMetrics.isTracking else { return }
        regionMetrics.countRouted(region: Int(requests.slots[i].region), dataCenter: Int(requests.slots[i].dataCenter) - 1)
    }

    /// User request slot `i` ended with `outcome` now, `latency` after its birth (in
    /// histogram bucket `bucket`).
    @inline(__always)
    mutating func countRegionOutcome(of i: Int, _ outcome: Outcome, latency: SimTime, bucket: Int) {
        guard regionMetrics.isTracking else { return }
        let slot = requests.slots[i]
        regionMetrics.countOutcome(
            region: Int(slot.region), place: Int(slot.dataCenter), outcome,
            latency: latency, bucket: bucket, measured: slot.born >= statsStart)
    }

    /// Each region's share of the users, normalised; empty when the workload names none.
    var regionShares: [(name: String, share: Double)] {
        let regions = spec.workload.regions
        let total = regions.reduce(0) { $0 + $1.share }
        return regions.map { ($0.name, total > 0 ? $0.share / total : 0) }
    }

    /// Each user region's figures over the measured part of the run, in workload order.
    func regionSummaries() -> [RegionSummary] {
        let seconds = Nanos.seconds(now - statsStart)
        return zip(regionShares, regionMetrics.regions).map { region, tally in
            let counts = tally.measured
            let percentiles = tally.measuredLatency.quantiles([0.50, 0.95, 0.99])
            return RegionSummary(
                name: region.name, share: region.share, counts: counts, inFlight: tally.measuredInFlight,
                throughputRps: seconds > 0 ? Double(counts.completed) / seconds : nil,
                meanLatency: counts.completed > 0 ? counts.latencySum / Double(counts.completed) : nil,
                p50: percentiles[0], p95: percentiles[1], p99: percentiles[2])
        }
    }

    /// Each user region as the dashboard shows it, with at most `historyLimit` windows.
    func regionSnapshots(historyLimit: Int) -> [RegionSnapshot] {
        zip(regionShares, regionMetrics.regions).map { region, tally in
            var byDataCenter: [String: RegionWindow] = [:]
            for (d, dc) in datacenters.enumerated() where d + 1 < tally.places.count {
                byDataCenter[dc.name] = tally.places[d + 1].last
            }
            return RegionSnapshot(
                name: region.name, share: region.share, window: tally.history.last,
                history: Array(tally.history.elements.suffix(historyLimit)), byDataCenter: byDataCenter)
        }
    }
}
