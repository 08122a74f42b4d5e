/// Retries in a partitioned run (docs/architecture.md, "Retries in a partitioned run").
///
/// A retry starts on the user's side: in the partition that simulates its region's arrivals
/// (its home, the partition of the region's nearest data center), which holds the region's
/// CDN edge and sends it through geo-DNS again. An attempt that fails in another partition
/// goes home as a message, arriving when its backoff is over; that backoff is the retries'
/// effect in the partition plan, so no retry may come back sooner than the run's windows.
/// Each partition decides on the retry budget against its own attempts and the others'
/// as of the last barrier.
extension Engine {
    /// The partition where request `i`'s retry starts, when it is another than this one.
    @inline(__always)
    func retryHome(of i: Int) -> Int32? {
        let home = crossing.regionHomes[Int(requests.slots[i].region)]
        return home == crossing.index ? nil : home
    }

    /// Hands retry `r`, failed here, to its region's partition `home`, which starts it at
    /// `time`; its slot here is free again.
    mutating func sendRetryHome(_ r: Int32, to home: Int32, at time: SimTime) {
        drawKey(of: Int(r))
        crossing.outbox.send(.retry(requests.slots[Int(r)]), to: Int(home), at: time)
        requests.release(r)
    }

    /// Why a partitioned run whose windows last `lookahead` does not take `command`, which
    /// changes the retries, or nil when it does (or when `command` is another); the refusal
    /// says how to take it.
    func retriesRefusal(of command: SimCommand, lookahead: SimTime) -> String? {
        Self.retriesRefusal(of: command, changing: spec.workload.retries, lookahead: lookahead).map {
            $0 + " (run with --one-engine to take it)"
        }
    }

    /// Why a partitioned run does not take `command` on retries set as `retries`, or nil.
    ///
    /// A retry that failed in another partition than its region's must come back no sooner
    /// than a window's length: a shorter least backoff than the windows of `lookahead`
    /// shortens them, down to `PartitionedEngine.shortestWindow` at most. `full` jitter can
    /// bring one back at once, so it is refused even while retries are off: turning them on
    /// later could not be taken.
    static func retriesRefusal(of command: SimCommand, changing retries: RetrySpec, lookahead: SimTime) -> String? {
        var after = retries
        switch command {
        case .setRetries(let limit, let backoff):
            guard limit > 0 else { return nil }
            after.limit = limit
            after.backoff = backoff
        case .setRetryPolicy(_, let jitter):
            after.jitter = jitter
        default:
            return nil
        }
        let shortest = PartitionedEngine.shortestWindow
        let windows = "a partitioned run's windows last at least \(milliseconds(shortest))"
        if after.jitter == .full { return "retries with full jitter can come back at once, and \(windows)" }
        guard let least = after.leastBackoff, least < min(lookahead, shortest) else { return nil }
        let backoff = after.jitter == .half ? 2 * shortest : shortest
        return "retries after a \(milliseconds(after.backoff)) backoff with \(after.jitter.name) can come back "
            + "after \(milliseconds(least)), and \(windows): a backoff of at least \(milliseconds(backoff)) would do"
    }

    /// Why the script's changes of the retries, applied in turn from now on, cannot run in
    /// partitions whose windows last `lookahead`, or nil when they can.
    func scriptedRetriesRefusal(lookahead: SimTime) -> String? {
        var retries = spec.workload.retries
        for scheduled in script where scheduled.at >= now {
            if let refusal = Self.retriesRefusal(of: scheduled.command, changing: retries, lookahead: lookahead) {
                return "its script changes the retries at \(Nanos.seconds(scheduled.at)) s: \(refusal)"
            }
            switch scheduled.command {
            case .setRetries(let limit, let backoff):
                retries.limit = limit
                retries.backoff = backoff
            case .setRetryPolicy(let budget, let jitter):
                retries.budget = budget
                retries.jitter = jitter
            default: continue
            }
        }
        return nil
    }

    /// A duration in milliseconds, as a refusal says it: `80 ms`, `0.5 ms`.
    private static func milliseconds(_ t: SimTime) -> String {
        let ms = Nanos.milliseconds(t)
        return ms == ms.rounded() ? "\(Int(ms)) ms" : "\(ms) ms"
    }
}

extension RetrySpec {
    /// The least wait before a retry its jitter allows, or nil without retries: the delay of
    /// a retry going back to the user's side (Engine+PartitionPlan.swift).
    var leastBackoff: SimTime? {
        switch jitter {
        case _ where limit == 0: nil
        case .none, .decorrelated: backoff
        case .half: backoff / 2
        case .full: 0
        }
    }
}

extension RetryJitter {
    /// The jitter as a refusal names it.
    fileprivate var name: String {
        switch self {
        case .none: "no jitter"
        case .full: "full jitter"
        case .decorrelated: "decorrelated jitter"
        case .half: "half jitter"
        }
    }
}

extension EnginePartition {
    /// Gives every partition the other partitions' retry-budget windows as of the barrier
    /// at `time`, summed: each decides on a retry against them and its own attempts since.
    /// Nothing to share without a budget.
    static func shareAtBarrier(_ time: SimTime, _ partitions: inout [EnginePartition]) {
        guard partitions[0].engine.spec.workload.retries.budget != nil else { return }
        let own = partitions.indices.map { p in
            var window = partitions[p].engine.client.budget
            window.advance(to: time)
            return window
        }
        for p in partitions.indices {
            var elsewhere = RetryBudgetWindow()
            elsewhere.advance(to: time)
            for q in own.indices where q != p { elsewhere.add(own[q]) }
            partitions[p].engine.client.budgetElsewhere = elsewhere
        }
    }
}

extension PartitionedEngine {
    /// Delivers at once what the partitions sent while a command or a failover changed them
    /// at the barrier where the run stands (the retries of requests a kill failed), in
    /// delivery order: each takes effect at its time, no sooner than a window from now, so
    /// it must be in its receiver before the next window runs.
    func deliverSentAtBarrier() {
        var sent: [PartitionMessage<EngineMessage>] = []
        for p in simulation.partitions.indices where !simulation.partitions[p].engine.crossing.outbox.messages.isEmpty {
            simulation.update(p) { partition in
                for var message in partition.engine.crossing.outbox.messages {
                    message.source = p
                    sent.append(message)
                }
                partition.engine.crossing.outbox.messages.removeAll()
            }
        }
        sent.sort { $0.precedes($1) }
        for message in sent {
            simulation.update(message.target) { partition in
                partition.engine.makeStorageUnique()
                partition.engine.receive(message)
            }
        }
    }
}
