/// Where users are and how their requests get in: CDN edges for static assets, geo-DNS to
/// the nearest live data center; and the autoscaler, which any pool may have.
extension Engine {
    /// How long geo-DNS takes to notice that a data center died or came back.
    public static let geoHealthCheck = 10 * Nanos.perSecond

    /// A user's request (or a retry) leaves the client: a static request goes to its
    /// region's CDN edge if there is one, everything else to its origin.
    @inline(__always)
    mutating func enterSystem(_ r: Int32) {
        let i = Int(r)
        if requests.slots[i].requestClass == UInt8(RequestClass.static.rawValue) {
            let region = Int(requests.slots[i].region)
            if region < cdnEdges.count, cdnEdges[region] >= 0, !nodeIsDown(Int(cdnEdges[region])) {
                enter(r, node: cdnEdges[region], from: -1)
                return
            }
        }
        routeToOrigin(r)
    }

    /// Sends `r` to the data center geo-DNS picks for its region (the nearest one it believes
    /// alive), across the region's round-trip latency; with no data centers, to the entry.
    @inline(__always)
    mutating func routeToOrigin(_ r: Int32) {
        guard !datacenters.isEmpty else {
            enter(r, node: workload.entry, from: -1)
            return
        }
        let i = Int(r)
        let region = min(Int(requests.slots[i].region), regionLatency.count - 1)
        let answer = geoAnswer(region: region)
        guard answer.dc >= 0 else {
            fail(r, .failed)
            return
        }
        let best = Int(answer.dc)
        countRegionRouting(of: i, to: best)
        if crossing.isPartitioned && crossing.isForeign(datacenters[best].entry) {
            sendAcross(r, to: datacenters[best].entry, from: -1, arriving: now + answer.roundTrip)
            return
        }
        requests.slots[i].node = datacenters[best].entry
        requests.slots[i].server = -1
        requests.slots[i].phase = .travelling
        events.schedule(r, after: answer.roundTrip, from: now)
    }

    /// Geo-DNS's answer for `region` now: the one kept, while it holds.
    @inline(__always)
    mutating func geoAnswer(region: Int) -> GeoAnswer {
        if !(geoAnswers[region].validFrom <= now && now < geoAnswers[region].validUntil) { answerGeoDNS(region: region) }
        return geoAnswers[region]
    }

    /// Finds geo-DNS's answer for `region`, the nearest data center it believes alive, and
    /// how long it holds: a belief changes only when geo-DNS notices a death or a return,
    /// `geoHealthCheck` after it, so the answer holds from the last such moment until the
    /// next (a data center dying or coming back meanwhile forgets every answer).
    mutating func answerGeoDNS(region: Int) {
        var answer = GeoAnswer(validFrom: .min, validUntil: .max)
        var best = -1
        for dc in datacenters.indices {
            let noticed = datacenters[dc].changedAt + Self.geoHealthCheck
            if noticed > now {
                answer.validUntil = min(answer.validUntil, noticed)
            } else {
                answer.validFrom = max(answer.validFrom, noticed)
            }
            if !geoDNSBelievesDown(dc), best < 0 || regionLatency[region][dc] < regionLatency[region][best] { best = dc }
        }
        if best >= 0 {
            answer.dc = Int32(best)
            answer.roundTrip = 2 * regionLatency[region][best]
        }
        geoAnswers[region] = answer
    }

    /// Whether geo-DNS believes data center `dc` down: it notices a death or a return once
    /// it has lasted `geoHealthCheck`, and until then believes what it did before. A data
    /// center restored before geo-DNS noticed its death was never believed down.
    func geoDNSBelievesDown(_ dc: Int) -> Bool {
        now - datacenters[dc].changedAt >= Self.geoHealthCheck ? datacenters[dc].down : datacenters[dc].believedDown
    }

    func nodeIsDown(_ n: Int) -> Bool {
        nodes[n].activeServers.allSatisfy { servers[Int($0)].down }
    }

    /// Kills or restores every node of data center `name`; geo-DNS notices
    /// `geoHealthCheck` later (see `geoDNSBelievesDown`).
    mutating func setDataCenter(_ name: String, down: Bool) -> CommandResult {
        guard let dc = datacenters.firstIndex(where: { $0.name == name }) else {
            let known = datacenters.map(\.name).joined(separator: ", ")
            return .refused("no data center named \(name)" + (known.isEmpty ? "" : "; there are \(known)"))
        }
        guard datacenters[dc].down != down else { return .refused("\(name) is already \(down ? "down" : "up")") }
        datacenters[dc].believedDown = geoDNSBelievesDown(dc)
        datacenters[dc].down = down
        datacenters[dc].changedAt = now
        for region in geoAnswers.indices { geoAnswers[region] = GeoAnswer() }
        for n in nodes.indices where nodes[n].dc == Int32(dc) {
            _ = setDown(node: n, server: nil, down: down)
        }
        return .applied
    }

    // MARK: Autoscaling

    /// At each window: grows a pool whose utilization runs above the target (to bring it
    /// back to the target) or shrinks one far below it, within min and max, no sooner than
    /// the cool-down after the last action. New servers warm up before taking traffic.
    mutating func autoscale(_ n: Int) {
        guard let policy = nodes[n].autoscale, let last = nodes[n].history.last else { return }
        guard now - nodes[n].lastScaleAction >= policy.cooldown else { return }
        let current = nodes[n].activeServers.count
        // Clamped before the conversion: a tiny target or a huge offered load must not trap.
        let wanted = (Double(current) * last.utilization / policy.target).rounded(.up)
        let desired = wanted.isNaN ? current : Int(min(Double(Self.maxServers), max(0, wanted)))
        var next = current
        if last.utilization > policy.target * 1.1 {
            next = min(policy.max, max(current + 1, desired))
        } else if last.utilization < policy.target * 0.7 {
            next = max(policy.min, min(current - 1, desired))
        }
        guard next != current, !nodes[n].sharded else { return }
        spec.nodes[n].servers = next
        reconcile(node: n)
        for s in nodes[n].activeServers.suffix(max(0, next - current)) {
            servers[Int(s)].warmUntil = now + policy.warmup
        }
        refreshRotation(n)
        schedule(.healthCheck(node: Int32(n)), at: now + policy.warmup)
        nodes[n].lastScaleAction = now
        nodes[n].counters.autoscalerActions += 1
        notices.post(.autoscaled(node: spec.nodes[n].id, from: current, to: next), at: now)
    }
}
