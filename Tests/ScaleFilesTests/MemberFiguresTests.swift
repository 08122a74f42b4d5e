import ScaleSim
import Testing

/// The per-server figures the dashboard shows are the engine's own counts, and the live
/// sessions a removed server drops are noticed.
@Suite struct MemberFiguresTests {
    /// Node `id`'s index in `engine`.
    static func index(_ id: String, in engine: Engine) throws -> Int {
        try #require(engine.spec.nodes.firstIndex { $0.id == id }, "no node \(id)")
    }

    @Test(arguments: ["02", "05s-sharding", "09"])
    func memberArrivalsAddUpToTheNodes(stage: String) throws {
        let engine = Stage.run(try Stage.spec(stage), seconds: 20)
        let summary = engine.summary()
        for node in engine.snapshot() where node.spec.service != .none {
            let n = try Self.index(node.id, in: engine)
            let counted = try summary.node(node.id)
            #expect(node.members.count == node.servers)
            // Since time zero: every arrival went to a server, but those that found none.
            #expect(engine.memberArrivals(of: n).reduce(0, +) == counted.arrivals - counted.failed, "\(node.id)")
            // Over the last window: the members' arrivals and busy time are the node's.
            let window = try #require(node.window)
            #expect(node.members.reduce(0) { $0 + $1.arrivals } == window.arrivals - window.failed, "\(node.id)")
            let meanUtilization = node.members.reduce(0) { $0 + $1.utilization } / Double(node.members.count)
            #expect(abs(meanUtilization - window.utilization) < 1e-9, "\(node.id)")
            for member in node.members {
                let offered = Double(member.arrivals) * Double(node.spec.service.mean) / (Double(node.workers) * 1e9)
                #expect(abs(member.offeredLoad - offered) < 1e-12)
            }
        }
    }

    @Test func stage02sDNSSkewShowsInItsMembers() throws {
        let engine = Stage.run(try Stage.spec("02"), seconds: 20)
        let app = try #require(engine.snapshot().first { $0.id == "app" })
        let loads = app.members.map(\.utilization)
        let mean = loads.reduce(0, +) / Double(loads.count)
        // One big resolver's server carries several times the mean (docs/presets.md, stage 02).
        #expect(try #require(loads.max()) > 3 * mean)
        #expect(loads.contains { $0 < mean / 2 })
    }

    @Test func removingAStickyServerNoticesTheSessionsItHeld() throws {
        var engine = Stage.run(try Stage.spec("06"), seconds: 20)
        let before = engine.notices.total
        #expect(engine.execute(.removeServers(node: "app", count: 1)) == .applied)
        let notice = try #require(engine.notices.recent.last)
        #expect(engine.notices.total == before + 1)
        guard case .sessionsDropped(let node, let servers, let sessions, let removed) = notice.event else {
            Issue.record("expected a sessions-dropped notice, got \(notice.event)")
            return
        }
        #expect(node == "app" && servers == [23] && removed)
        #expect(sessions > 100)
        let app = try #require(engine.snapshot().first { $0.id == "app" })
        #expect(app.sessionsDropped == sessions)
        // Its users are logged out as they come back, each once: at most the sessions dropped.
        let lostBefore = app.sessionsLost
        engine.run(until: engine.now + 30 * Nanos.perSecond)
        let after = try #require(engine.snapshot().first { $0.id == "app" })
        #expect(after.sessionsLost > lostBefore)
        #expect(after.sessionsLost - lostBefore <= sessions)
    }

    @Test func killingAStickyServerNoticesItAndAStatelessPoolDropsNone() throws {
        var sticky = Stage.run(try Stage.spec("06"), seconds: 20)
        #expect(sticky.execute(.kill(node: "app", server: 5)) == .applied)
        guard case .sessionsDropped(_, [5], let sessions, false)? = sticky.notices.recent.last?.event else {
            Issue.record("expected a sessions-dropped notice for app-5")
            return
        }
        #expect(sessions > 100)
        // Killing it again (it is already down) drops nothing more.
        let total = sticky.notices.total
        #expect(sticky.execute(.kill(node: "app", server: 5)) == .applied)
        #expect(sticky.notices.total == total)

        var stateless = Stage.run(try Stage.spec("07"), seconds: 20)
        #expect(stateless.execute(.removeServers(node: "app", count: 1)) == .applied)
        #expect(!stateless.notices.recent.contains { if case .sessionsDropped = $0.event { true } else { false } })
    }
}
