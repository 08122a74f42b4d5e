import ScaleFiles
@testable import ScaleSim
import Testing
@testable import ScaleTUI

/// The keys that add and take away whole components (CommandTargets+Components.swift): the
/// command or prompt line each writes, for each node kind, and the hint when nothing fits.
@Suite struct ComponentKeysTests {
    /// Presses `key` on `state` with `selected` selected (nothing when nil).
    static func press(_ key: Character, on state: DashboardState, selecting selected: String? = nil) -> (
        effects: [DashboardEffect], state: DashboardState
    ) {
        var state = state
        state.selection = selected
        let effects = state.reduce(.keyPressed(.character(key)))
        return (effects, state)
    }

    /// Types `text` at the open prompt and presses Enter.
    static func enter(_ text: String = "", on state: inout DashboardState) -> [DashboardEffect] {
        for c in text { _ = state.reduce(.keyPressed(.character(c))) }
        return state.reduce(.keyPressed(.enter))
    }

    // MARK: - b: add db

    @Test func theDatabaseKeyMovesStageZerosDatabaseOut() async throws {
        let base = try await Fixtures.state("00", width: 120, height: 40)
        #expect(Self.press("b", on: base).effects == [.send(.addDatabase(node: "app"))])
        #expect(Self.press("b", on: base, selecting: "app").effects == [.send(.addDatabase(node: "app"))])
        #expect(CommandGrammar.encode(.addDatabase(node: "app")) == "add db app")
    }

    @Test func theDatabaseKeySaysWhyWhenEveryAppPoolHasItsDatabaseElsewhere() async throws {
        for preset in ["01", "08"] {
            let (effects, state) = Self.press("b", on: try await Fixtures.state(preset, width: 120, height: 40))
            #expect(effects.isEmpty, "\(preset)")
            #expect(state.log.last?.text == "every app pool already sends its reads and writes on; r adds a read replica")
            #expect(state.log.last?.tone == .warm)
        }
    }

    @Test func theDatabaseKeyPicksTheAppPoolStillHoldingItsDatabase() async throws {
        // Stage 08 with eu-west's app pool answering reads and writes itself.
        var state = try await Fixtures.state("08", width: 160, height: 48)
        var snapshot = try #require(state.snapshot)
        let appEU = try #require(snapshot.nodes.firstIndex { $0.id == "app-eu" })
        snapshot.nodes[appEU].spec.routes = []
        _ = state.reduce(.snapshotArrived(snapshot))
        #expect(Self.press("b", on: state).effects == [.send(.addDatabase(node: "app-eu"))])
        // The selected pool whose database is already out is passed over for the one that fits.
        #expect(Self.press("b", on: state, selecting: "app").effects == [.send(.addDatabase(node: "app-eu"))])
    }

    // MARK: - m: add queue

    @Test func theQueueKeyOpensThePromptForTheAppPool() async throws {
        let base = try await Fixtures.state("08", width: 160, height: 48)
        var (effects, state) = Self.press("m", on: base)
        #expect(effects.isEmpty)
        #expect(state.prompt?.text == "add queue app job ")
        #expect(state.prompt?.note?.contains("Enter") == true)
        // Enter alone takes the default workers.
        #expect(Self.enter(on: &state) == [.send(.addQueue(node: "app", requestClass: .job, workers: 16))])
        // The selected pool, and the user's own class and workers.
        (effects, state) = Self.press("m", on: base, selecting: "app-eu")
        #expect(state.prompt?.text == "add queue app-eu job ")
        for _ in "job ".indices { _ = state.reduce(.keyPressed(.backspace)) }
        #expect(state.prompt?.note == nil)
        #expect(Self.enter("write 4", on: &state) == [.send(.addQueue(node: "app-eu", requestClass: .write, workers: 4))])
    }

    @Test func theQueueKeySkipsAnAppPoolThatHasAQueueAlready() async throws {
        var state = try await Fixtures.state("09", width: 160, height: 48)
        // Both pools queue their jobs: the first is offered, the engine says the rest.
        #expect(Self.press("m", on: state).state.prompt?.text == "add queue app job ")
        var snapshot = try #require(state.snapshot)
        let app = try #require(snapshot.nodes.firstIndex { $0.id == "app" })
        #expect(snapshot.nodes[app].spec.routes.contains { $0.to == "jobs" })
        let appEU = try #require(snapshot.nodes.firstIndex { $0.id == "app-eu" })
        snapshot.nodes[appEU].spec.routes.removeAll { $0.to == "jobs-eu" }
        _ = state.reduce(.snapshotArrived(snapshot))
        #expect(Self.press("m", on: state).state.prompt?.text == "add queue app-eu job ")
        // A selected node that is no pool does not stop the key: the obvious pool is offered.
        #expect(Self.press("m", on: state, selecting: "db").state.prompt?.text == "add queue app-eu job ")
    }

