/// The client's room: what users do on their side of the network. A deadline on each
/// attempt (`workload.client_timeout`), after which the user gives up while the servers may
/// go on with the attempt; a retry budget; and the backoff's jitter (docs/presets.md,
/// Client deadlines and Retries).
///
/// Every attempt waits the same time, so deadlines expire in the order attempts started:
/// each is one entry in a FIFO ring and one event in the event queue's delay lane for that
/// delay (Core/DelayLane.swift), never a heap event. A workload without a client timeout
/// pays one comparison per attempt.
extension Engine {
    /// The client settings of the workload spec, taken at the start.
    mutating func configureClients() {
        client.timeout = spec.workload.clientTimeout ?? 0
    }

    /// A user request's first attempt enters the system.
    @inline(__always)
    mutating func startFirstAttempt(_ r: Int32) {
        client.counters.firstAttempts += 1
        if spec.workload.retries.budget != nil { client.budget.noteFirstAttempt(at: now) }
        if client.timeout > 0 { armDeadline(r) }
    }

    /// A retry's backoff is over: it enters the system as a new attempt.
    @inline(__always)
    mutating func startRetry(_ r: Int32) {
        if client.timeout > 0 { armDeadline(r) }
        enterSystem(r)
    }

    /// Puts attempt `r` under the client deadline.
    mutating func armDeadline(_ r: Int32) {
        let tag = client.nextTag
        client.nextTag = tag == .max ? 1 : tag + 1
        requests.slots[Int(r)].deadline = tag
        client.deadlines.append(PendingDeadline(slot: r, tag: tag))
        events.schedule(EventTarget.clientDeadline, after: client.timeout, from: now)
    }

    /// The oldest pending deadline has come: if its attempt is still waiting for an answer,
    /// the user gives up on it.
    mutating func clientDeadlinePassed() {
        guard client.deadlines.count > 0 else { return }
        let pending = client.deadlines.removeFirst()
        let i = Int(pending.slot)
        let slot = requests.slots[i]
        guard slot.deadline == pending.tag, slot.role == .user, slot.phase != .free, slot.phase != .lost else { return }
        giveUp(pending.slot)
    }

    /// The user stops waiting for attempt `r`. The servers go on with it as an abandoned
    /// attempt, counted as wasted work; the user retries it as a new attempt in a new slot
    /// while retries and the budget allow, else counts it timed out.
    mutating func giveUp(_ r: Int32) {
        let i = Int(r)
        client.counters.abandoned += 1
        let attempt = Int(requests.slots[i].attempt)
        if attempt < spec.workload.retries.limit && retryAllowed() {
            drawKey(of: i)
            let old = requests.slots[i]
            let retry = requests.allocate(
                born: old.born, user: old.user, key: old.key, requestClass: old.requestClass, region: old.region)
            requests.slots[i].role = .abandoned
            requests.slots[Int(retry)].attempt = old.attempt + 1
            scheduleRetry(retry)
        } else {
            countOutcome(of: i, .timedOut)
            requests.slots[i].role = .abandoned
        }
    }

    /// True when the retry budget (if any) has room for one more retry now; counts the
    /// refusal otherwise. A partition of a partitioned run counts the other partitions'
    /// attempts as of the last barrier (Parallel/Engine+RetriesAcross.swift).
    @inline(__always)
    mutating func retryAllowed() -> Bool {
        guard let budget = spec.workload.retries.budget else { return true }
        let allowed: Bool
        if crossing.isPartitioned {
            client.budgetElsewhere.advance(to: now)
            allowed = client.budget.allowRetry(at: now, budget: budget, elsewhere: client.budgetElsewhere)
        } else {
            allowed = client.budget.allowRetry(at: now, budget: budget)
        }
        if allowed { return true }
        client.counters.retriesDenied += 1
        return false
    }

