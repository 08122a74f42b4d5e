/// A primary database's data as versions: each write takes the next log position, and a
/// key's version is the position of its last write.
struct VersionStore: Sendable {
    private(set) var position: LogPosition = 0
    /// A `Column`, so a read's prefetch goes through its storage object: through an `Array`
    /// it copied the store out, two retains and two releases a read. Each write makes the
    /// column unique first, as an `Array` would: a copy of a running engine (a partitioned
    /// run's scratch copy of the system) then shares up to 128 MB until either writes,
    /// rather than copying it at every entry point.
    private var dense: Column<LogPosition>
    private var sparse: [UInt32: LogPosition] = [:]

    /// Key spaces up to this size get a flat array (8 bytes a key); larger ones a dictionary
    /// of the keys written so far. Lookups only: iteration order never matters.
    static let denseLimit = 1 << 24

    init(keys: Int) {
        // Read at random, key by key, over up to 128 MB: on huge pages (see `LargeTable`).
        dense = keys <= Self.denseLimit ? Column(repeating: 0, count: keys) : Column()
    }

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
        write(key, position)
    }

    /// Commits a write of `key`; returns its log position.
    mutating func commit(_ key: UInt32) -> LogPosition {
        position += 1
        write(key, position)
        return position
    }

    /// Sets `key`'s version, in a buffer of this store's own.
    @inline(__always)
    private mutating func write(_ key: UInt32, _ version: LogPosition) {
        if dense.isEmpty {
            sparse[key] = version
        } else {
            dense.makeUnique()
            dense[Int(key)] = version
        }
    }
}
