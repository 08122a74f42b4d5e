/// One server's running counts, kept beside the pool's so the dashboard can show the
/// hottest server (or shard) behind a pool's mean. Counting only: nothing here draws a
/// random number or schedules an event, so no simulated figure moves.
struct MemberCounters: Sendable {
    /// The server's arrivals (`ServerTraffic.arrivals`) and busy area at the last window's
    /// close.
    var arrivalsAtTick = 0
    var busyAreaAtTick: Int64 = 0
    /// The last closed window's arrivals and busy worker-nanoseconds.
    var windowArrivals = 0
    var windowBusyArea: Int64 = 0
}

/// One server of a pool, or one shard of a sharded database, as the dashboard sees it.
public struct MemberSnapshot: Sendable, Hashable {
    /// Position in the pool: `kill app 3` names position 3.
    public var position: Int
    /// Requests given to the server in the last closed window.
    public var arrivals: Int
    /// Busy worker time over the server's worker time in the last closed window (at most 1).
    public var utilization: Double
    /// The work sent to the server over what it can do: arrivals times the mean service
    /// time (slow-down included) over its workers, per second. Unlike utilization it passes
    /// 1 when more arrives than the server can serve.
    public var offeredLoad: Double
    /// Requests waiting at the server now.
    public var queueLength: Int
    public var down: Bool
    /// Added by the autoscaler and still warming up: it takes no traffic yet.
    public var warming: Bool

    public init(
        position: Int, arrivals: Int, utilization: Double, offeredLoad: Double, queueLength: Int, down: Bool, warming: Bool
    ) {
        self.position = position
        self.arrivals = arrivals
        self.utilization = utilization
        self.offeredLoad = offeredLoad
        self.queueLength = queueLength
        self.down = down
        self.warming = warming
    }

    /// Whether balancers may send it requests: neither down nor warming.
    public var takesTraffic: Bool { !down && !warming }

    /// Whether more work was sent than the server can do: its utilization cannot show it.
    public var isOverloaded: Bool { offeredLoad > 1 }

    /// How loaded the server is: its utilization, or its offered load once that passes 1.
    public var load: Double { isOverloaded ? max(offeredLoad, utilization) : utilization }
}

extension Engine {
    /// Counts request `r`'s arrival at server `s`.
    @inline(__always)
    mutating func countMemberArrival(server s: Int32) {
        serverTraffic[Int(s)].arrivals += 1
    }

    /// Closes the window of each server of node `n`, and of its session figures; call
    /// before the node's own counters are marked for the next window.
    mutating func closeMemberWindows(node n: Int, counters c: NodeCounters) {
        if let k = appSlot(n) { appStates[k].figures.lostInWindow = c.sessionsLost - nodes[n].countersAtTick.sessionsLost }
        for s in nodes[n].allServers {
            let i = Int(s)
            let busy = servers[i].areas(at: now).busy
            servers[i].member.windowArrivals = serverTraffic[i].arrivals - servers[i].member.arrivalsAtTick
            servers[i].member.windowBusyArea = busy &- servers[i].member.busyAreaAtTick
            servers[i].member.arrivalsAtTick = serverTraffic[i].arrivals
            servers[i].member.busyAreaAtTick = busy
        }
    }

    /// Node `n`'s servers in pool order, with their last closed window's figures.
    func memberSnapshots(of n: Int) -> [MemberSnapshot] {
        let workerTime = Double(nodes[n].workers) * Double(Self.windowLength)
        let meanService = Double(spec.nodes[n].service.mean) * nodes[n].slowFactor
        return nodes[n].activeServers.enumerated().map { position, s in
            let server = servers[Int(s)]
            return MemberSnapshot(
                position: position,
                arrivals: server.member.windowArrivals,
                utilization: workerTime > 0 ? min(1, Double(server.member.windowBusyArea) / workerTime) : 0,
                offeredLoad: workerTime > 0 ? Double(server.member.windowArrivals) * meanService / workerTime : 0,
                queueLength: server.queue.count,
                down: server.down,
                warming: server.warmUntil > now
            )
        }
    }

    /// Requests given to each server of node `n` since time zero, in pool order.
    public func memberArrivals(of n: Int) -> [Int] {
        nodes[n].activeServers.map { serverTraffic[Int($0)].arrivals }
    }

}
