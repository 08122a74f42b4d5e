import CPrefetch

/// Memory for a table of millions of entries read at random (a cache's index by key, its
/// entries): aligned to 2 MiB and advised onto huge pages, so that a lookup's page walk
/// mostly goes (see `adviseHugePages`). Smaller tables get ordinary cache-line-aligned
/// memory. Either way `deallocate()` frees it, and no figure depends on where it lies.
enum LargeTable {
    /// The size from which a table is laid on huge pages: two of them.
    static let hugeThreshold = 4 << 20

    /// Uninitialized room for `count` elements of `T` (at least one).
    static func allocate<T>(_: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let bytes = max(count, 1) * MemoryLayout<T>.stride
        let huge = bytes >= hugeThreshold
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: huge ? 2 << 20 : 64)
        if huge { adviseHugePages(raw, bytes) }
        return raw.bindMemory(to: T.self, capacity: max(count, 1))
    }
}