    @Test func theQueueKeyTakesAStationAndSaysWhenThereIsNoPool() async throws {
        let bench = try await Fixtures.state("bench-network", width: 160, height: 48)
        let station = try #require(bench.snapshot?.nodes.first { $0.kind == .station }?.id)
        #expect(Self.press("m", on: bench, selecting: station).state.prompt?.text == "add queue \(station) job ")
        var state = bench
        var snapshot = try #require(state.snapshot)
        snapshot.nodes.removeAll { $0.kind == .app || $0.kind == .station }
        _ = state.reduce(.snapshotArrived(snapshot))
        let pressed = Self.press("m", on: state)
        #expect(pressed.state.prompt == nil)
        #expect(pressed.state.log.last?.text == "there is no app pool or station to put a queue behind")
    }

    // MARK: - D: add dc

    @Test func theDataCenterKeyOffersACopyNearTheFarthestRegion() async throws {
        let pressed = Self.press("D", on: try await Fixtures.state("07", width: 160, height: 48))
        #expect(pressed.effects.isEmpty)
        var state = pressed.state
        // us is 10 ms from us-east, eu 80 ms: eu gets the copy, as near as us is to its own.
        #expect(state.prompt?.text == "add dc eu-dc like us-east near eu 10ms")
        #expect(state.prompt?.note?.contains("Enter") == true)
        let copy = DataCenterCopy(name: "eu-dc", model: "us-east", region: "eu", latency: 10 * Nanos.perMillisecond)
        #expect(Self.enter(on: &state) == [.send(.addDataCenter(copy))])
    }

    @Test func theDataCenterKeyCopiesTheSelectedDataCenterUnderAFreeName() async throws {
        var state = try await Fixtures.state("08", width: 160, height: 48)
        // Each region has a data center 10 ms away: no region is farther, the first is offered.
        #expect(Self.press("D", on: state, selecting: "lb-eu").state.prompt?.text == "add dc us-dc like eu-west near us 10ms")
        // eu-west down: eu's nearest live data center is us-east, 80 ms away.
        var snapshot = try #require(state.snapshot)
        snapshot.datacenters[1].down = true
        snapshot.datacenters.append(DataCenterStatus(name: "eu-dc", down: false))
        _ = state.reduce(.snapshotArrived(snapshot))
        #expect(Self.press("D", on: state).state.prompt?.text == "add dc eu-dc2 like us-east near eu 10ms")
        // A CDN edge is in no data center: the first is copied.
        #expect(Self.press("D", on: state, selecting: "cdn-eu").state.prompt?.text.contains("like us-east") == true)
    }

