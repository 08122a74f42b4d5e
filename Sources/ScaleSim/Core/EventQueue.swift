/// A pending event: what happens, and when.
///
/// `target` is a request index when non-negative; negative values name engine events
/// (see `Engine.EventTarget`).
public struct ScheduledEvent: Sendable {
    public var time: SimTime
    /// Insertion order, modulo 2^32: 16-byte entries keep the heap compact, and two events
    /// at the same nanosecond are never 2^31 insertions apart, so serial-number comparison
    /// (RFC 1982) orders them exactly.
    public var sequence: UInt32
    public var target: Int32
}

/// The future event list, ordered by (time, insertion sequence).
///
/// Events scheduled a fixed delay ahead (`schedule(_:after:from:)`) wait in delay lines,
/// one FIFO per distinct delay, already in order, and so do the events of a source that
/// schedules each after the last (`schedule(_:at:source:)`); the others wait in a radix heap.
/// `pop` takes whichever is earlier of the heap's top and the earliest lane head. Ties in
/// time break by insertion order wherever the events wait, so the same inputs always pop in
/// the same order: the engine's determinism rests on this.
///
/// Its buffers (`EventHeap`, `Column`s) are shared by copies: a copy must call
/// `makeUnique()` before its first write.
public struct EventQueue: Sendable {
    private var heap = EventHeap()
    private var lanes = Column<DelayLane>()
    /// What each lane's events share (`lanes[k]`'s delay, or `~source` for a source's lane),
    /// `noLane` past the last lane: eight keys side by side, so finding a key's lane reads
    /// one cache line however many lanes there are.
    private var laneKeys = SIMD8<Int64>(repeating: Self.noLane)
    /// The lane whose head is the earliest lane event, or -1 when every lane is empty.
    private var earliestLane = -1
    /// That lane's head, kept here so `pop` compares it without reaching into the lane.
    private var earliestLaneHead = ScheduledEvent(time: 0, sequence: 0, target: 0)
    private var laneEntries = 0
    private var nextSequence: UInt32

    /// Past this many distinct delays and sources pending at once, events go to the heap:
    /// every lane head is scanned when a lane event pops.
    static let maximumLanes = SIMD8<Int64>.scalarCount
    /// The key of a lane not made yet: no delay (zero or more; a negative one goes to the
    /// heap) and no `~source` (a region's number) is `Int64.min`.
    private static let noLane = Int64.min

    public init() { self.init(firstSequence: 0) }

    /// A queue whose first event gets sequence `firstSequence`: tests start near 2^32 to
    /// cross the wrap-around.
    init(firstSequence: UInt32) {
        nextSequence = firstSequence
    }

    /// Gives the queue buffers of its own if a copy shares them: copies of a queue share
    /// its buffers until then, so whoever copies one calls this before writing (see `Column`).
    public mutating func makeUnique() {
        heap.makeUnique()
        lanes.makeUnique()
        for k in lanes.indices { lanes[k].makeUnique() }
    }

    /// Pending events, in the heap and in the delay lines.
    public var count: Int { heap.count + laneEntries }
    public var isEmpty: Bool { count == 0 }

    /// The time of the earliest event, if any.
    @inline(__always)
    public var nextTime: SimTime? {
        guard earliestLane >= 0 else { return heap.first?.time }
        guard let top = heap.first else { return earliestLaneHead.time }
        return min(top.time, earliestLaneHead.time)
    }

    /// The target of the event `pop` returns next, if any: the engine prefetches its
    /// request while it handles the current one.
    @inline(__always)
    public var nextTarget: Int32? {
        guard earliestLane >= 0 else { return heap.first?.target }
        guard let top = heap.first, Self.precedes(top, earliestLaneHead) else { return earliestLaneHead.target }
        return top.target
    }

    /// Whether `a` pops before `b`: earlier time, or the same time and inserted first.
    @inline(__always)
    static func precedes(_ a: ScheduledEvent, _ b: ScheduledEvent) -> Bool {
        a.time < b.time || (a.time == b.time && Int32(bitPattern: a.sequence &- b.sequence) < 0)
    }

    /// Schedules `target` at `time`; returns the sequence number it was given.
    @inline(__always)
    @discardableResult
    public mutating func schedule(_ target: Int32, at time: SimTime) -> UInt32 {
        let event = ScheduledEvent(time: time, sequence: nextSequence, target: target)
        nextSequence &+= 1
        heap.insert(event)
        return event.sequence
    }

