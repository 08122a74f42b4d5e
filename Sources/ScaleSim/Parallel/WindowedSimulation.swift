import Dispatch

/// Runs partitions side by side through conservative windows of simulated time, on up to
/// `threads` threads, with the same results whatever the number of threads.
///
/// Every effect between partitions travels with a delay of at least `lookahead`. A window
/// covers the times after the last barrier, up to the lookahead later at most: a message
/// sent by any event in it takes effect after the window ends, so each partition runs the
/// whole window on its own. At the barrier ending the window the coordinator collects what
/// was sent and gives each partition its own messages, in (time, source, sequence) order.
///
/// Barriers fall on a grid: every `lookahead` after the last, a nanosecond before every
/// multiple of `alignment`, and where the owner ends a window itself (`endWindowHere`, at a
/// command's time). Anywhere else the owner may just stop (a checkpoint, a snapshot, a
/// dashboard's slice of wall time): the partitions then run to that time and the window
/// goes on from there, its messages delivered at its barrier as ever. So the results
/// depend on neither the threads nor where the owner stops, only on the lookahead and the
/// commands' times (docs/architecture.md, "Windows and messages").
public final class WindowedSimulation<Partition: SimulationPartition> {
    /// The partitions, as of the end of the last window.
    public private(set) var partitions: [Partition]
    /// The least delay of an effect between two partitions: the longest a window may be.
    /// A command may bring partitions closer: the windows after it are shorter
    /// (`shortenWindows(to:)`).
    public private(set) var lookahead: SimTime
    /// Windows also end a nanosecond before every multiple of this, if given.
    public let alignment: SimTime?
    /// Threads the windows run on: at most one per partition.
    public let threads: Int
    /// Every time up to this one is simulated in every partition; -1 before the first window.
    public private(set) var simulatedThrough: SimTime = -1
    /// The end of the window under way: its messages are delivered once every partition
    /// has run through it.
    public private(set) var nextBarrier: SimTime
    /// Windows run to their barrier so far.
    public private(set) var windowsRun = 0
    /// Messages sent between partitions so far.
    public private(set) var messagesSent = 0
    /// Wall time each partition has spent running its windows: how evenly the work is
    /// spread, which bounds the speed-up threads can give. Measured, never simulated.
    public private(set) var busyTime: [Duration]
    /// The partitions each worker thread runs: rebalanced at every barrier from the wall
    /// time each partition has taken so far, so the work spreads evenly whatever the
    /// partitions' sizes (which thread runs a partition never changes a result).
    private var assignment: [[Int]]
    private var outboxes: [Outbox<Partition.Payload>]
    /// Each partition's messages sent in the window just run.
    private var inboxes: [[PartitionMessage<Partition.Payload>]]

    /// A coordinator of `partitions`, where no effect crosses from one to another in less
    /// than `lookahead`, running on `threads` threads (fewer if there are fewer partitions);
    /// with `alignment`, windows also end a nanosecond before each of its multiples.
    public init(partitions: [Partition], lookahead: SimTime, threads: Int, alignment: SimTime? = nil) {
        precondition(!partitions.isEmpty, "a simulation has at least one partition")
        precondition(lookahead > 0, "the lookahead is a positive duration")
        precondition(threads > 0, "windows run on at least one thread")
        precondition((alignment ?? 1) > 0, "windows align to a positive duration")
        self.partitions = partitions
        self.lookahead = lookahead
        self.alignment = alignment
        self.threads = min(threads, partitions.count)
        nextBarrier = Self.barrier(after: -1, lookahead: lookahead, alignment: alignment)
        outboxes = partitions.indices.map { Outbox(source: $0) }
        busyTime = Array(repeating: .zero, count: partitions.count)
        inboxes = Array(repeating: [], count: partitions.count)
        assignment = Self.balanced(busyTime, threads: self.threads)
    }

    /// Partitions spread over `threads` workers by the longest-processing-time rule: the
    /// busiest first, each to the worker with the least work so far (the lower index on a
    /// tie), so no worker carries much more than its share. With no time measured yet it
    /// deals them out in turn.
    static func balanced(_ busy: [Duration], threads: Int) -> [[Int]] {
        let order = busy.indices.sorted { a, b in (busy[a], b) > (busy[b], a) }
        var load = Array(repeating: Duration.zero, count: threads)
        var plan = Array(repeating: [Int](), count: threads)
        for (k, p) in order.enumerated() {
            let worker = busy[p] == .zero ? k % threads : load.indices.min { (load[$0], $0) < (load[$1], $1) }!
            plan[worker].append(p)
            load[worker] += busy[p]
        }
        return plan
    }

    /// Simulates every partition through `end`, window by window, delivering each window's
    /// messages at its barrier.
    ///
    /// When it returns every partition has run every event at or before `end`, and the
    /// owner may read the partitions or change one (`update`): a command, a tick or a
    /// snapshot happens there, whether `end` is a barrier or inside a window.
    public func run(through end: SimTime) {
        while simulatedThrough < end {
            let stop = min(end, nextBarrier)
            forEachPartition { window, p in
                let start = ContinuousClock.now
                window.partitions[p].run(through: stop, outbox: &window.outboxes[p])
                window.busyTime[p] += ContinuousClock.now - start
            }
            simulatedThrough = stop
            if stop == nextBarrier { endWindow() }
        }
    }

