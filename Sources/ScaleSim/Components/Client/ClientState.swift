/// What the users' clients keep besides the requests themselves: the pending deadlines, the
/// retry budget's recent history and the figures of both (docs/presets.md, Client
/// deadlines and Retries).
struct ClientState: Sendable {
    /// How long a client waits for an attempt; 0 means it waits for every answer.
    var timeout: SimTime = 0
    /// The attempts waiting under a deadline, oldest first. Every attempt waits the same
    /// time, so they expire in the order they started: a ring, not a heap.
    var deadlines = DeadlineRing()
    /// The tag the next attempt put under a deadline gets; never 0, which means none.
    var nextTag: UInt32 = 1
    var budget = RetryBudgetWindow()
    /// In a partitioned run, the other partitions' first attempts and retries in the budget's
    /// window as of the last barrier (Parallel/Engine+RetriesAcross.swift); empty in one engine.
    var budgetElsewhere = RetryBudgetWindow()
    var counters = ClientCounters()
    var countersAtStatsStart = ClientCounters()
    var countersAtTick = ClientCounters()
    /// The figures of the last whole second, for the dashboard.
    var lastSecond = ClientCounters()
}

/// Running totals of what clients did, since time zero.
public struct ClientCounters: Sendable, Hashable {
    /// User requests' first attempts sent into the system.
    public var firstAttempts = 0
    /// Attempts after the first (after a failure, or after the client gave up on one).
    public var retries = 0
    /// Retries the retry budget refused: the failure became final.
    public var retriesDenied = 0
    /// Attempts a client gave up on at its deadline.
    public var abandoned = 0
    /// Abandoned attempts the servers went on with and completed: answers nobody read.
    public var completedAfterAbandon = 0
    /// Services started on an abandoned attempt, and the server time they took.
    public var servedAfterAbandon = 0
    public var wastedServiceTime: SimTime = 0

    public init() {}

    /// The figures from `start` to `self`.
    func since(_ start: ClientCounters) -> ClientCounters {
        var d = ClientCounters()
        d.firstAttempts = firstAttempts - start.firstAttempts
        d.retries = retries - start.retries
        d.retriesDenied = retriesDenied - start.retriesDenied
        d.abandoned = abandoned - start.abandoned
        d.completedAfterAbandon = completedAfterAbandon - start.completedAfterAbandon
        d.servedAfterAbandon = servedAfterAbandon - start.servedAfterAbandon
        d.wastedServiceTime = wastedServiceTime - start.wastedServiceTime
        return d
    }

    /// Attempts per first attempt (1 without retries), nil before any first attempt.
    public var amplification: Double? {
        firstAttempts > 0 ? Double(firstAttempts + retries) / Double(firstAttempts) : nil
    }
}

/// One attempt waiting under a client deadline: its request slot and the tag the slot held
/// when the deadline was set (a slot retried or reused since holds another).
struct PendingDeadline: Sendable {
    var slot: Int32
    var tag: UInt32
}

/// A FIFO ring of pending deadlines, grown by doubling; no allocation once grown.
struct DeadlineRing: Sendable {
    private var storage: [PendingDeadline] = []
    private var head = 0
    private(set) var count = 0

    mutating func append(_ deadline: PendingDeadline) {
        if count == storage.count { grow() }
        storage[(head + count) & (storage.count - 1)] = deadline
        count += 1
    }

    /// Takes the oldest; the ring must not be empty.
    mutating func removeFirst() -> PendingDeadline {
        let first = storage[head]
        head = (head + 1) & (storage.count - 1)
        count -= 1
        return first
    }

    private mutating func grow() {
        let capacity = max(64, storage.count * 2)
        var grown = Array(repeating: PendingDeadline(slot: -1, tag: 0), count: capacity)
        for k in 0..<count { grown[k] = storage[(head + k) & (storage.count - 1)] }
        storage = grown
        head = 0
    }
}

/// The retry budget's memory: first attempts and retries in each of the last ten whole
/// simulated seconds.
///
/// A retry is allowed only if, counting it, retries stay within `budget` × first attempts
/// over every span of whole seconds that ends with the current one, from one second to
/// ten. So over any window of up to ten whole seconds, retries never exceed the budget's
/// share of that window's first attempts: the last retry in the window checked the span
/// from the window's start, and first attempts that came later only add to it.
struct RetryBudgetWindow: Sendable {
    static let seconds = 10
    private var firsts = [Int](repeating: 0, count: seconds)
    private var retries = [Int](repeating: 0, count: seconds)
    /// The whole second the last element counted belongs to.
    private var second: Int64 = 0

    /// Moves the window to the second holding `now`, forgetting seconds that left it.
    mutating func advance(to now: SimTime) {
        let current = now / Nanos.perSecond
        guard current != second else { return }
        let passed = min(Int64(Self.seconds), current - second)
        for k in 0..<Int(passed) {
            let index = Int((second + 1 + Int64(k)) % Int64(Self.seconds))
            firsts[index] = 0
            retries[index] = 0
        }
        second = current
    }

    mutating func noteFirstAttempt(at now: SimTime) {
        advance(to: now)
        firsts[Int(second % Int64(Self.seconds))] += 1
    }

    /// Takes a retry from the budget if every span ending now has room for it, counting
    /// `elsewhere`'s attempts too when given (another partition's, already moved to `now`).
    mutating func allowRetry(at now: SimTime, budget: Double, elsewhere: RetryBudgetWindow? = nil) -> Bool {
        advance(to: now)
        precondition(elsewhere.map { $0.second == second } ?? true, "both windows end in the same second")
        var firstSum = 0
        var retrySum = 1
        for back in 0..<Self.seconds {
            guard Int64(back) <= second else { break }
            let index = Int((second - Int64(back)) % Int64(Self.seconds))
            firstSum += firsts[index] + (elsewhere?.firsts[index] ?? 0)
            retrySum += retries[index] + (elsewhere?.retries[index] ?? 0)
            if Double(retrySum) > budget * Double(firstSum) + 1e-9 { return false }
        }
        retries[Int(second % Int64(Self.seconds))] += 1
        return true
    }

    /// Adds `other`'s counts to these, second by second; both windows must end in the same
    /// second.
    mutating func add(_ other: RetryBudgetWindow) {
        precondition(other.second == second, "both windows end in the same second")
        for k in 0..<Self.seconds {
            firsts[k] += other.firsts[k]
            retries[k] += other.retries[k]
        }
    }
}
