import ScaleSim
import Testing
@testable import ScaleTUI

/// Golden screens at 80x24 and 160x48, drawn from real simulations of shipped presets.
@Suite struct DashboardViewTests {
    @Test func stageZeroAt80x24() async throws {
        let state = try await Fixtures.state("00", width: 80, height: 24)
        ScreenSnapshot.assertMatches(DashboardView.render(state), named: "00-80x24")
    }

    @Test func stageZeroOverloadedAt160x48WithInspector() async throws {
        var state = try await Fixtures.state("00", width: 160, height: 48, seconds: 30, commands: [.setUsers(20_000)])
        _ = state.reduce(.keyPressed(.tab))
        _ = state.reduce(.keyPressed(.enter))
        let screen = DashboardView.render(state)
        ScreenSnapshot.assertMatches(screen, named: "00-overloaded-160x48")
        #expect(screen.text.contains("BOTTLENECK"))
        #expect(screen.text.contains("saturated"))
    }

    @Test func tenMillionUsersAt160x48() async throws {
        let state = try await Fixtures.state("ten-million-users", width: 160, height: 48, seconds: 3)
        let screen = DashboardView.render(state)
        ScreenSnapshot.assertMatches(screen, named: "ten-million-users-160x48")
        for node in try #require(state.snapshot).nodes {
            #expect(screen.text.contains(node.id), "\(node.id) not on screen")
        }
    }

    @Test func tenMillionUsersAt80x24ScrollsRatherThanOverflows() async throws {
        var state = try await Fixtures.state("ten-million-users", width: 80, height: 24, seconds: 3)
        let screen = DashboardView.render(state)
        ScreenSnapshot.assertMatches(screen, named: "ten-million-users-80x24")
        #expect(screen.text.contains("PgDn: more below"))
        let layout = state.topologyLayout(try #require(state.snapshot))
        #expect(layout.compact)
        // Selecting the last node scrolls it into view.
        _ = state.reduce(.keyPressed(.backTab))
        let scrolled = state.topologyLayout(try #require(state.snapshot))
        let selected = try #require(state.selection)
        let box = try #require(scrolled.box(selected))
        #expect(scrolled.area.contains(x: box.rect.x, y: box.rect.y))
    }

    @Test func helpOverlayAt80x24() async throws {
        var state = try await Fixtures.state("00", width: 80, height: 24)
        _ = state.reduce(.keyPressed(.character("?")))
        ScreenSnapshot.assertMatches(DashboardView.render(state), named: "help-80x24")
    }

    @Test func aLongLogEntryWrapsSoItsEndIsReadable() async throws {
        var state = try await Fixtures.state("00", width: 80, height: 24)
        state.log(
            "refused: set capacity cache 1000000000: cache: capacity must be 1 to 100000000 entries, got 1000000000", tone: .error
        )
        state.log("next", tone: .normal)
        let screen = DashboardView.render(state)
        let rows = (0..<24).map { screen.line($0) }
        let first = try #require(rows.firstIndex { $0.contains("refused: set capacity cache") })
        #expect(rows[first + 1].contains("entries, got 1000000000"), "\(rows[first + 1])")
        #expect(rows[first + 2].contains("next"))
    }

    @Test func promptErrorShownInPlace() async throws {
        var state = try await Fixtures.state("00", width: 80, height: 24)
        for key in [":", "a", "d", "d", " ", "r", "e", "p"] { _ = state.reduce(.keyPressed(.character(Character(key)))) }
        _ = state.reduce(.keyPressed(.enter))
        let screen = DashboardView.render(state)
        ScreenSnapshot.assertMatches(screen, named: "prompt-error-80x24")
        #expect(screen.line(23).hasPrefix(":add rep_"))
        // Too long for the prompt's row, the message wraps above it, whole.
        #expect(screen.line(22).contains("replica, cache, cdn"))
    }

    @Test func tooSmall() async throws {
        let state = try await Fixtures.state("00", width: 60, height: 20)
        let screen = DashboardView.render(state)
        ScreenSnapshot.assertMatches(screen, named: "too-small-60x20")
        #expect(screen.text.contains("terminal too small: 60x20, need 80x24"))
    }

    @Test func asciiWhenTheLocaleIsNotUTF8() async throws {
        let state = try await Fixtures.state("00", width: 80, height: 24, unicode: false)
        let screen = DashboardView.render(state)
        ScreenSnapshot.assertMatches(screen, named: "00-ascii-80x24")
        #expect(screen.text.unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test func textFromFilesCannotEscape() {
        var buffer = ScreenBuffer(width: 40, height: 2)
        buffer.write("evil\u{1B}]0;owned\u{07}\u{1B}[2J name\u{0}", x: 0, y: 0)
        #expect(buffer.line(0).unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F })
        #expect(buffer.line(0).hasPrefix("evil?]0;owned??[2J name?"))
    }
}

/// The lessons the engine computes, on the screen: hot spots behind a mean, sessions lost.
@Suite struct LessonScreenTests {
    @Test func stage02ShowsTheHotServerBesideTheMean() async throws {
        var state = try await Fixtures.state("02", width: 80, height: 24, seconds: 20, commands: [.setUsers(20_000)])
        _ = state.reduce(.keyPressed(.tab))
        let screen = DashboardView.render(state)
        ScreenSnapshot.assertMatches(screen, named: "02-hot-server-80x24")
        let app = try #require(state.snapshot?.nodes.first { $0.id == "app" })
        let hottest = try #require(app.hottestMember)
        #expect(hottest.isOverloaded)
        #expect(screen.text.contains("avg \(Format.percent(app.servingUtilization)) max \(Format.percent(hottest.load)) offered"))
        #expect(screen.line(1).contains("load balancer"))
        #expect(screen.line(1).contains("app-\(hottest.position)"))
    }

    @Test func stage02InspectorNamesTheHottestServerAndSortsThem() async throws {
        var state = try await Fixtures.state("02", width: 120, height: 40, seconds: 20, commands: [.setUsers(20_000)])
        _ = state.reduce(.keyPressed(.tab))
        _ = state.reduce(.keyPressed(.enter))
        let screen = DashboardView.render(state)
        ScreenSnapshot.assertMatches(screen, named: "02-inspector-120x40")
        let app = try #require(state.snapshot?.nodes.first { $0.id == "app" })
        let hottest = try #require(app.hottestMember)
        let row = try #require((0..<40).map { screen.line($0) }.first { $0.contains("hottest") })
        #expect(row.contains("app-\(hottest.position) \(Format.percent(hottest.load)) offered"))
        #expect(screen.text.contains("under 5%"))
    }

    @Test func stage05sNamesTheHotShardAndACache() async throws {
        // At 75k users the hot shard is flagged while app, busy on average, is not.
        var state = try await Fixtures.state("05s-sharding", width: 120, height: 40, seconds: 70, commands: [.setUsers(75_000)])
        _ = state.reduce(.keyPressed(.tab))
        _ = state.reduce(.keyPressed(.tab))
        _ = state.reduce(.keyPressed(.tab))
        _ = state.reduce(.keyPressed(.enter))
        let screen = DashboardView.render(state)
        ScreenSnapshot.assertMatches(screen, named: "05s-hot-shard-120x40")
        let db = try #require(state.snapshot?.nodes.first { $0.id == "db" })
        #expect(db.bottleneck)
        #expect(state.snapshot?.nodes.first { $0.id == "app" }?.bottleneck == false)
        let hottest = try #require(db.hottestMember)
        #expect(screen.line(1).hasPrefix(" db-\(hottest.position) "))
        #expect(screen.line(1).contains("c adds a cache"))
        #expect(!screen.line(1).contains("app"))
        #expect(screen.text.contains("max \(Format.percent(hottest.load))"))
    }

    /// Taking a data center away logs what went with it, counted by the engine.
    @Test func stage09RemovingADataCenterLogsTheRequestsAndJobsLost() throws {
        let loaded = try Fixtures.preset("09")
        var engine = Engine(spec: loaded.spec, seed: 1)
        engine.run(until: 10 * Nanos.perSecond)
        var state = DashboardState(preset: PresetInfo(loaded), width: 120, height: 40)
        _ = state.reduce(.snapshotArrived(engine.simulationSnapshot(historyLimit: SimulationDriver.historyLimit)))
        #expect(engine.execute(.removeDataCenter("eu-west")) == .applied)
        guard case .nodesRemoved(let nodes, let failed, let jobs)? = engine.notices.recent.last?.event else {
            Issue.record("no notice of the removal")
            return
        }
        #expect(failed > 1 && jobs > 1, "a loaded data center holds requests and jobs")
        _ = state.reduce(.snapshotArrived(engine.simulationSnapshot(historyLimit: SimulationDriver.historyLimit)))
        let line = try #require(state.log.first { $0.text.hasPrefix("removed lb-eu") })
        #expect(
            line.text
                == "removed \(nodes.joined(separator: ", ")): \(Format.count(failed)) requests inside failed, "
                + "\(Format.count(jobs)) queued jobs lost")
        let shown = Set(state.snapshot?.nodes.map(\.id) ?? [])
        #expect(shown.isDisjoint(with: nodes) && shown.contains("cdn-eu"), "the region's CDN edge stays")
    }

    @Test func stage06RemovingAServerLogsTheSessionsDroppedAndTheBoxCountsLogouts() async throws {
        let loaded = try Fixtures.preset("06")
        var engine = Engine(spec: loaded.spec, seed: 1)
        engine.run(until: 20 * Nanos.perSecond)
        var state = DashboardState(preset: PresetInfo(loaded), width: 120, height: 40)
        let before = engine.simulationSnapshot(historyLimit: SimulationDriver.historyLimit)
        _ = state.reduce(.snapshotArrived(before))
        let command = SimCommand.removeServers(node: "app", count: 1)
        _ = state.reduce(.commandAnswered(command, engine.execute(command), at: before.time))
        engine.run(until: 30 * Nanos.perSecond)
        let snapshot = engine.simulationSnapshot(historyLimit: SimulationDriver.historyLimit)
        _ = state.reduce(.snapshotArrived(snapshot))
        let app = try #require(snapshot.nodes.first { $0.id == "app" })
        let line = try #require(state.log.first { $0.text.hasPrefix("removed app-23: ") })
        #expect(line.text == "removed app-23: \(Format.grouped(app.sessionsDropped)) live sessions dropped")
        #expect(app.sessionsLost > 0)
        let screen = DashboardView.render(state)
        ScreenSnapshot.assertMatches(screen, named: "06-sessions-dropped-120x40")
        #expect(screen.text.contains("sess lost \(Format.count(app.sessionsLost))"))
        #expect(screen.text.contains(line.text))
    }
}
