import Foundation
import ScaleFiles
import Testing

/// The capacity search on synthetic monotone designs, whose true capacity is known.
@Suite struct CapacitySearchTests {
    /// A design that meets its objective up to `capacity` users and breaks it beyond.
    static func design(capacity: Int) -> (Int) -> (meets: Bool, measured: Int) {
        { users in (users <= capacity, users) }
    }

    @Test(arguments: [(1_000, 12_345), (1_000, 999), (50_000, 1_234), (7, 3_000_000), (1_000, 1_000)])
    func bracketsThenBisectsToTwoPercent(start: Int, capacity: Int) throws {
        let walk = CapacitySearch(start: start, maxUsers: 10_000_000).run(Self.design(capacity: capacity))
        guard case .capacity(let found, let failing) = walk.outcome else {
            Issue.record("no capacity: \(walk.outcome)")
            return
        }
        #expect(found <= capacity && failing > capacity)
        #expect(Double(failing - found) <= 0.02 * Double(found))
        #expect(Double(capacity - found) <= 0.02 * Double(capacity))
        #expect(walk.capacityPoint?.users == found)
        // Doubling or halving to the bracket, then about log2(1 / 0.02) bisections.
        #expect(walk.points.count <= Int(log2(Double(max(capacity, start)) / Double(min(capacity, start))).rounded(.up)) + 8)
        #expect(walk.points.first?.users == start)
        #expect(Set(walk.points.map(\.users)).count == walk.points.count)
    }

    @Test func aDesignMeetingEveryLoadEndsAtTheMaximum() {
        let walk = CapacitySearch(start: 1_000, maxUsers: 10_000_000).run(Self.design(capacity: .max))
        #expect(walk.outcome == .meetsEverywhere)
        #expect(
            walk.points.map(\.users) == [
                1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 1_024_000, 2_048_000, 4_096_000,
                8_192_000, 10_000_000,
            ])
    }

    @Test func aDesignBrokenAtOneUserEndsThere() {
        let walk = CapacitySearch(start: 1_000, maxUsers: 10_000_000).run(Self.design(capacity: 0))
        #expect(walk.outcome == .failsAtOne)
        #expect(walk.points.map(\.users) == [1_000, 500, 250, 125, 62, 31, 15, 7, 3, 1])
        #expect(walk.capacityPoint == nil)
    }

    @Test func theStartStaysWithinOneAndTheMaximum() {
        let walk = CapacitySearch(start: 50_000, maxUsers: 20_000).run(Self.design(capacity: .max))
        #expect(walk.outcome == .meetsEverywhere)
        #expect(walk.points.map(\.users) == [20_000])
    }

    @Test func aSweepSpacesItsLoadsEvenly() {
        let loads = CapacitySearch.sweep(from: 1_000, to: 100_000, count: 20)
        #expect(loads.count == 20)
        #expect(loads.first == 1_000 && loads.last == 100_000)
        #expect(loads[1] == 6_211)
        #expect(CapacitySearch.sweep(from: 1, to: 3, count: 10) == [1, 2, 3])
    }
}
