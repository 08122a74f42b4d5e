import CPrefetch

/// A growable array whose element writes skip Swift's copy-on-write check.
///
/// Writing an element of an `Array` held in a struct asks, on every write, whether the
/// buffer is shared; the engine's hot path made about ten such checks per event. A column
/// is checked once instead: its owner calls `makeUnique()` at each entry point that may
/// write (`Engine.run` and the like), and writes between entry points go straight to
/// memory. Copies of the owner stay independent, because the first entry point of either
/// copy finds the buffer shared and copies it (docs/architecture.md, "Hot-path storage").
///
/// Debug builds check the rule on every write and stop at a write to a shared column. A
/// column inside an element of another column is its owner's to make unique as well.
///
/// Indices are the engine's own (slots, nodes, servers it numbered itself), so, as with an
/// `UnsafeMutableBufferPointer`, their bounds are checked in debug builds and in the tests'
/// build (`-DCHECK_COLUMN_BOUNDS`, the README's test command), not in the shipped binary,
/// where a check at each of some seventy accesses a request cost 8% of the engine's speed
/// (docs/architecture.md, "Hot-path storage"). Input from outside is validated before it
/// becomes an index.
struct Column<Element> {
    private var storage: ColumnStorage<Element>
    /// `storage`'s buffer, kept beside it and read again wherever the buffer may change
    /// (`makeUnique()`, `append`): an element is then one load away from the owner, not two
    /// (docs/architecture.md, "Hot-path storage").
    private var elements: UnsafeMutablePointer<Element>

    init() {
        storage = ColumnStorage(capacity: 0)
        elements = storage.elements
    }

    init(repeating value: Element, count: Int) {
        storage = ColumnStorage(repeating: value, count: count)
        elements = storage.elements
    }

    init<S: Sequence>(_ elements: S) where S.Element == Element {
        storage = ColumnStorage(capacity: elements.underestimatedCount)
        for element in elements { storage.append(element) }
        self.elements = storage.elements
    }

    var count: Int { storage.count }
    var isEmpty: Bool { storage.count == 0 }
    var indices: Range<Int> { 0..<storage.count }

    /// Gives this column a buffer of its own if a copy of its owner shares it.
    @inline(__always)
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy()
            elements = storage.elements
        }
    }

    subscript(index: Int) -> Element {
        @inline(__always) _read { yield elements[storage.checked(index)] }
        @inline(__always) _modify {
            checkUnique()
            yield &elements[storage.checked(index)]
        }
    }

    /// The first element, if any.
    var first: Element? { storage.count > 0 ? elements[0] : nil }

    /// Adds `value` at the end.
    @inline(__always)
    mutating func append(_ value: Element) {
        checkUnique()
        storage.append(value)
        elements = storage.elements
    }

    /// Removes and returns the last element, if any.
    @inline(__always)
    mutating func popLast() -> Element? {
        checkUnique()
        return storage.popLast()
    }

    /// Removes the element at `index`, moving those after it down.
    mutating func remove(at index: Int) -> Element {
        checkUnique()
        return storage.remove(at: index)
    }

    /// Calls `body` with the elements as a mutable buffer (its count cannot change).
    @inline(__always)
    mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Element>) throws -> R) rethrows -> R {
        checkUnique()
        return try body(UnsafeMutableBufferPointer(start: elements, count: storage.count))
    }

    /// Debug builds stop at a write to a shared column; release builds trust the owner.
    @inline(__always)
    private mutating func checkUnique() {
        #if DEBUG
        precondition(isKnownUniquelyReferenced(&storage), "a shared Column was written: call makeUnique() first")
        #endif
    }

    /// Starts loading element `index`, if there is one, into the CPU's cache: a hint that
    /// changes nothing. Through the storage object, so no copy of the owner is made for it.
    @inline(__always)
    func prefetch(_ index: Int) { storage.prefetch(index) }

    /// The first element's address, for an owner that writes a fixed-size column by
    /// pointer between entry points: it must read it again after anything that may give the
    /// column a new buffer (`makeUnique()`, a write through the column, `append`).
    var baseAddress: UnsafeMutablePointer<Element> { elements }

    /// Calls `body` with the elements as a buffer, for reads in bulk and prefetch hints.
    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: elements, count: storage.count))
    }
}

extension Column: @unchecked Sendable where Element: Sendable {}

extension Column: RandomAccessCollection {
    var startIndex: Int { 0 }
    var endIndex: Int { storage.count }
}

/// The buffer behind a `Column`: a manually managed allocation that doubles when full.
final class ColumnStorage<Element> {
    // `fileprivate`, not `private(set)`: with every access in this file the optimizer drops
    // Swift's dynamic exclusivity checks even in the tests' `-enable-testing` build, where an
    // internal getter kept them on every access (docs/architecture.md, "Hot-path storage").
    fileprivate var elements: UnsafeMutablePointer<Element>
    fileprivate var count = 0
    private var capacity: Int

    /// Room for `capacity` elements, cache-line-aligned (a `LargeTable`), so an element
    /// whose stride is a multiple of 64 bytes starts a line (see `ServerRuntime`).
    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        elements = LargeTable.allocate(Element.self, count: self.capacity)
    }

    /// `count` copies of `value`, laid out as a `LargeTable` (on huge pages when large).
    init(repeating value: Element, count: Int) {
        capacity = max(count, 1)
        elements = LargeTable.allocate(Element.self, count: capacity)
        elements.initialize(repeating: value, count: count)
        self.count = count
    }

    deinit {
        elements.deinitialize(count: count)
        elements.deallocate()
    }

    /// `index`, stopping the program if it is out of range in a checked build (see `Column`).
    @inline(__always)
    func checked(_ index: Int) -> Int {
        #if DEBUG || CHECK_COLUMN_BOUNDS
        precondition(index >= 0 && index < count, "Column index out of range")
        #endif
        return index
    }

    @inline(__always)
    func prefetch(_ index: Int) {
        if index >= 0 && index < count { prefetchForRead(elements + index) }
    }

    func append(_ value: Element) {
        if count == capacity { grow() }
        (elements + count).initialize(to: value)
        count += 1
    }

    func popLast() -> Element? {
        guard count > 0 else { return nil }
        count -= 1
        return (elements + count).move()
    }

    func remove(at index: Int) -> Element {
        // Off the hot path: checked in every build.
        precondition(index >= 0 && index < count, "Column index out of range")
        let removed = (elements + index).move()
        (elements + index).moveInitialize(from: elements + index + 1, count: count - index - 1)
        count -= 1
        return removed
    }

    /// A buffer of its own with the same elements.
    func copy() -> ColumnStorage {
        let twin = ColumnStorage(capacity: capacity)
        twin.elements.initialize(from: elements, count: count)
        twin.count = count
        return twin
    }

    private func grow() {
        let grown = LargeTable.allocate(Element.self, count: capacity * 2)
        grown.moveInitialize(from: elements, count: count)
        elements.deallocate()
        elements = grown
        capacity *= 2
    }
}
