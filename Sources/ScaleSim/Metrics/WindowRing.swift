/// The last `capacity` values of a per-second series, oldest first; memory stays fixed
/// however long the run.
public struct WindowRing<Element: Sendable>: Sendable {
    public let capacity: Int
    private var storage: [Element] = []
    private var next = 0

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        storage.reserveCapacity(capacity)
    }

    public var count: Int { storage.count }

    public mutating func append(_ value: Element) {
        if storage.count < capacity {
            storage.append(value)
        } else {
            storage[next] = value
            next = (next + 1) % capacity
        }
    }

    /// The newest value, if any.
    public var last: Element? {
        guard !storage.isEmpty else { return nil }
        return storage[(next + storage.count - 1) % storage.count]
    }

    /// The value `back` places before the newest (0 is the newest), if kept.
    public func element(back: Int) -> Element? {
        guard back >= 0, back < storage.count else { return nil }
        return storage[(next + storage.count - 1 - back) % storage.count]
    }

    /// Every value kept, oldest first.
    public var elements: [Element] {
        Array(storage[next...] + storage[..<next])
    }
}
