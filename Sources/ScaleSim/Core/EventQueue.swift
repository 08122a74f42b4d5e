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
/// one FIFO per distinct delay, already in order; the others wait in a 4-ary min-heap.
/// `pop` takes whichever is earlier of the heap's top and the earliest lane head. Ties in
/// time break by insertion order wherever the events wait, so the same inputs always pop in
/// the same order: the engine's determinism rests on this.
///
/// Its buffers (`EventHeap`, `Column`s) are shared by copies: a copy must call
/// `makeUnique()` before its first write.
public struct EventQueue: Sendable {
    private var heap = EventHeap()
    private var lanes = Column<DelayLane>()
    /// The lane whose head is the earliest lane event, or -1 when every lane is empty.
    private var earliestLane = -1
    /// That lane's head, kept here so `pop` compares it without reaching into the lane.
    private var earliestLaneHead = ScheduledEvent(time: 0, sequence: 0, target: 0)
    private var laneEntries = 0
    private var nextSequence: UInt32

    /// Past this many distinct delays pending at once, events go to the heap: every lane
    /// head is scanned when a lane event pops.
    static let maximumLanes = 8

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
    /// without a lane, when every lane is busy with another delay, goes to the heap.
    @discardableResult
    public mutating func schedule(_ target: Int32, after delay: SimTime, from now: SimTime) -> UInt32 {
        let time = now + delay
        guard let k = lane(for: delay), lanes[k].isEmpty || lanes[k].lastTime <= time else {
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

    /// The lane of `delay`: its own, else an empty lane given to it, else a new one while
    /// fewer than `maximumLanes` exist.
    @inline(__always)
    private mutating func lane(for delay: SimTime) -> Int? {
        var empty = -1
        for k in lanes.indices {
            if lanes[k].delay == delay { return k }
            if empty < 0 && lanes[k].isEmpty { empty = k }
        }
        if empty >= 0 {
            lanes[empty].delay = delay
            return empty
        }
        guard lanes.count < Self.maximumLanes else { return nil }
        lanes.append(DelayLane(delay: delay))
        return lanes.count - 1
    }

    /// Removes and returns the earliest event.
    @inline(__always)
    public mutating func pop() -> ScheduledEvent? {
        if earliestLane >= 0 {
            guard let top = heap.first, Self.precedes(top, earliestLaneHead) else { return popLane() }
            heap.removeFirst()
            return top
        }
        guard let top = heap.first else { return nil }
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

/// The future event list's 4-ary min-heap, laid out so that a sift-down step reads one
/// cache line (LaMarca and Ladner).
///
/// The buffer is 64-byte aligned and the root sits in slot 3, so the four children of the
/// node in slot `p`, slots `4p - 8 ..< 4p - 4`, fill exactly one 64-byte line of 16-byte
/// events: each level of a sift-down costs one line instead of two. Slots 0 to 2 are unused.
///
/// Like `Column`, copies share the buffer until `makeUnique()`, which the owner calls at
/// each entry point that may write; debug builds stop at a write to a shared heap.
struct EventHeap {
    private var storage = EventHeapStorage(capacity: 64)

    /// The slot of the root.
    static let rootSlot = 3

    /// The events held.
    var count: Int { storage.end - Self.rootSlot }

    /// The earliest event, if any.
    var first: ScheduledEvent? { storage.end > Self.rootSlot ? storage.slots[Self.rootSlot] : nil }

    /// Gives this heap a buffer of its own if a copy of its owner shares it.
    @inline(__always)
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// The slot of the parent of the node in `slot`, which must not be the root.
    @inline(__always)
    static func parent(of slot: Int) -> Int { (slot >> 2) + 2 }

    /// The slot of the first of the four children of the node in `slot`.
    @inline(__always)
    static func firstChild(of slot: Int) -> Int { 4 &* slot &- 8 }

    /// Adds `event` and sifts it up to its place.
    @inline(__always)
    mutating func insert(_ event: ScheduledEvent) {
        checkUnique()
        if storage.end == storage.capacity { storage.grow() }
        let h = storage.slots
        var slot = storage.end
        storage.end += 1
        while slot > Self.rootSlot {
            let parent = Self.parent(of: slot)
            guard EventQueue.precedes(event, h[parent]) else { break }
            h[slot] = h[parent]
            slot = parent
        }
        h[slot] = event
    }

    /// Removes the root, which must exist: the last event fills the hole the root leaves.
    @inline(__always)
    mutating func removeFirst() {
        checkUnique()
        let h = storage.slots
        storage.end -= 1
        let end = storage.end
        let last = h[end]
        var hole = Self.rootSlot
        guard end > hole else { return }
        while true {
            let first = Self.firstChild(of: hole)
            guard first &+ 4 <= end else {
                // The last, partial group of children, if any.
                guard first < end else { break }
                var best = first
                for c in first + 1..<end where EventQueue.precedes(h[c], h[best]) { best = c }
                if EventQueue.precedes(h[best], last) {
                    h[hole] = h[best]
                    hole = best
                }
                break
            }
            let best = Self.earliestOfFour(h, from: first)
            guard EventQueue.precedes(h[best], last) else { break }
            h[hole] = h[best]
            hole = best
        }
        h[hole] = last
    }

    /// The slot of the earliest of the four events from `first` on: two pairs, then their
    /// winners. Which child wins is a coin toss, so the winners are picked by arithmetic on
    /// `precedence` rather than by a branch the processor would mispredict half the time.
    @inline(__always)
    static func earliestOfFour(_ h: UnsafeMutablePointer<ScheduledEvent>, from first: Int) -> Int {
        let left = first &+ precedence(h[first &+ 1], h[first])
        let right = first &+ 2 &+ precedence(h[first &+ 3], h[first &+ 2])
        let rightWins = precedence(h[right], h[left])
        return left ^ ((left ^ right) & (0 &- rightWins))
    }

    /// 1 if `a` pops before `b`, else 0: `EventQueue.precedes` computed without a branch.
    @inline(__always)
    static func precedence(_ a: ScheduledEvent, _ b: ScheduledEvent) -> Int {
        let earlier = a.time < b.time ? 1 : 0
        let tie = a.time == b.time ? 1 : 0
        let insertedFirst = Int((a.sequence &- b.sequence) >> 31)
        return earlier | (tie & insertedFirst)
    }

    /// Debug builds stop at a write to a shared heap; release builds trust the owner.
    @inline(__always)
    private mutating func checkUnique() {
        #if DEBUG
        precondition(isKnownUniquelyReferenced(&storage), "a shared EventHeap was written: call makeUnique() first")
        #endif
    }
}

extension EventHeap: @unchecked Sendable {}

/// The buffer behind an `EventHeap`: 64-byte aligned, doubled when full, every slot
/// initialized so that writes are plain assignments.
final class EventHeapStorage {
    private(set) var slots: UnsafeMutablePointer<ScheduledEvent>
    /// One past the last occupied slot.
    var end = EventHeap.rootSlot
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        slots = Self.allocate(capacity)
    }

    deinit {
        slots.deinitialize(count: capacity)
        UnsafeMutableRawPointer(slots).deallocate()
    }

    /// `capacity` empty slots starting on a cache line.
    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<ScheduledEvent> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<ScheduledEvent>.stride, alignment: 64)
        let slots = raw.bindMemory(to: ScheduledEvent.self, capacity: capacity)
        slots.initialize(repeating: ScheduledEvent(time: 0, sequence: 0, target: 0), count: capacity)
        return slots
    }

    /// A buffer of its own with the same events.
    func copy() -> EventHeapStorage {
        let twin = EventHeapStorage(capacity: capacity)
        twin.slots.update(from: slots, count: end)
        twin.end = end
        return twin
    }

    /// Doubles the buffer.
    func grow() {
        let grown = Self.allocate(capacity * 2)
        grown.update(from: slots, count: end)
        slots.deinitialize(count: capacity)
        UnsafeMutableRawPointer(slots).deallocate()
        slots = grown
        capacity *= 2
    }
}
