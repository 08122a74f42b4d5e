/// Circuit breakers in a partitioned run (docs/architecture.md, "Circuit breakers in a
/// partitioned run").
///
/// A breaker lives with its `from` node, in that node's partition: only there does a call
/// pass it (`leave` runs where the request is) and only there is its state live. A call's
/// outcome is known where its attempt ends, which may be another partition: the request
/// carries its calls (breaker epoch and link) when it crosses, and the partition where the
/// attempt ends sends each outcome back to the breaker's, arriving after the one-way latency
/// between the two data centers (or, between two that `dc_latency` does not join, the
/// guarded route's). The plan counts these messages among the effects between data centers
/// ("outcomes for breaker ..."), so they never arrive sooner than the lookahead.
extension Engine {
    /// Sends the outcome of `call`, whose attempt ended at node `end` here, to the partition
    /// simulating its breaker.
    mutating func sendBreakerOutcome(_ call: BreakerCall, failed: Bool, endedAt end: Int) {
        let delay = breakerOutcomeDelay(from: homeDataCenter(of: end), breaker: Int(call.from), to: Int(call.to))
        crossing.outbox.send(
            .breakerOutcome(epoch: call.epoch, failed: failed), to: Int(crossing.owners[Int(call.from)]), at: now + delay)
    }

    /// How long the outcome of a call through the breaker on `from`'s link to `to` takes
    /// from data center `dc`, where the call's attempt ended, to the breaker: the one-way
    /// latency between the two data centers, or the guarded route's for two that
    /// `dc_latency` does not join.
    func breakerOutcomeDelay(from dc: Int, breaker from: Int, to: Int) -> SimTime {
        let latency = datacenterLatency(from: Int32(dc), to: Int32(homeDataCenter(of: from)))
        if latency > 0 { return latency }
        var least: SimTime?
        for table in nodes[from].routes + nodes[from].hitRoutes + nodes[from].missRoutes {
            for route in table.routes where route.target == Int32(to) { least = min(least ?? route.latency, route.latency) }
        }
        return least ?? 0
    }

    /// The data centers a call through the breaker on `from`'s link to `to` may end its
    /// attempt in, by index: those of every node the request can reach from `to` by routes
    /// and calls.
    func breakerOutcomeSources(to: Int) -> Set<Int> {
        var reached = Set([to])
        var pending = [to]
        while let n = pending.popLast() {
            var next = (nodes[n].routes + nodes[n].hitRoutes + nodes[n].missRoutes).flatMap { $0.routes.map(\.target) }
            if nodes[n].calls >= 0 { next.append(nodes[n].calls) }
            for target in next.map(Int.init) where reached.insert(target).inserted { pending.append(target) }
        }
        return Set(reached.map { homeDataCenter(of: $0) })
    }

    /// Takes request `r`'s calls through breakers off this partition's list, latest first,
    /// for the request to carry to another partition.
    mutating func takeBreakerCalls(of r: Int32) -> [BreakerCall] {
        var calls: [BreakerCall] = []
        var k = requests.slots[Int(r)].breakerCall
        requests.slots[Int(r)].breakerCall = -1
        while k >= 0 {
            calls.append(breakerCalls[Int(k)])
            freeBreakerCalls.append(k)
            k = breakerCalls[Int(k)].next
        }
        return calls
    }

    /// Puts the calls request `r` carried from another partition (latest first) on this
    /// partition's list, in the same order.
    mutating func keepBreakerCalls(_ calls: [BreakerCall], of r: Int32) {
        requests.slots[Int(r)].breakerCall = -1
        for call in calls.reversed() { pushBreakerCall(call, onto: r) }
    }

    /// Why the breakers this system's script puts on links keep it from running in the
    /// partitions of `plan`, or nil: a breaker whose outcomes would cross partitions sooner
    /// than the windows may last (the lookahead, or `PartitionedEngine.shortestWindow` once
    /// shortened), or join two (each command tried in turn on a copy).
    func scriptedBreakerRefusal(plan: PartitionPlan) -> String? {
        let scripted = script.filter {
            if case .setBreaker = $0.command { true } else { false }
        }
        guard !scripted.isEmpty else { return nil }
        var trial = wholeSystemCopy()
        for scheduled in scripted {
            _ = trial.apply(scheduled.command)
            let after = trial.partitionPlan
            let shortest = min(plan.lookahead ?? .max, PartitionedEngine.shortestWindow)
            if after.partitions != plan.partitions || (after.lookahead ?? .max) < shortest {
                return "its script puts a breaker on a link at \(Nanos.seconds(scheduled.at)) s whose outcomes "
                    + "would cross partitions sooner than a partitioned run's windows may last"
            }
        }
        return nil
    }
}
