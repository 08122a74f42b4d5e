/// A delay line: the pending events scheduled one fixed delay after their scheduling time,
/// or the events of one source that schedules each after the last (a region's arrivals).
///
/// Events enter at `now + delay` with `now` never decreasing and ever-later insertion
/// sequences, so a plain ring buffer holds them already in (time, sequence) order: they
/// need no heap, and only the oldest competes with the rest of the future event list.
struct DelayLane: Sendable {
    /// What the lane's events share: their delay (zero or more), or `~source` (negative)
    /// for a source's lane; see `EventQueue.schedule(_:at:source:)`.
    var key: Int64
    private var storage = Column<ScheduledEvent>()
    private var head = 0
    private(set) var count = 0

    init(key: Int64) { self.key = key }

    var isEmpty: Bool { count == 0 }

    /// Gives the lane a ring of its own if a copy shares it (see `Column`).
    mutating func makeUnique() { storage.makeUnique() }

    /// The earliest event; the lane must not be empty.
    @inline(__always)
    var first: ScheduledEvent { storage[head] }

    /// The time of the latest event; the lane must not be empty.
    @inline(__always)
    var lastTime: SimTime {
        let slot = (head + count - 1) & (storage.count - 1)
        return storage[slot].time
    }

    @inline(__always)
    mutating func append(_ event: ScheduledEvent) {
        if count == storage.count { grow() }
        storage[(head + count) & (storage.count - 1)] = event
        count += 1
    }

    /// Drops the earliest event; the lane must not be empty.
    @inline(__always)
    mutating func removeFirst() {
        head = (head + 1) & (storage.count - 1)
        count -= 1
    }

    /// Doubles the ring, a power of two so a mask wraps the indices.
    private mutating func grow() {
        let newCapacity = max(64, storage.count * 2)
        var grown = Column(repeating: ScheduledEvent(time: 0, sequence: 0, target: 0), count: newCapacity)
        for i in 0..<count { grown[i] = storage[(head + i) & (storage.count - 1)] }
        storage = grown
        head = 0
    }
}
