import ScaleFiles
@testable import ScaleSim
import Testing

/// `twenty-million-users` is `ten-million-users` with the users doubled and every tier sized
/// for them (Presets/twenty-million-users.yaml): by utilization = rate x mean service /
/// (servers x workers), each tier, and each replica's apply worker, is then as busy as there,
/// under 60% (its fixture,
/// Tests/scaletopTests/Fixtures/reports/ten-million-users.json), where the users doubled
/// alone would take the web tiers to 116%.
@Suite struct TwentyMillionUsersPresetTests {
    @Test func everyTierHasTwiceTheCapacityForTwiceTheUsers() throws {
        let ten = try Stage.spec("ten-million-users")
        let twenty = try Stage.spec("twenty-million-users")
        #expect(twenty.workload.users == 2 * ten.workload.users)
        #expect(Double(twenty.workload.users) * twenty.workload.ratePerUser == 1_000_000)
        // The same traffic mix, keys, regions and topology: only the sizes differ.
        var sameShape = twenty.workload
        sameShape.users = ten.workload.users
        #expect(sameShape == ten.workload)
        #expect(twenty.datacenters == ten.datacenters)
        #expect(twenty.nodes.map(\.id) == ten.nodes.map(\.id))
        for (small, big) in zip(ten.nodes, twenty.nodes) {
            #expect(big.service == small.service, "\(big.id)")
            #expect(big.cache == small.cache, "\(big.id): the same cache, so the same hit ratio")
            // Each replica server applies every write, one at a time: twice as many, twice as fast.
            #expect(big.apply?.mean == small.apply.map { $0.mean / 2 }, "\(big.id)")
            if small.kind == .cdn || small.kind == .lb {
                // CDN edges are 1% busy; balancers take no time.
                #expect(big.servers * big.workers == small.servers * small.workers, "\(big.id)")
            } else {
                #expect(big.servers * big.workers == 2 * small.servers * small.workers, "\(big.id)")
            }
        }
    }

    /// Its data is that of ten-million-users (the same caches and keys) and the logs of
    /// its four more replica servers: about 240 MB, far below the limit.
    @Test func itsDataStaysWithinTheMemoryBound() throws {
        let ten = try Stage.spec("ten-million-users")
        let twenty = try Stage.spec("twenty-million-users")
        #expect(twenty.dataMemoryBound == ten.dataMemoryBound + 4 * ApplyLog.memoryBound)
        #expect(twenty.dataMemoryBound < 256 << 20)
        #expect(twenty.dataMemoryProblem == nil)
    }
}
