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

/// The future event list: a 4-ary min-heap ordered by (time, insertion sequence).
///
/// Ties in time break by insertion order, so the same inputs always pop in the same order:
/// the engine's determinism rests on this.
public struct EventQueue: Sendable {
    private var heap: [ScheduledEvent] = []
    private var nextSequence: UInt32 = 0

    public init() { heap.reserveCapacity(1024) }

    public var count: Int { heap.count }
    public var isEmpty: Bool { heap.isEmpty }

    /// The time of the earliest event, if any.
    @inline(__always)
    public var nextTime: SimTime? { heap.first?.time }

    @inline(__always)
    static func precedes(_ a: ScheduledEvent, _ b: ScheduledEvent) -> Bool {
        a.time < b.time || (a.time == b.time && Int32(bitPattern: a.sequence &- b.sequence) < 0)
    }

    /// Schedules `target` at `time`; returns the sequence number it was given.
    @discardableResult
    public mutating func schedule(_ target: Int32, at time: SimTime) -> UInt32 {
        let event = ScheduledEvent(time: time, sequence: nextSequence, target: target)
        nextSequence &+= 1
        heap.append(event)
        var child = heap.count - 1
        heap.withUnsafeMutableBufferPointer { h in
            while child > 0 {
                let parent = (child - 1) >> 2
                guard Self.precedes(event, h[parent]) else { break }
                h[child] = h[parent]
                child = parent
            }
            h[child] = event
        }
        return event.sequence
    }

    /// Removes and returns the earliest event.
    public mutating func pop() -> ScheduledEvent? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        let n = heap.count
        guard n > 0 else { return top }
        heap.withUnsafeMutableBufferPointer { h in
            var i = 0
            while true {
                let first = 4 * i + 1
                if first >= n { break }
                var best = first
                let end = min(first + 4, n)
                var c = first + 1
                while c < end {
                    if Self.precedes(h[c], h[best]) { best = c }
                    c += 1
                }
                guard Self.precedes(h[best], last) else { break }
                h[i] = h[best]
                i = best
            }
            h[i] = last
        }
        return top
    }
}
