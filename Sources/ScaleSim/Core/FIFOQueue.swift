/// A growable ring buffer of request indices: a server's waiting line.
///
/// Its buffer is a `Column`, written without a copy-on-write check: whoever copies a queue
/// calls `makeUnique()` before the copy's first write (the engine does for every server's
/// queue at its entry points).
public struct FIFOQueue: Sendable {
    private var storage = Column<Int32>()
    // 32-bit, so a queue fits in the first cache line of a `ServerRuntime`.
    private var start: Int32 = 0
    private var length: Int32 = 0

    public var count: Int { Int(length) }
    private var head: Int {
        get { Int(start) }
        set { start = Int32(truncatingIfNeeded: newValue) }
    }

    public init() {}

    /// Gives the queue a buffer of its own if a copy shares it.
    public mutating func makeUnique() { storage.makeUnique() }

    public var isEmpty: Bool { count == 0 }

    /// The request waiting longest, if any.
    @inline(__always)
    public var first: Int32? { count == 0 ? nil : storage[head] }

    @inline(__always)
    public mutating func append(_ value: Int32) {
        if count == storage.count { grow() }
        var slot = head + count
        if slot >= storage.count { slot -= storage.count }
        storage[slot] = value
        length += 1
    }

    public mutating func removeFirst() -> Int32 {
        precondition(count > 0, "removeFirst on an empty FIFOQueue")
        let value = storage[head]
        head += 1
        if head == storage.count { head = 0 }
        length -= 1
        return value
    }

    /// Empties the queue, returning its contents oldest first.
    public mutating func drain() -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(count)
        while count > 0 { out.append(removeFirst()) }
        return out
    }

    private mutating func grow() {
        let newCapacity = max(16, storage.count * 2)
        var grown = Column<Int32>(repeating: -1, count: newCapacity)
        for i in 0..<count {
            var slot = head + i
            if slot >= storage.count { slot -= storage.count }
            grown[i] = storage[slot]
        }
        storage = grown
        head = 0
    }
}
