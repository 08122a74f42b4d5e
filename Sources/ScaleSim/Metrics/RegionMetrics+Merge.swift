/// Merging the region tallies several engine partitions wrote.
///
/// See docs/design/partitioned-engine-audit.md, L2.
extension RegionMetrics {
    /// Adds `other`'s tallies to these; both must track the same regions.
    ///
    /// Merged: the counts and their at-tick marks (sums: every copy marks at the same tick
    /// barriers, so the merged count less the merged mark is the merged window), the measured
    /// outcomes, latencies and live count (sums; a copy's live count may be negative, the sum
    /// is not), and the open windows' histograms. Not merged: each place's `last` window and
    /// each region's `history`, which the coordinator computes from the merged tallies at the
    /// tick (percentiles of parts cannot be combined); they stay this value's.
    mutating func merge(_ other: RegionMetrics) {
        precondition(regions.count == other.regions.count, "merging the tallies of different workloads")
        // Tallies and places are written through unchecked subscripts (see `Column`).
        regions.makeUnique()
        for r in regions.indices {
            let theirs = other.regions[r]
            regions[r].requests += theirs.requests
            regions[r].requestsAtTick += theirs.requestsAtTick
            regions[r].measured.merge(theirs.measured)
            regions[r].measuredLatency.merge(theirs.measuredLatency)
            regions[r].measuredInFlight += theirs.measuredInFlight
            regions[r].places.makeUnique()
            // A copy may have seen a data center the others have not yet (see `countRouted`).
            while regions[r].places.count < theirs.places.count { regions[r].places.append(PlaceTally()) }
            for p in theirs.places.indices {
                let place = theirs.places[p]
                regions[r].places[p].routed += place.routed
                regions[r].places[p].routedAtTick += place.routedAtTick
                regions[r].places[p].outcomes.merge(place.outcomes)
                regions[r].places[p].outcomesAtTick.merge(place.outcomesAtTick)
                regions[r].places[p].window.merge(place.window)
            }
        }
    }
}