    /// Sends user request `r`, its attempt number already raised, back to its client to
    /// retry after the backoff: in a partitioned run, to its region's partition if that is
    /// another (Parallel/Engine+RetriesAcross.swift).
    mutating func scheduleRetry(_ r: Int32) {
        let i = Int(r)
        client.counters.retries += 1
        let backoff = retryBackoff(of: i)
        requests.slots[i].node = -1  // back through the client's own entry: CDN, geo-DNS, DNS
        requests.slots[i].server = -1
        requests.slots[i].phase = .travelling
        requests.slots[i].fillCache = -1
        requests.slots[i].returnTo = -1
        requests.slots[i].deadline = 0
        let start = now + Nanos.fromNanoseconds(backoff)
        if crossing.isPartitioned, let home = retryHome(of: i) {
            sendRetryHome(r, to: home, at: start)
            return
        }
        events.schedule(r, at: start)
    }

    /// The wait before request `i`'s next attempt, in nanoseconds: the exponential backoff
    /// `backoff × 2^(n-1)` for the n-th retry, spread by the jitter.
    func exponentialBackoff(attempt: Int) -> Double {
        Double(spec.workload.retries.backoff) * Double(1 << (attempt - 1))
    }

    mutating func retryBackoff(of i: Int) -> Double {
        let attempt = Int(requests.slots[i].attempt)
        switch spec.workload.retries.jitter {
        case .half:
            let jitter = 0.5 + retryJitter(of: i)
            return exponentialBackoff(attempt: attempt) * jitter
        case .none:
            return exponentialBackoff(attempt: attempt)
        case .full:
            return exponentialBackoff(attempt: attempt) * retryJitter(of: i)
        case .decorrelated:
            return decorrelatedBackoff(of: i, attempt: attempt)
        }
    }

    /// Decorrelated jitter: each wait uniform between `backoff` and three times the one
    /// before, capped at the longest exponential backoff (the last retry's). The chain is drawn afresh from a
    /// generator keyed by the request's birth, user and key, so no wait needs storing.
    mutating func decorrelatedBackoff(of i: Int, attempt: Int) -> Double {
        let base = Double(spec.workload.retries.backoff)
        var random = requestRetryRandom(of: i)
        let cap = exponentialBackoff(attempt: max(attempt, spec.workload.retries.limit))
        var wait = base
        for _ in 1...attempt {
            let u = Double(random.next() >> 11) * 0x1.0p-53
            wait = min(cap, base + u * (3 * wait - base))
        }
        return wait
    }

    /// A uniform draw in (0, 1] spreading request `i`'s backoff: the next of its region's
    /// retry stream in one engine. A partitioned run draws the attempt's own: the n-th draw
    /// of the request's generator for its n-th retry, which no other partition's failures
    /// can move (docs/architecture.md, "Retries in a partitioned run").
    @inline(__always)
    mutating func retryJitter(of i: Int) -> Double {
        guard crossing.isPartitioned else { return retryRandom[Int(requests.slots[i].region)].unitOpenBelow() }
        var random = requestRetryRandom(of: i)
        for _ in 0..<max(0, Int(requests.slots[i].attempt) - 1) { _ = random.next() }
        return random.unitOpenBelow()
    }

    /// Request `i`'s own retry generator, keyed by its birth, user and key under the
    /// `retries` purpose: the same for every attempt of the request, wherever it fails.
    mutating func requestRetryRandom(of i: Int) -> SplitMix64 {
        drawKey(of: i)
        let slot = requests.slots[i]
        return SplitMix64(
            state: SplitMix64.mix(
                seed ^ RandomPurpose.retries.rawValue << 56 ^ UInt64(bitPattern: slot.born)
                    ^ UInt64(slot.user) << 32 ^ UInt64(slot.key)))
    }

    /// An abandoned attempt ended at the servers: an answer nobody reads, when it completed.
    mutating func noteAbandonedEnd(_ outcome: Outcome) {
        if outcome == .completed { client.counters.completedAfterAbandon += 1 }
    }

    /// A server starts serving an attempt its client gave up on.
    mutating func noteWastedService(_ service: SimTime) {
        client.counters.servedAfterAbandon += 1
        client.counters.wastedServiceTime += service
    }

    /// The one-second window closes: its client figures go to the dashboard.
    mutating func closeClientWindow() {
        client.lastSecond = client.counters.since(client.countersAtTick)
        client.countersAtTick = client.counters
    }

    /// The client figures since the end of the warm-up (all of them when there is none).
    public var clientFigures: ClientCounters { client.counters.since(client.countersAtStatsStart) }

    /// The client figures since time zero, for the dashboard.
    public var clientFiguresAll: ClientCounters { client.counters }
}
