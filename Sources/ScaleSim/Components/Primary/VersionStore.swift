/// A primary database's data as versions: each write takes the next log position, and a
/// key's version is the position of its last write.
struct VersionStore: Sendable {
    private(set) var position: LogPosition = 0
    /// A `Column`: a commit writes without asking whether the buffer is shared, so the
    /// engine makes it unique at each entry point (`makeUnique()`).
    private var dense: Column<LogPosition>
    private var sparse: [UInt32: LogPosition] = [:]

    /// Key spaces up to this size get a flat array (8 bytes a key); larger ones a dictionary
    /// of the keys written so far. Lookups only: iteration order never matters.
    static let denseLimit = 1 << 24

    init(keys: Int) {
        // Read at random, key by key, over up to 128 MB: on huge pages (see `LargeTable`).
        dense = keys <= Self.denseLimit ? Column(repeating: 0, count: keys) : Column()
    }

    /// Gives the flat array a buffer of its own if a copy of the engine shares it.
    mutating func makeUnique() { dense.makeUnique() }

    /// The most bytes a store of `keys` keys takes: the flat array, or about 32 bytes of
    /// dictionary per key once every key has been written.
    static func memoryBound(keys: Int) -> Int {
        keys <= denseLimit ? 8 * keys : 32 * keys
    }

    @inline(__always)
    func version(of key: UInt32) -> LogPosition {
        dense.isEmpty ? sparse[key] ?? 0 : dense[Int(key)]
    }

    /// Starts loading `key`'s version into the CPU's cache: a hint, it changes nothing.
    @inline(__always)
    func prefetch(_ key: UInt32) { dense.prefetch(Int(key)) }

    /// Learns of a write of `key` committed elsewhere as `position` (a partition's mirror of
    /// a primary in another, Parallel/Engine+CommitsAcross.swift): commits arrive in order.
    mutating func learn(_ key: UInt32, position: LogPosition) {
        self.position = max(self.position, position)
        if dense.isEmpty { sparse[key] = position } else { dense[Int(key)] = position }
    }

    /// Commits a write of `key`; returns its log position.
    mutating func commit(_ key: UInt32) -> LogPosition {
        position += 1
        if dense.isEmpty { sparse[key] = position } else { dense[Int(key)] = position }
        return position
    }
}
