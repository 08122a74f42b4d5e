/// A replica's single-threaded apply stream, computed without events.
///
/// A replica applies its primary's writes in commit order, one at a time: a FIFO queue with
/// one worker. For such a queue the finish time of each job follows from the previous one
/// (Lindley's recursion: done = max(arrival, previous done) + service), so the engine works
/// out when each write will be applied as it is shipped, and the replica catches up lazily.
struct ApplyLog: Sendable {
    struct Entry: Sendable {
        /// When the write reaches the replica (commit plus replication delay).
        var arrives: SimTime
        var applied: SimTime
        var position: LogPosition
        var committed: SimTime
    }

    private(set) var entries: [Entry] = []
    private var head = 0
    /// When the apply worker finishes the last write it was given.
    private(set) var busyUntil: SimTime = .min

    var isEmpty: Bool { head == entries.count }

    /// Writes a replica may hold without having applied them; one more and it has fallen
    /// too far behind: its primary no longer keeps the log it needs, and it must re-sync
    /// (docs/presets.md, Limits).
    static let limit = 10_000

    /// The most bytes one replica's log takes: handed-out entries wait for compaction (at
    /// most `limit` of them, or 4,096), and an array's capacity can double its count.
    static let memoryBound = 2 * (2 * limit + 4096) * MemoryLayout<Entry>.stride

    /// Writes shipped and not yet applied as of the last `catchUp`.
    var backlog: Int { entries.count - head }

    /// Queues a write committed at `committed` that arrives at `arrives` and takes `service`
    /// (`now` is the current time); returns false, queueing nothing, when the replica has
    /// fallen too far behind: `limit` writes wait, or this one would be applied more than
    /// `Nanos.longest` from now. The second bound keeps every time far from overflowing.
    mutating func ship(position: LogPosition, committed: SimTime, arrives: SimTime, service: SimTime, now: SimTime) -> Bool {
        let start = max(arrives, busyUntil)
        guard backlog < Self.limit, service <= Nanos.longest, start - now <= Nanos.longest - service else { return false }
        let done = start + service
        busyUntil = done
        entries.append(Entry(arrives: arrives, applied: done, position: position, committed: committed))
        return true
    }

    /// Removes and returns the writes applied by `now`, oldest first.
    mutating func catchUp(to now: SimTime) -> ArraySlice<Entry> {
        // Forget what earlier calls handed out, once that is most of the buffer.
        if head > 4096 && head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
        let start = head
        while head < entries.count && entries[head].applied <= now { head += 1 }
        return entries[start..<head]
    }

    /// Drops the writes that have not reached the replica by `now` (their sender died).
    mutating func dropUnarrived(at now: SimTime) {
        while entries.count > head && entries[entries.count - 1].arrives > now { entries.removeLast() }
    }

    /// The last position the replica has received, applied or not.
    var lastReceived: LogPosition? { isEmpty ? nil : entries[entries.count - 1].position }

    /// Forgets everything: the replica re-syncs from its primary.
    mutating func reset(at now: SimTime) {
        entries = []
        head = 0
        busyUntil = now
    }
}

/// A place in a primary's write log: the count of writes committed before and at it.
///
/// 64 bits never wrap: at the engine's limit of 50,000,000 requests/s, all writes, that
/// takes 11,000 years. (32 bits wrapped after 86 seconds of such a run.)
typealias LogPosition = UInt64
