@testable import ScaleSim
import Testing

/// `LargeTable`: tables of 4 MiB and more start on a 2 MiB boundary (so every huge page of
/// them is whole), smaller ones on a cache line, and both hold what is written.
@Suite struct LargeTableTests {
    @Test(arguments: [1, 1000, LargeTable.hugeThreshold / 4 - 1, LargeTable.hugeThreshold / 4, 10_000_000])
    func aTableIsAlignedForItsSizeAndHoldsItsEntries(count: Int) {
        let table = LargeTable.allocate(Int32.self, count: count)
        defer { table.deallocate() }
        let address = UInt(bitPattern: table)
        let huge = count * MemoryLayout<Int32>.stride >= LargeTable.hugeThreshold
        #expect(address % (huge ? 2 << 20 : 64) == 0, "\(count) entries at \(address)")
        table.initialize(repeating: -1, count: count)
        table[count - 1] = Int32(truncatingIfNeeded: count)
        #expect(table[0] == (count == 1 ? 1 : -1))
        #expect(table[count - 1] == Int32(truncatingIfNeeded: count))
    }

    /// The version store laid on huge pages starts every key at version 0.
    @Test func aVersionStoreStartsEveryKeyAtZero() {
        var store = VersionStore(keys: 3_000_000)
        #expect(store.version(of: 0) == 0 && store.version(of: 2_999_999) == 0)
        let position = store.commit(2_999_999)
        #expect(store.version(of: 2_999_999) == position && store.version(of: 1_500_000) == 0)
    }

    /// A store is a value: a copy keeps its versions while the other commits and learns,
    /// flat (the column is made unique at the write, not before) or sparse (past
    /// `denseLimit` keys).
    @Test(arguments: [3_000_000, VersionStore.denseLimit + 1])
    func aCopiedStoreKeepsItsVersionsWhileTheOtherWrites(keys: Int) {
        var store = VersionStore(keys: keys)
        _ = store.commit(5)
        let copy = store
        _ = store.commit(5)
        store.learn(7, position: 9)
        #expect(copy.version(of: 5) == 1 && copy.version(of: 7) == 0 && copy.position == 1)
        #expect(store.version(of: 5) == 2 && store.version(of: 7) == 9 && store.position == 9)
        var other = copy
        _ = other.commit(7)
        #expect(copy.version(of: 7) == 0 && other.version(of: 7) == 2 && store.version(of: 7) == 9)
    }
}