    @Test func theDataCenterKeySaysWhenThereIsNoDataCenterToCopy() async throws {
        let pressed = Self.press("D", on: try await Fixtures.state("bench-network", width: 160, height: 48))
        #expect(pressed.effects.isEmpty)
        #expect(pressed.state.prompt == nil)
        #expect(pressed.state.log.last?.text == "there are no data centers in this preset to copy")
        // Data centers but no user regions: geo-DNS would send nobody to a copy.
        var state = try await Fixtures.state("07", width: 160, height: 48)
        var snapshot = try #require(state.snapshot)
        snapshot.workload.regions = []
        _ = state.reduce(.snapshotArrived(snapshot))
        let regionless = Self.press("D", on: state)
        #expect(regionless.state.prompt == nil)
        #expect(
            regionless.state.log.last?.text == "the workload names no user regions: no users would go to another data center")
    }

    // MARK: - X: remove the selected component

    /// Each node of stage 09 (and a lone replica pool of stage 04, a station of the network
    /// bench) and the removal `X` writes for it.
    static let removals: [(preset: String, node: String, line: String)] = [
        ("09", "lb", "remove lb lb"), ("09", "lb-eu", "remove lb lb-eu"),
        ("09", "cdn-us", "remove cdn us"), ("09", "cdn-eu", "remove cdn eu"),
        ("09", "app", "remove server app"), ("09", "sessions", "remove session-store sessions"),
        ("09", "cache", "remove cache cache"), ("09", "cache-eu", "remove cache cache-eu"),
        ("09", "db", "remove db db"), ("09", "jobs", "remove queue jobs"), ("09", "jobs-eu", "remove queue jobs-eu"),
        // db has two replica pools: `remove replica db` would take from the first, so each names itself.
        ("09", "db-replica", "remove server db-replica"), ("09", "db-replica-eu", "remove server db-replica-eu"),
        ("04", "db-replica", "remove replica db"), ("04", "db", "remove db db"),
    ]

    @Test func theRemovalKeyWritesTheRemovalOfTheSelectedKindForEnterToConfirm() async throws {
        var bases: [String: DashboardState] = [:]
        for preset in ["04", "09"] { bases[preset] = try await Fixtures.state(preset, width: 160, height: 48) }
        for (preset, node, line) in Self.removals {
            let base = try #require(bases[preset])
            #expect(base.snapshot?.nodes.contains { $0.id == node } == true, "\(preset) has no \(node)")
            var (effects, state) = Self.press("X", on: base, selecting: node)
            #expect(effects.isEmpty, "X sent on its own for \(node)")
            #expect(state.prompt == PromptState(text: line, note: "Enter removes it, Esc keeps it"), "\(preset) \(node)")
            // Enter sends exactly the command the line spells, as a script line would.
            let sent = Self.enter(on: &state)
            #expect(sent == [.send(try CommandGrammar.parse(line))], "\(line)")
            if case .send(let command)? = sent.first { #expect(CommandGrammar.encode(command) == line) }
            // Esc keeps the component.
            (effects, state) = Self.press("X", on: base, selecting: node)
            #expect(state.reduce(.keyPressed(.escape)).isEmpty)
            #expect(state.prompt == nil)
        }
        // Every node kind stage 09 has is covered.
        let kinds = Set(
            try #require(bases["09"]?.snapshot?.nodes.filter { n in Self.removals.contains { $0.node == n.id } })
                .map(\.kind))
        #expect(kinds == Set(NodeKind.allCases).subtracting([.station]))
    }

    @Test func theRemovalKeyTakesAServerFromAStationAndNamesTheOnlyRegionsEdge() async throws {
        var state = try await Fixtures.state("bench-network", width: 160, height: 48)
        let station = try #require(state.snapshot?.nodes.first { $0.kind == .station }?.id)
        #expect(Self.press("X", on: state, selecting: station).state.prompt?.text == "remove server \(station)")
        // No user regions: `n` adds the edge of the only region, and `X` names it alike.
        #expect(
            Self.press("n", on: state).effects == [.send(.addCDN(region: "all", entries: CommandGrammar.defaultCacheEntries))])
        var snapshot = try #require(state.snapshot)
        snapshot.nodes.append(
            NodeSnapshot(
                spec: NodeSpec(id: "cdn-all", kind: .cdn, service: .exponential(mean: 1), region: ""), servers: 1, downServers: 0,
                warmingServers: 0, workers: 1, size: 0, slowFactor: 1, window: nil, bottleneck: false, history: []))
        _ = state.reduce(.snapshotArrived(snapshot))
        #expect(Self.press("X", on: state, selecting: "cdn-all").state.prompt?.text == "remove cdn all")
        let again = Self.press("n", on: state)
        #expect(again.effects.isEmpty)
        #expect(again.state.log.last?.text == "every region already has a CDN edge")
    }

    @Test func removalKeysWithNothingSelectedSayWhatToSelect() async throws {
        let base = try await Fixtures.state("08", width: 160, height: 48)
        let removal = Self.press("X", on: base)
        #expect(removal.effects.isEmpty)
        #expect(removal.state.prompt == nil)
        #expect(removal.state.log.last?.text.hasPrefix("select a node first (Tab or arrows) to remove it") == true)
        #expect(removal.state.log.last?.tone == .warm)
        let dc = Self.press("Z", on: base)
        #expect(dc.effects.isEmpty)
        #expect(dc.state.prompt == nil)
        #expect(
            dc.state.log.last?.text
                == "select a node of the data center first (Tab or arrows) to remove it: us-east, eu-west")
        // A CDN edge is in no data center.
        #expect(
            Self.press("Z", on: base, selecting: "cdn-us").state.log.last?.text
                == "cdn-us is in no data center; select a node of the data center first (Tab or arrows) to remove it: us-east, eu-west"
        )
    }

    // MARK: - Z: remove dc

    @Test func theDataCenterRemovalKeyWritesTheSelectedNodesDataCenter() async throws {
        let base = try await Fixtures.state("08", width: 160, height: 48)
        for (node, dc) in [("app-eu", "eu-west"), ("db", "us-east")] {
            let pressed = Self.press("Z", on: base, selecting: node)
            #expect(pressed.effects.isEmpty)
            var state = pressed.state
            #expect(state.prompt == PromptState(text: "remove dc \(dc)", note: "Enter removes it and its nodes, Esc keeps it"))
            #expect(Self.enter(on: &state) == [.send(.removeDataCenter(dc))])
        }
        let only = Self.press("Z", on: try await Fixtures.state("07", width: 160, height: 48), selecting: "app")
        #expect(only.state.prompt == nil)
        #expect(only.state.log.last?.text == "us-east is the only data center: without it users have nowhere to go")
        let none = Self.press("Z", on: try await Fixtures.state("bench-network", width: 160, height: 48), selecting: "lb")
        #expect(none.state.log.last?.text == "there are no data centers in this preset")
    }

    /// With nothing selected, `c` caches what app pools read; once every read goes through a
    /// cache it says so, rather than caching a database that only takes writes.
    @Test func cacheKeyWithEveryReadCachedSaysSo() async throws {
        for preset in ["05", "09", "ten-million-users"] {
            let pressed = Self.press("c", on: try await Fixtures.state(preset, width: 160, height: 48))
            #expect(pressed.effects.isEmpty, "\(preset)")
            #expect(
                pressed.state.log.last?.text == "the app pools' reads already go through a cache; select a node to cache it",
                "\(preset)")
        }
    }

    // MARK: - Whole keys

    /// The steps that grow each stage into the next (StageGrowthTests in ScaleFilesTests),
    /// as the keys write them with nothing selected, the engine applying each in turn.
    @Test func theKeysWriteTheStageGrowthSteps() async throws {
        func line(_ key: Character, on state: DashboardState) throws -> String {
            let pressed = Self.press(key, on: state)
            if case .send(let command)? = pressed.effects.first { return CommandGrammar.encode(command) }
            return try #require(pressed.state.prompt?.text, "\(key): \(pressed.state.log.last?.text ?? "")")
                .trimmingCharacters(in: .whitespaces)
        }
        #expect(try line("b", on: try await Fixtures.state("00", width: 160, height: 48)) == "add db app")
        #expect(try line("c", on: try await Fixtures.state("04", width: 160, height: 48)) == "add cache db-replica")
        #expect(try line("n", on: try await Fixtures.state("05", width: 160, height: 48)) == "add cdn us")
        #expect(try line("s", on: try await Fixtures.state("06", width: 160, height: 48)) == "add session-store app")
        // Stage 08 names its copy eu-west; the copies' ids are the same.
        #expect(
            try line("D", on: try await Fixtures.state("07", width: 160, height: 48)) == "add dc eu-dc like us-east near eu 10ms")
        let first = try line("m", on: try await Fixtures.state("08", width: 160, height: 48))
        #expect(first == "add queue app job")
        let queued = try await Fixtures.state("08", width: 160, height: 48, commands: [try CommandGrammar.parse(first)])
        #expect(try line("m", on: queued) == "add queue app-eu job")
    }

    @Test func promptKeysNeverSendAndWaitForTheTakeOverInAReplay() async throws {
        for preset in ["00", "04", "08", "09"] {
            var base = try await Fixtures.state(preset, width: 160, height: 48)
            for node in try #require(base.snapshot?.nodes) {
                for key: Character in ["m", "D", "X", "Z"] {
                    #expect(Self.press(key, on: base, selecting: node.id).effects.isEmpty, "\(preset) \(key) on \(node.id)")
                }
            }
            base.replay = ReplayStatus()
            for key: Character in ["b", "m", "D", "X", "Z"] {
                let pressed = Self.press(key, on: base, selecting: base.snapshot?.nodes.first?.id)
                #expect(pressed.effects.isEmpty)
                #expect(pressed.state.prompt == nil)
                #expect(pressed.state.log.last?.text.contains("takes over") == true)
            }
        }
    }

    @Test func theNoteShowsBesideTheLineUntilTheFirstEdit() async throws {
        var state = try await Fixtures.state("08", width: 80, height: 24)
        state.selection = "sessions-eu"
        _ = state.reduce(.keyPressed(.character("X")))
        var screen = DashboardView.render(state)
        #expect(screen.line(23).hasPrefix(":remove session-store sessions-eu_  Enter removes it, Esc keeps it"))
        _ = state.reduce(.keyPressed(.backspace))
        screen = DashboardView.render(state)
        #expect(screen.line(23).trimmingCharacters(in: .whitespaces) == ":remove session-store sessions-e_")
        // A guess too long for the note as well shows the line alone.
        _ = state.reduce(.keyPressed(.escape))
        state.selection = "lb-eu"
        _ = state.reduce(.keyPressed(.character("D")))
        screen = DashboardView.render(state)
        #expect(screen.line(23).trimmingCharacters(in: .whitespaces) == ":add dc us-dc like eu-west near us 10ms_")
    }
}
