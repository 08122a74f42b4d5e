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
}
