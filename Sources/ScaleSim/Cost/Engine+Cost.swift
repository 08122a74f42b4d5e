/// Billing: servers are rented second by second at the engine's one-second tick, and
/// request and gigabyte prices follow the counters the engine keeps anyway, so a request
/// costs no work of its own (docs/cost.md).
extension Engine {
    /// Bytes a link's message carries in each counter slot: a request's response of its
    /// class; a replicated or written-through write its write response; an invalidation
    /// only a key, billed as nothing.
    func bytesPerMessage() -> [Double] {
        var bytes = [Double](repeating: 0, count: LinkCounters.slots)
        for requestClass in RequestClass.allCases {
            bytes[requestClass.rawValue] = Self.bytes(kilobytes: spec.workload.responseKB[requestClass])
        }
        let write = Self.bytes(kilobytes: spec.workload.responseKB[.write])
        bytes[LinkCounters.replicationSlot] = write
        bytes[LinkCounters.writeThroughSlot] = write
        return bytes
    }

    static func bytes(kilobytes: Double?) -> Double { (kilobytes ?? 0) * 1_000 }

    /// When servers were last billed: the last tick, or time zero.
    var lastBilled: SimTime { systemHistory.last?.end ?? 0 }

    /// Node `n`'s rent per nanosecond at its size and server count now, dead servers
    /// included (a killed server is still rented).
    func rentRate(of n: Int, prices: Pricing) -> Double {
        Double(nodes[n].activeServers.count) * prices.hourly(nodes[n].kind, size: nodes[n].size) / 3.6e12
    }

    /// Bytes each node sent to nodes in other data centers, counted in `window` (one of the
    /// link counters' windows).
    func crossDataCenterBytes(in window: Column<Int>) -> [Double] {
        var sent = [Double](repeating: 0, count: nodes.count)
        let bytes = bytesPerMessage()
        for link in 0..<links.count {
            let from = Int(links.senders[link]), to = Int(links.receivers[link])
            guard from >= 0, nodes[from].dc >= 0, nodes[to].dc >= 0, nodes[from].dc != nodes[to].dc else { continue }
            for slot in 0..<LinkCounters.slots where bytes[slot] > 0 {
                sent[from] += Double(window[link * LinkCounters.slots + slot]) * bytes[slot]
            }
        }
        return sent
    }

    /// Bills the time since the last tick: every node's servers as they are now, and what
    /// crossed data centers in the window that closes now. Called at the tick.
    mutating func billWindow() {
        let prices = spec.prices
        let elapsed = Double(now - lastBilled)
        let sent = crossDataCenterBytes(in: links.current)
        for n in nodes.indices {
            nodes[n].counters.rent += rentRate(of: n, prices: prices) * elapsed
            nodes[n].counters.crossDCBytes += sent[n]
        }
    }

    /// Node counters with the time since the last tick billed as `billWindow` would bill it.
    func billedCounters(_ all: [NodeCounters]) -> [NodeCounters] {
        let prices = spec.prices
        let elapsed = Double(now - lastBilled)
        let sent = crossDataCenterBytes(in: links.current)
        return all.indices.map { n in
            var c = all[n]
            c.rent += rentRate(of: n, prices: prices) * elapsed
            c.crossDCBytes += sent[n]
            return c
        }
    }

    /// What node `n` cost between counters `start` and `end` over `seconds`.
    func cost(of n: Int, from start: NodeCounters, to end: NodeCounters, seconds: Double, prices: Pricing) -> NodeCost {
        let arrivals = Double(end.arrivals - start.arrivals)
        var cost = NodeCost(servers: end.rent - start.rent)
        cost.transfer = (end.crossDCBytes - start.crossDCBytes) / 1e9 * prices.crossDCPerGB
        switch nodes[n].kind {
        case .lb: cost.requests = arrivals * prices.lbPerMillionRequests / 1e6
        case .queue: cost.requests = arrivals * prices.queuePerMillionRequests / 1e6
        case .cdn:
            cost.requests = arrivals * prices.cdnPer10kRequests / 1e4
            let served = Double(end.completions - start.completions)
            cost.transfer += served * Self.bytes(kilobytes: spec.workload.responseKB[.static]) / 1e9 * prices.cdnPerGB
        case .app, .db, .station, .cache, .replica, .sessionStore: break
        }
        cost.perMonth = seconds > 0 ? cost.total / seconds * Pricing.secondsPerMonth : nil
        return cost
    }

    /// Each node's cost per month at the rate of now: its servers as they are, and its
    /// traffic as in the last closed second; `sentAcross`, each node's bytes sent to other
    /// data centers in that second, when counted elsewhere (a partitioned run adds every
    /// partition's links, since a message is counted where it arrives).
    func costRates(sentAcross: [Double]? = nil) -> [Double] {
        let prices = spec.prices
        let sent = sentAcross ?? crossDataCenterBytes(in: links.closed)
        let staticBytes = Self.bytes(kilobytes: spec.workload.responseKB[.static])
        return nodes.indices.map { n in
            var perSecond = rentRate(of: n, prices: prices) * 1e9 + sent[n] / 1e9 * prices.crossDCPerGB
            if let window = nodes[n].history.last {
                let arrivals = Double(window.arrivals)
                switch nodes[n].kind {
                case .lb: perSecond += arrivals * prices.lbPerMillionRequests / 1e6
                case .queue: perSecond += arrivals * prices.queuePerMillionRequests / 1e6
                case .cdn:
                    perSecond += arrivals * prices.cdnPer10kRequests / 1e4
                    perSecond += Double(window.completions) * staticBytes / 1e9 * prices.cdnPerGB
                case .app, .db, .station, .cache, .replica, .sessionStore: break
                }
            }
            return perSecond * Pricing.secondsPerMonth
        }
    }
}
