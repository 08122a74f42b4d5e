/// A delay line: the pending events scheduled one fixed delay after their scheduling time,
/// or the events of one source that schedules each after the last (a region's arrivals).
///
/// Events enter at `now + delay` with `now` never decreasing and ever-later insertion
/// sequences, so a plain ring buffer holds them already in (time, sequence) order: they
/// need no heap, and only the oldest competes with the rest of the future event list.
struct DelayLane: Sendable {
    private var storage = Column<ScheduledEvent>()
    /// The ring's capacity less one (a power of two less one), kept here with the other
    /// fields a schedule or a pop reads: the ring's own count is a load from its storage.
    private var mask = -1
    private var head = 0
    private(set) var count = 0
    /// The time of the latest event; meaningful while the lane is not empty.
    private(set) var lastTime: SimTime = 0

    var isEmpty: Bool { count == 0 }

    /// Gives the lane a ring of its own if a copy shares it (see `Column`).
    mutating func makeUnique() { storage.makeUnique() }

    /// The earliest event; the lane must not be empty.
    @inline(__always)
    var first: ScheduledEvent { storage[head] }

    @inline(__always)
    mutating func append(_ event: ScheduledEvent) {
        if count > mask { grow() }
        storage[(head &+ count) & mask] = event
        count &+= 1
        lastTime = event.time
    }

    /// Drops the earliest event; the lane must not be empty.
    @inline(__always)
    mutating func removeFirst() {
        head = (head &+ 1) & mask
        count &-= 1
    }

    /// Doubles the ring, a power of two so a mask wraps the indices.
    private mutating func grow() {
        let newCapacity = max(64, (mask + 1) * 2)
        var grown = Column(repeating: ScheduledEvent(time: 0, sequence: 0, target: 0), count: newCapacity)
        for i in 0..<count { grown[i] = storage[(head + i) & mask] }
        storage = grown
        mask = newCapacity - 1
        head = 0
    }
}
