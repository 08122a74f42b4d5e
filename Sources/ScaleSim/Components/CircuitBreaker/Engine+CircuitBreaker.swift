/// One circuit breaker of the running system: the link it guards and its state machine.
struct BreakerRuntime: Sendable {
    /// The link, by node id (kept across renumbering) and by node number (rewired by
    /// `reconcileBreakers`).
    var fromID: String
    var toID: String
    var from: Int32
    var to: Int32
    var machine: CircuitBreaker
    /// Figures at the end of the warm-up, for reports.
    var shortCircuitedAtStatsStart = 0
    var timesOpenedAtStatsStart = 0
    var timeOpenAtStatsStart: SimTime = 0
}

/// A call that went through a breaker and whose outcome the breaker still waits for; a
/// request's calls are a list through `next`, headed by its slot's `breakerCall`.
struct BreakerCall: Sendable {
    /// The epoch the call left in: it names the breaker and its spell (see `CircuitBreaker`).
    var epoch: UInt32
    var next: Int32
    /// The guarded link, by node number: in a partitioned run, where the outcome is sent
    /// when the attempt ends in another partition (Parallel/EnginePartition.swift).
    var from: Int32
    var to: Int32
}

/// A circuit breaker as reports show it, over the measured part of the run.
public struct BreakerSummary: Sendable, Hashable {
    public var from: String
    public var to: String
    public var spec: BreakerSpec
    /// Its state at the end.
    public var state: BreakerState
    /// The share of failures in its window at the end, or nil for an empty window.
    public var failureRate: Double?
    /// Requests it failed at once without sending them.
    public var shortCircuited: Int
    /// Times it opened.
    public var timesOpened: Int
    /// Seconds it spent open (not half-open).
    public var openSeconds: Double
}

/// A circuit breaker as the dashboard shows it, since time zero.
public struct BreakerSnapshot: Sendable, Hashable {
    public var from: String
    public var to: String
    public var spec: BreakerSpec
    public var state: BreakerState
    /// The share of failures among the `windowCount` latest calls, or nil for none yet.
    public var failureRate: Double?
    public var windowCount: Int
    public var shortCircuited: Int
    public var timesOpened: Int
    /// While open: when it goes half-open.
    public var openUntil: SimTime?
}

/// The circuit breaker's room: a breaker on a link, the calls one node makes to another
/// (docs/architecture.md, Circuit breakers).
///
/// A breaker sits on the sender's routes to one target and acts in `leave`, where the
/// sender picks the target: open, it fails the request there (short-circuited, a failure
/// end to end that the client may retry); otherwise the request carries the call on its
/// slot. The call's outcome is known when the request's life (or attempt) ends: a failure,
/// drop, timeout or rejection anywhere past the link is the answer the sender gets back
/// (`fail`, `finish`, a request lost with its server); reaching the end of its routes is a
/// success. With no breaker in the system, the request path pays one comparison in
/// `leave` and one in each of `fail` and `finish`.
extension Engine {
    /// Posts breaker `b`'s new state as a notice.
    mutating func noteBreaker(_ b: Int) {
        let breaker = breakers[b]
        notices.post(
            .breakerChanged(
                from: breaker.fromID, to: breaker.toID, state: breaker.machine.state,
                failureRate: breaker.machine.state == .open ? breaker.machine.openingRate : nil),
            at: now)
    }

    /// The `leave` hook: request `r` takes the link from `from` to `to`. True when it may go
    /// on; false when a breaker failed it at once.
    mutating func passBreaker(_ r: Int32, from: Int32, to: Int32) -> Bool {
        guard let b = breakers.firstIndex(where: { $0.from == from && $0.to == to }) else { return true }
        guard let epoch = breakers[b].machine.admit() else {
            fail(r, .failed)
            return false
        }
        pushBreakerCall(BreakerCall(epoch: epoch, next: -1, from: from, to: to), onto: r)
        return true
    }

    /// Puts `call` first on request `r`'s list of calls awaiting an outcome, in a free
    /// element of the pool if there is one.
    @inline(__always)
    mutating func pushBreakerCall(_ call: BreakerCall, onto r: Int32) {
        var call = call
        call.next = requests.slots[Int(r)].breakerCall
        if let reused = freeBreakerCalls.popLast() {
            breakerCalls[Int(reused)] = call
            requests.slots[Int(r)].breakerCall = reused
        } else {
            breakerCalls.append(call)
            requests.slots[Int(r)].breakerCall = Int32(breakerCalls.count - 1)
        }
    }

    /// Request slot `i`'s attempt ended: each breaker it went through hears the outcome, at
    /// once here or, for a breaker another partition simulates, by a message.
    mutating func settleBreakerCalls(_ i: Int, failed: Bool) {
        var k = requests.slots[i].breakerCall
        requests.slots[i].breakerCall = -1
        while k >= 0 {
            let call = breakerCalls[Int(k)]
            freeBreakerCalls.append(k)
            k = call.next
            if crossing.isPartitioned && call.from >= 0 && crossing.isForeign(call.from) {
                sendBreakerOutcome(call, failed: failed, endedAt: Int(requests.slots[i].node))
            } else {
                recordBreakerOutcome(epoch: call.epoch, failed: failed)
            }
        }
    }