    /// Ends the window under way where the run stands, delivering what was sent in it: the
    /// next window starts here, its barrier on the grid from here.
    ///
    /// For what must see every message already sent (a command, which may kill what a
    /// message is on its way to). The owner calls it at the same simulated times in every
    /// run of the same commands, so the results still depend on nothing else.
    public func endWindowHere() {
        guard simulatedThrough < nextBarrier, simulatedThrough >= 0 else { return }
        nextBarrier = simulatedThrough
        endWindow()
    }

    /// Makes every window from here on no longer than `lookahead`, which a change of the
    /// system made the least delay between two partitions. Called where a window ends
    /// (`endWindowHere`): every message sent so far is delivered, and one sent from now on
    /// takes effect after the window it is sent in, as ever.
    public func shortenWindows(to lookahead: SimTime) {
        precondition(lookahead > 0 && lookahead <= self.lookahead, "windows only get shorter, and stay positive")
        precondition(outboxes.allSatisfy(\.messages.isEmpty), "windows shorten where one ends")
        self.lookahead = lookahead
        nextBarrier = Self.barrier(after: simulatedThrough, lookahead: lookahead, alignment: alignment)
    }

    /// Changes partition `index` where the run stands: a command applied at its time.
    public func update<Result>(_ index: Int, _ change: (inout Partition) throws -> Result) rethrows -> Result {
        try change(&partitions[index])
    }

    /// The barrier after the one at `time`: the lookahead later, or sooner if a multiple of
    /// `alignment` comes first (windows end a nanosecond before it).
    private static func barrier(after time: SimTime, lookahead: SimTime, alignment: SimTime?) -> SimTime {
        let next = time + lookahead
        guard let alignment else { return next }
        return min(next, ((time + 1) / alignment + 1) * alignment - 1)
    }

    /// Every partition has run through the barrier: shares what the partitions keep of each
    /// other's state, then delivers the window's messages.
    private func endWindow() {
        windowsRun += 1
        collectMessages(sentThrough: nextBarrier)
        Partition.shareAtBarrier(nextBarrier, &partitions)
        forEachPartition { window, p in window.deliver(to: p) }
        if threads > 1 && threads < partitions.count { assignment = Self.balanced(busyTime, threads: threads) }
        nextBarrier = Self.barrier(after: nextBarrier, lookahead: lookahead, alignment: alignment)
    }

    /// Runs `body` for every partition, on the coordinator's threads, each worker its
    /// partitions of `assignment` (the results do not depend on it, only the balance of
    /// work does).
    private func forEachPartition(_ body: @escaping @Sendable (WindowBuffers<Partition>, Int) -> Void) {
        let count = partitions.count
        let threads = threads
        let assignment = assignment
        partitions.withUnsafeMutableBufferPointer { parts in
            outboxes.withUnsafeMutableBufferPointer { outs in
                inboxes.withUnsafeMutableBufferPointer { ins in
                    busyTime.withUnsafeMutableBufferPointer { busy in
                        let window = WindowBuffers(partitions: parts, outboxes: outs, inboxes: ins, busyTime: busy)
                        if threads == 1 {
                            for p in 0..<count { body(window, p) }
                        } else {
                            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                                for p in assignment[worker] { body(window, p) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Moves every message sent in the window just run to its target's inbox.
    private func collectMessages(sentThrough end: SimTime) {
        for source in outboxes.indices {
            for message in outboxes[source].messages {
                precondition(
                    message.time > end,
                    "partition \(source) sent a message taking effect at \(message.time) ns, inside the window "
                        + "simulated through \(end) ns: an effect between partitions is shorter than the "
                        + "lookahead (\(lookahead) ns)")
                precondition(inboxes.indices.contains(message.target), "no partition \(message.target)")
                inboxes[message.target].append(message)
            }
            messagesSent += outboxes[source].messages.count
            outboxes[source].messages.removeAll(keepingCapacity: true)
        }
    }
}

/// The coordinator's arrays during a window, shared by the worker threads: each worker
/// touches only the elements of its own partitions, so no two threads write one element.
private struct WindowBuffers<Partition: SimulationPartition>: @unchecked Sendable {
    let partitions: UnsafeMutableBufferPointer<Partition>
    let outboxes: UnsafeMutableBufferPointer<Outbox<Partition.Payload>>
    let inboxes: UnsafeMutableBufferPointer<[PartitionMessage<Partition.Payload>]>
    let busyTime: UnsafeMutableBufferPointer<Duration>

    /// Gives partition `p` the messages sent to it in the window just run, in delivery order.
    func deliver(to p: Int) {
        var inbox = inboxes[p]
        inboxes[p] = []
        inbox.sort { $0.precedes($1) }
        partitions[p].receive(inbox)
    }
}
