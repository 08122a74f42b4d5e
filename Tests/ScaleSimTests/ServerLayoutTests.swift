@testable import ScaleSim
import Testing

/// `ServerRuntime`'s layout: what a request's visit reads and writes lies in one cache line
/// of it, and every server of a pool starts a line (docs/architecture.md, "Hot-path storage").
@Suite struct ServerLayoutTests {
    @Test func aVisitsFieldsFillTheFirstLine() throws {
        let visited: [PartialKeyPath<ServerRuntime>] = [
            \.node, \.busy, \.down, \.timerPending, \.queue, \.lastChange, \.busyArea, \.queueArea,
        ]
        for field in visited {
            let offset = try #require(MemoryLayout<ServerRuntime>.offset(of: field))
            #expect(offset < 64, "\(field) at byte \(offset)")
        }
        let lastByte = try #require(MemoryLayout<ServerRuntime>.offset(of: \.queueArea)) + MemoryLayout<Int64>.size
        #expect(lastByte <= 64)
        #expect(MemoryLayout<ServerRuntime>.stride % 64 == 0, "stride \(MemoryLayout<ServerRuntime>.stride)")
    }

    /// A column starts on a cache line whatever its size, grown or not, so with a stride of
    /// whole lines each server begins one.
    @Test func everyServerOfAGrownColumnStartsALine() {
        var servers = Column<ServerRuntime>()
        for n in 0..<100 { servers.append(ServerRuntime(node: Int32(n), now: 0)) }
        servers.withUnsafeBufferPointer { buffer in
            for i in buffer.indices {
                #expect(UInt(bitPattern: buffer.baseAddress! + i) % 64 == 0, "server \(i)")
            }
        }
        #expect(servers[99].node == 99)
    }

    /// Every server added to a running engine gets its counters beside it, counted from zero.
    @Test func eachServerHasItsTrafficCounters() {
        var engine = Engine(spec: ComponentTests.webTier(balancer: true), seed: 3)
        engine.run(until: 2 * Nanos.perSecond)
        #expect(engine.serverTraffic.count == engine.servers.count)
        let app = Int(engine.nodeIndex["web"] ?? -1)
        #expect(engine.execute(.setServers(node: "web", count: 6)) == .applied)
        #expect(engine.serverTraffic.count == engine.servers.count)
        engine.run(until: 4 * Nanos.perSecond)
        let arrivals = engine.memberArrivals(of: app)
        #expect(arrivals.count == 6 && arrivals.allSatisfy { $0 > 0 }, "\(arrivals)")
        let completions = engine.nodes[app].activeServers.reduce(0) { $0 + engine.serverTraffic[Int($1)].completions }
        #expect(completions > 0 && completions <= arrivals.reduce(0, +))
    }
}