    /// The outcome of a call let through in `epoch` reaches its breaker.
    mutating func recordBreakerOutcome(epoch: UInt32, failed: Bool) {
        guard let b = breakers.firstIndex(where: { $0.machine.epoch == epoch }) else { return }
        let fresh = nextBreakerEpoch
        guard let state = breakers[b].machine.record(failed: failed, callEpoch: epoch, now: now, newEpoch: fresh)
        else { return }
        breakerEpoch = fresh
        if state == .open { schedule(.breakerHalfOpen(epoch: fresh), at: breakers[b].machine.openUntil) }
        noteBreaker(b)
    }

    /// The epoch the next change of state takes (see `CircuitBreaker`). One engine counts
    /// one by one; each partition of a partitioned run steps by the number of partitions
    /// from its own start (`PartitionCrossing.breakerEpochStep`), so no two hand out the
    /// same epoch.
    var nextBreakerEpoch: UInt32 { breakerEpoch &+ crossing.breakerEpochStep }

    /// The open spell that began in `epoch` is over: the breaker goes half-open.
    mutating func endBreakerOpenSpell(epoch: UInt32) {
        guard let b = breakers.firstIndex(where: { $0.machine.epoch == epoch }) else { return }
        let fresh = nextBreakerEpoch
        guard breakers[b].machine.endOpenSpell(now: now, newEpoch: fresh) else { return }
        breakerEpoch = fresh
        noteBreaker(b)
    }

    /// Brings the breakers in line with the spec's routes: one per link whose routes carry
    /// one, keeping the state of those that stay. Called by `linkTopology`.
    mutating func reconcileBreakers() {
        guard !breakers.isEmpty || spec.nodes.contains(where: { $0.routes.contains { $0.breaker != nil } }) else { return }
        var kept: [String: BreakerRuntime] = [:]
        for breaker in breakers { kept[breaker.fromID + "\u{0}" + breaker.toID] = breaker }
        var rebuilt: [BreakerRuntime] = []
        for (n, node) in spec.nodes.enumerated() {
            var seen = Set<String>()
            for route in node.routes where route.breaker != nil && seen.insert(route.to).inserted {
                guard let target = nodeIndex[route.to], let settings = RouteSpec.breaker(of: node.routes, to: route.to) else {
                    continue
                }
                var breaker: BreakerRuntime
                if var old = kept[node.id + "\u{0}" + route.to] {
                    old.machine.reconfigure(settings)
                    breaker = old
                } else {
                    breakerEpoch = nextBreakerEpoch
                    breaker = BreakerRuntime(
                        fromID: node.id, toID: route.to, from: -1, to: -1,
                        machine: CircuitBreaker(spec: settings, epoch: breakerEpoch))
                }
                breaker.from = Int32(n)
                breaker.to = target
                rebuilt.append(breaker)
            }
        }
        breakers = rebuilt
    }

    /// The end of the warm-up: breaker figures for reports count from here.
    mutating func markBreakersStatsStart() {
        for b in breakers.indices {
            breakers[b].shortCircuitedAtStatsStart = breakers[b].machine.shortCircuited
            breakers[b].timesOpenedAtStatsStart = breakers[b].machine.timesOpened
            breakers[b].timeOpenAtStatsStart = breakers[b].machine.timeOpen(at: now)
        }
    }

    /// Every breaker over the measured part, in spec order.
    func breakerSummaries() -> [BreakerSummary] {
        breakers.map { b in
            BreakerSummary(
                from: b.fromID, to: b.toID, spec: b.machine.spec, state: b.machine.state,
                failureRate: b.machine.failureRate,
                shortCircuited: b.machine.shortCircuited - b.shortCircuitedAtStatsStart,
                timesOpened: b.machine.timesOpened - b.timesOpenedAtStatsStart,
                openSeconds: Nanos.seconds(b.machine.timeOpen(at: now) - b.timeOpenAtStatsStart))
        }
    }

    /// Every breaker for the dashboard, in spec order.
    var breakerSnapshots: [BreakerSnapshot] {
        breakers.map { b in
            BreakerSnapshot(
                from: b.fromID, to: b.toID, spec: b.machine.spec, state: b.machine.state,
                failureRate: b.machine.failureRate, windowCount: b.machine.recorded,
                shortCircuited: b.machine.shortCircuited, timesOpened: b.machine.timesOpened,
                openUntil: b.machine.state == .open ? b.machine.openUntil : nil)
        }
    }
}

extension Engine {
    /// `breaker FROM TO ...`: puts `breaker` on node `n`'s routes to `target` (on the first,
    /// taken off the others), or takes the link's breaker away when nil. Refused, changing
    /// nothing, for a link that does not exist or settings out of range.
    mutating func setBreaker(node n: Int, to target: String, _ breaker: BreakerSpec?) -> CommandResult {
        let id = spec.nodes[n].id
        guard nodeIndex[target] != nil else { return .refused("no node named \(target)") }
        guard let first = spec.nodes[n].routes.firstIndex(where: { $0.to == target }) else {
            return .refused("\(id) has no route to \(target): a breaker guards a link that exists")
        }
        if let problem = breaker?.problem {
            return .refused("\(id) to \(target): expected \(problem.expected) for \(problem.field)")
        }
        if breaker == nil, RouteSpec.breaker(of: spec.nodes[n].routes, to: target) == nil {
            return .refused("\(id) has no breaker on its link to \(target)")
        }
        for k in spec.nodes[n].routes.indices where spec.nodes[n].routes[k].to == target {
            spec.nodes[n].routes[k].breaker = k == first ? breaker : nil
        }
        linkTopology()
        return .applied
    }
}