    /// Schedules `target` at `now + delay`, in the delay line of `delay`; returns the
    /// sequence number it was given.
    ///
    /// The same order as `schedule(target, at: now + delay)`: a lane only takes an event no
    /// earlier than its last, so each lane stays sorted even if `now` went back; a delay
    /// without a lane, when every lane is busy with another delay, goes to the heap, and so
    /// does a negative delay (the lanes' keys are delays of zero or more and sources).
    @discardableResult
    public mutating func schedule(_ target: Int32, after delay: SimTime, from now: SimTime) -> UInt32 {
        guard delay >= 0 else { return schedule(target, at: now + delay) }
        return schedule(target, at: now + delay, inLaneOf: delay)
    }

    /// Schedules `target` at `time` in the lane of `source` (0 or more), for a source whose
    /// events come one after another, each scheduled at or after the last (a user region's
    /// arrivals); returns the sequence number it was given.
    ///
    /// The same order as `schedule(target, at: time)`, which an event earlier than the
    /// source's last pending one, or a source without a lane, falls back to. The lane saves
    /// the event the radix heap's moves: a region's arrivals, a few microseconds apart, are
    /// a quarter of the events of ten-million-users (docs/architecture.md, "The future event list").
    @inline(__always)
    @discardableResult
    public mutating func schedule(_ target: Int32, at time: SimTime, source: Int) -> UInt32 {
        schedule(target, at: time, inLaneOf: ~Int64(source))
    }

    /// Schedules `target` at `time` in the lane of `key` if it has one, or gets one, that
    /// takes the event; else in the heap.
    @inline(__always)
    private mutating func schedule(_ target: Int32, at time: SimTime, inLaneOf key: Int64) -> UInt32 {
        guard let k = lane(for: key), lanes[k].isEmpty || lanes[k].lastTime <= time else {
            return schedule(target, at: time)
        }
        let event = ScheduledEvent(time: time, sequence: nextSequence, target: target)
        nextSequence &+= 1
        lanes[k].append(event)
        laneEntries += 1
        // A non-empty lane k has an earlier head already, so only an empty one can win.
        if earliestLane < 0 || Self.precedes(event, earliestLaneHead) {
            earliestLane = k
            earliestLaneHead = event
        }
        return event.sequence
    }

    /// The lane of `key` (a delay, or a source's `~source`): its own, else an empty lane
    /// given to it, else a new one while fewer than `maximumLanes` exist.
    @inline(__always)
    private mutating func lane(for key: Int64) -> Int? {
        for k in 0..<Self.maximumLanes where laneKeys[k] == key { return k }
        return newLane(for: key)
    }

    /// An empty lane given to `key`, which has none, else a new one while fewer than
    /// `maximumLanes` exist.
    private mutating func newLane(for key: Int64) -> Int? {
        if let empty = lanes.indices.first(where: { lanes[$0].isEmpty }) {
            laneKeys[empty] = key
            return empty
        }
        guard lanes.count < Self.maximumLanes else { return nil }
        lanes.append(DelayLane())
        laneKeys[lanes.count - 1] = key
        return lanes.count - 1
    }

    /// Removes and returns the earliest event.
    @inline(__always)
    public mutating func pop() -> ScheduledEvent? { pop(notAfter: .max) }

    /// Removes and returns the earliest event if it is due by `end`: `nextTime` and `pop()`
    /// in one comparison of the heap's top with the earliest lane head, where the event loop
    /// made it twice an event.
    @inline(__always)
    public mutating func pop(notAfter end: SimTime) -> ScheduledEvent? {
        if earliestLane >= 0 {
            if let top = heap.first, Self.precedes(top, earliestLaneHead) {
                guard top.time <= end else { return nil }
                heap.removeFirst()
                return top
            }
            return earliestLaneHead.time <= end ? popLane() : nil
        }
        guard let top = heap.first, top.time <= end else { return nil }
        heap.removeFirst()
        return top
    }

    /// Removes and returns the earliest lane's head, then finds the new earliest lane.
    private mutating func popLane() -> ScheduledEvent {
        let event = earliestLaneHead
        lanes[earliestLane].removeFirst()
        laneEntries -= 1
        earliestLane = -1
        for k in lanes.indices where !lanes[k].isEmpty {
            let head = lanes[k].first
            if earliestLane < 0 || Self.precedes(head, earliestLaneHead) {
                earliestLane = k
                earliestLaneHead = head
            }
        }
        return event
    }
}
