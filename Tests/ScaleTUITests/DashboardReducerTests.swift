import ScaleFiles
@testable import ScaleSim
import Testing
@testable import ScaleTUI

@Suite struct DashboardReducerTests {
    /// `j` says what defended retries mean only once the engine takes them; refused (as a
    /// partitioned run refuses full jitter), they stay off, and `j` asks for them again.
    @Test func defendedRetriesAreExplainedOnlyWhenTaken() async throws {
        var state = try await Fixtures.state("00", width: 120, height: 40)
        let defended = SimCommand.setRetryPolicy(budget: DashboardState.defendedRetryBudget, jitter: .full)
        #expect(state.reduce(.keyPressed(.character("j"))) == [.send(defended)])
        _ = state.reduce(.commandAnswered(defended, .refused("retries with full jitter can come back at once"), at: 0))
        #expect(state.retryPolicyBeforeDefence == nil)
        #expect(!state.log.contains { $0.text.hasPrefix("defended retries on") })
        #expect(state.log.last?.text.hasPrefix("refused: set retry-policy 0.1 full") == true, "\(state.log.last?.text ?? "")")

        #expect(state.reduce(.keyPressed(.character("j"))) == [.send(defended)])
        _ = state.reduce(.commandAnswered(defended, .applied, at: 0))
        #expect(state.log.last?.text.hasPrefix("defended retries on: retries may add at most 10%") == true)
        #expect(state.reduce(.keyPressed(.character("j"))) != [.send(defended)])
    }

    @Test func buildingKeysSendTheScriptGrammarsCommands() async throws {
        var state = try await Fixtures.state("00", width: 120, height: 40)
        let app = try #require(state.snapshot?.nodes.first { $0.kind == .app || $0.kind == .station })
        if app.kind == .app {
            #expect(state.reduce(.keyPressed(.character("a"))) == [.send(.addServers(node: app.id, count: 1))])
        }
        let users = try #require(state.snapshot?.users)
        #expect(state.reduce(.keyPressed(.character("+"))) == [.send(.setUsers(users * 2))])
        // Before any snapshot shows the doubling, `-` halves what was asked: back to the start.
        #expect(state.reduce(.keyPressed(.character("-"))) == [.send(.setUsers(users))])
        #expect(state.reduce(.keyPressed(.character("]"))) == [.setSpeed(2)])
        #expect(state.reduce(.keyPressed(.character("["))) == [.setSpeed(1)])
        #expect(state.reduce(.keyPressed(.character(" "))) == [.pause])
        #expect(state.reduce(.keyPressed(.character("3"))) == [.loadPreset("03")])
        #expect(state.reduce(.keyPressed(.character("w"))) == [.savePreset])
        #expect(state.reduce(.keyPressed(.character("q"))) == [.quit])
        #expect(state.quitRequested)
    }

    @Test func replicaAndCacheKeysActOnTheDatabase() async throws {
        var state = try await Fixtures.state("ten-million-users", width: 160, height: 48, seconds: 2)
        #expect(state.reduce(.keyPressed(.character("r"))) == [.send(.addReplicas(primary: "db", count: 1))])
        // Both caches already sit in front of the database's replicas or the database.
        let effects = state.reduce(.keyPressed(.character("c")))
        if case .send(.addCache(let front, _))? = effects.first {
            #expect(state.snapshot?.nodes.contains { $0.id == front } == true)
        } else {
            #expect(state.log.last?.text.contains("cache") == true)
        }
    }

    @Test func promptParsesTheScriptGrammarAndShowsErrorsInPlace() async throws {
        var state = try await Fixtures.state("00", width: 100, height: 30)
        #expect(state.reduce(.keyPressed(.character(":"))).isEmpty)
        #expect(state.prompt != nil)
        for c in "add replica" { _ = state.reduce(.keyPressed(.character(c))) }
        #expect(state.reduce(.keyPressed(.enter)).isEmpty)
        let error = try #require(state.prompt?.error)
        #expect(error.contains("column"))
        // Fixing the line clears the error and sends the command.
        for c in " db 2" { _ = state.reduce(.keyPressed(.character(c))) }
        #expect(state.prompt?.error == nil)
        #expect(state.reduce(.keyPressed(.enter)) == [.send(.addReplicas(primary: "db", count: 2))])
        #expect(state.prompt == nil)
        // Keys typed in the prompt are text, not commands: `q` does not quit.
        _ = state.reduce(.keyPressed(.character(":")))
        #expect(state.reduce(.keyPressed(.character("q"))).isEmpty)
        #expect(state.prompt?.text == "q")
        _ = state.reduce(.keyPressed(.escape))
        #expect(state.prompt == nil)
        #expect(!state.quitRequested)
    }

    @Test func promptRefusesAbsurdValuesSayingTheLimit() async throws {
        var state = try await Fixtures.state("00", width: 100, height: 30)
        for (line, limit) in [("set users 1000000000000", "1 to 100_000_000"), ("set ttl cache 3651d", "at most 3650d")] {
            _ = state.reduce(.keyPressed(.character(":")))
            for c in line { _ = state.reduce(.keyPressed(.character(c))) }
            #expect(state.reduce(.keyPressed(.enter)).isEmpty, "\(line) was sent")
            let error = try #require(state.prompt?.error, "\(line)")
            #expect(error.contains(limit), "\(error)")
            _ = state.reduce(.keyPressed(.escape))
        }
    }

    @Test func keysPressedBeforeTheEngineAnswersBuildOnWhatWasAsked() async throws {
        var state = try await Fixtures.state("00", width: 100, height: 30)  // 1,000 users, speed 1
        let plus = Key.character("+")
        #expect(state.reduce(.keyPressed(plus)) == [.send(.setUsers(2_000))])
        #expect(state.reduce(.keyPressed(plus)) == [.send(.setUsers(4_000))])
        #expect(state.reduce(.keyPressed(.character("]"))) == [.setSpeed(2)])
        #expect(state.reduce(.keyPressed(.character("]"))) == [.setSpeed(4)])
        // A refused request no longer counts: the next key starts from what runs.
        _ = state.reduce(.commandAnswered(.setUsers(4_000), .refused("too many"), at: 0))
        var snapshot = try #require(state.snapshot)
        _ = state.reduce(.snapshotArrived(snapshot))
        #expect(state.reduce(.keyPressed(.character("-"))) == [.send(.setUsers(500))])
        // Once a snapshot shows the asked value, keys build on the snapshot again.
        snapshot.workload.users = 500
        _ = state.reduce(.snapshotArrived(snapshot))
        #expect(state.reduce(.keyPressed(.character("-"))) == [.send(.setUsers(250))])
    }

    @Test func aFlaggedNodeIsLoggedWithWhatFlaggedIt() {
        func window(utilization: Double, dropped: Int, queue: Int) -> NodeWindow {
            NodeWindow(
                end: 0, arrivals: 0, completions: 0, dropped: dropped, timedOut: 0, failed: 0, staleReads: 0,
                hitRatio: nil, replicationLag: nil, consumerLag: nil, utilization: utilization,
                meanQueueLength: 0, queueLength: queue, meanLatency: nil, p50: nil, p95: nil, p99: nil)
        }
        #expect(DashboardState.bottleneckSymptom(window(utilization: 0.97, dropped: 5, queue: 900)) == "saturated (97% busy)")
        // A surge mid-second: drops while the second's average is still low.
        #expect(
            DashboardState.bottleneckSymptom(window(utilization: 0.43, dropped: 1200, queue: 1000))
                == "dropping requests (1.2k/s, 43% busy)")
        #expect(
            DashboardState.bottleneckSymptom(window(utilization: 0.6, dropped: 0, queue: 250))
                == "queue growing (250 waiting, 60% busy)")
    }

    @Test func helpOverlayOpensAndCloses() async throws {
        var state = try await Fixtures.state("00", width: 100, height: 30)
        _ = state.reduce(.keyPressed(.character("?")))
        #expect(state.overlay == .help)
        // Other keys do nothing while the overlay is up.
        #expect(state.reduce(.keyPressed(.character("a"))).isEmpty)
        _ = state.reduce(.keyPressed(.function(1)))
        #expect(state.overlay == .none)
        _ = state.reduce(.keyPressed(.function(1)))
        _ = state.reduce(.keyPressed(.escape))
        #expect(state.overlay == .none)
    }

    @Test func tooSmallScreenAnswersOnlyQuit() async throws {
        var state = try await Fixtures.state("00", width: 120, height: 40)
        _ = state.reduce(.resized(width: 60, height: 20))
        #expect(state.isTooSmall)
        #expect(state.reduce(.keyPressed(.character("a"))).isEmpty)
        #expect(state.reduce(.keyPressed(.character("q"))) == [.quit])
    }

    @Test func selectionMovesThroughTheLayout() async throws {
        var state = try await Fixtures.state("ten-million-users", width: 160, height: 48, seconds: 2)
        let order = state.topologyLayout(try #require(state.snapshot)).boxes.map(\.id)
        #expect(order.count == state.snapshot?.nodes.count)
        _ = state.reduce(.keyPressed(.tab))
        #expect(state.selection == order[0])
        _ = state.reduce(.keyPressed(.tab))
        #expect(state.selection == order[1])
        _ = state.reduce(.keyPressed(.backTab))
        #expect(state.selection == order[0])
        // Down goes to a box lower on screen.
        let layout = state.topologyLayout(try #require(state.snapshot))
        let before = try #require(layout.box(order[0]))
        _ = state.reduce(.keyPressed(.down))
        let selected = try #require(state.selection)
        let after = try #require(layout.box(selected))
        #expect(after.rect.y > before.rect.y)
        // A click on a box selects it.
        let target = layout.boxes[3]
        _ = state.reduce(.clicked(x: target.rect.x + 1, y: target.rect.y))
        #expect(state.selection == target.id)
        _ = state.reduce(.keyPressed(.enter))
        #expect(state.inspectorOpen)
    }

    @Test func keysNeedingASelectionSayWhy() async throws {
        var state = try await Fixtures.state("00", width: 100, height: 30)
        #expect(state.reduce(.keyPressed(.character("k"))).isEmpty)
        #expect(state.log.last?.text.contains("select a node") == true)
        _ = state.reduce(.keyPressed(.tab))
        let selected = try #require(state.selection)
        #expect(state.reduce(.keyPressed(.character("k"))) == [.send(.kill(node: selected, server: nil))])
        #expect(state.reduce(.keyPressed(.character("x"))) == [.send(.slow(node: selected, factor: 4))])
    }

    @Test func eventLogTellsSaturationNoticesAndRefusals() async throws {
        var state = try await Fixtures.state("00", width: 100, height: 30)
        let users = try #require(state.snapshot?.users)
        // Far more users than one box serves: it saturates within seconds.
        let snapshot = try await Fixtures.snapshot("00", seconds: 8, commands: [.setUsers(users * 40)])
        let hot = try #require(snapshot.nodes.first { $0.bottleneck })
        _ = state.reduce(.snapshotArrived(snapshot))
        #expect(state.log.contains { $0.text.contains("\(hot.id) saturated") && $0.tone == .bottleneck })
        // Logged once, not at every snapshot.
        _ = state.reduce(.snapshotArrived(snapshot))
        #expect(state.log.filter { $0.text.contains("saturated") }.count == snapshot.nodes.filter(\.bottleneck).count)

        _ = state.reduce(
            .commandAnswered(
                .removeServers(node: hot.id, count: 99), .refused("cannot remove the last server"), at: snapshot.time))
        #expect(state.log.last?.text == "refused: remove server \(hot.id) 99: cannot remove the last server")
        #expect(state.log.last?.tone == .error)
    }

    @Test func scheduledCommandsAndFailoversReachTheLog() throws {
        var state = DashboardState(
            preset: PresetInfo(name: "t", title: "t", description: "", explanation: ""), width: 100, height: 30)
        var snapshot = try #require(emptySnapshot())
        snapshot.notices = [
            EngineNotice(time: 0, event: .scheduledCommand(.killDataCenter("eu"), .applied), sequence: 1),
            EngineNotice(time: 0, event: .autoscaled(node: "web", from: 2, to: 4), sequence: 2),
            EngineNotice(time: 0, event: .failover(primary: "db", writesLost: 17), sequence: 3),
        ]
        _ = state.reduce(.snapshotArrived(snapshot))
        #expect(
            state.log.map(\.text) == [
                "script: kill dc eu", "autoscaler: web 2 -> 4 servers", "failover: a replica took over db; 17 writes lost",
            ])
        _ = state.reduce(.snapshotArrived(snapshot))
        #expect(state.log.count == 3)
    }

    @Test func loadingAPresetLogsWhatChanged() {
        var state = DashboardState(
            preset: PresetInfo(name: "00", title: "", description: "", explanation: ""), width: 100, height: 30)
        let info = PresetInfo(name: "03-load-balancer", title: "LB", description: "even load", explanation: "")
        _ = state.reduce(.presetLoaded(info, changes: ["added lb in front of app"]))
        #expect(state.preset == info)
        #expect(state.log.map(\.text) == ["loaded 03-load-balancer: even load", "  added lb in front of app"])
        _ = state.reduce(.presetFailed("cannot load stage 04: broken"))
        #expect(state.log.last?.tone == .error)
    }

    @Test func replayKeysPaceAndSeekButDoNotEdit() async throws {
        var state = try await Fixtures.state("00", width: 100, height: 30)
        state.replay = ReplayStatus()
        #expect(state.reduce(.keyPressed(.character("a"))).isEmpty)
        #expect(state.log.last?.text.contains("takes over") == true)
        #expect(state.reduce(.keyPressed(.character(":"))).isEmpty)
        #expect(state.prompt == nil)
        #expect(state.reduce(.keyPressed(.character(" "))) == [.pause])
        #expect(state.reduce(.keyPressed(.character(" "))) == [.resume])
        #expect(state.reduce(.keyPressed(.character("]"))) == [.setSpeed(2)])
        #expect(state.reduce(.keyPressed(.character(","))) == [.seek(-DashboardState.seekStep)])
        #expect(state.reduce(.keyPressed(.character("."))) == [.seek(DashboardState.seekStep)])
        #expect(state.reduce(.keyPressed(.character("L"))) == [.takeOver])
        _ = state.reduce(.replayProgressed(ReplayProgress(elapsed: 10, length: 10, finished: true)))
        #expect(DashboardView.render(state).line(0).contains("REPLAY 100% END"))
        _ = state.reduce(.tookOver)
        #expect(state.replay == nil)
        #expect(state.reduce(.keyPressed(.character("a"))).count == 1)
    }

    @Test func recordingShowsInTheStatusBar() async throws {
        var state = try await Fixtures.state("00", width: 160, height: 30)
        #expect(state.reduce(.keyPressed(.character("R"))) == [.startRecording(width: 160, height: 30)])
        _ = state.reduce(.recording(.started(path: "/tmp/x/00-single-server-1.jsonl")))
        #expect(DashboardView.render(state).line(0).contains("REC 00-single-server-1.jsonl"))
        #expect(state.reduce(.keyPressed(.character("R"))) == [.stopRecording])
        _ = state.reduce(.recording(.stopped(path: "/tmp/x/00-single-server-1.jsonl")))
        #expect(state.recordingPath == nil)
        #expect(state.log.last?.text.contains("recording saved") == true)
        // A recording that cannot start says why, and was never under way.
        _ = state.reduce(.recording(.refused("a partitioned run is not recorded")))
        #expect(state.recordingPath == nil)
        #expect(state.log.last?.text == "cannot record: a partitioned run is not recorded")
        #expect(!DashboardView.render(state).line(0).contains("REC"))
    }

    @Test func aSecondColonStartsThePromptAfresh() async throws {
        var state = try await Fixtures.state("00", width: 100, height: 30)
        _ = state.reduce(.keyPressed(.character(":")))
        for c in "add nonsense" { _ = state.reduce(.keyPressed(.character(c))) }
        #expect(state.reduce(.keyPressed(.enter)).isEmpty)
        #expect(state.prompt?.error != nil)
        // The user reads the error and starts again, as they started the first time.
        _ = state.reduce(.keyPressed(.character(":")))
        #expect(state.prompt == PromptState())
        for c in "set users 7" { _ = state.reduce(.keyPressed(.character(c))) }
        #expect(state.reduce(.keyPressed(.enter)) == [.send(.setUsers(7))])
    }

    @Test func thePromptLoadsAPresetAsAStageKeyDoes() async throws {
        var state = try await Fixtures.state("00", width: 100, height: 30)
        func enter(_ line: String) -> [DashboardEffect] {
            _ = state.reduce(.keyPressed(.character(":")))
            for c in line { _ = state.reduce(.keyPressed(.character(c))) }
            return state.reduce(.keyPressed(.enter))
        }
        #expect(enter("load 05v") == [.loadPreset("05v")])
        #expect(state.prompt == nil)
        #expect(enter("  load   million-users ") == [.loadPreset("million-users")])
        // The stage key asks for the same effect with the stage's number.
        #expect(state.reduce(.keyPressed(.character("5"))) == [.loadPreset("05")])
        for bad in ["load", "load 03 04"] {
            #expect(enter(bad).isEmpty, "\(bad)")
            let error = try #require(state.prompt?.error, "\(bad)")
            #expect(error.contains("load PRESET: expected one stage number"), "\(error)")
            _ = state.reduce(.keyPressed(.escape))
        }
        // An unknown command names every command the prompt takes, load included.
        for (typo, guess) in [("lod 03", "load"), ("sett users 3", "set")] {
            #expect(enter(typo).isEmpty, "\(typo)")
            let error = try #require(state.prompt?.error, "\(typo)")
            #expect(
                error.contains("unknown command") && error.contains(", load") && error.contains("did you mean \(guess)?"),
                "\(error)")
            _ = state.reduce(.keyPressed(.escape))
        }
    }

    @Test func commandsAreLoggedAtTheTimeTheEngineTookThem() async throws {
        var state = try await Fixtures.state("00", width: 100, height: 30)
        // A replay jumping forward applies commands made at 18 s and 20 s while the screen still shows 4 s.
        let shown = try #require(state.snapshot?.time)
        for seconds in [18, 20] {
            let time = SimTime(seconds) * Nanos.perSecond
            #expect(time != shown)
            _ = state.reduce(.commandAnswered(.setUsers(seconds), .applied, at: time))
            #expect(state.log.last?.time == time)
            #expect(state.log.last?.text == "set users \(seconds)")
        }
    }

    @Test func noticesOfAnEngineLeftBehindAreNeverLoggedAgain() throws {
        var state = DashboardState(
            preset: PresetInfo(name: "09", title: "", description: "", explanation: ""), width: 100, height: 30)
        var old = try #require(emptySnapshot())
        old.time = 100 * Nanos.perSecond
        old.notices = [
            EngineNotice(time: 90 * Nanos.perSecond, event: .failover(primary: "db", writesLost: 74), sequence: 1),
            EngineNotice(time: 95 * Nanos.perSecond, event: .autoscaled(node: "app", from: 2, to: 3), sequence: 2),
        ]
        _ = state.reduce(.snapshotArrived(old))
        let logged = state.log.map(\.text)
        #expect(logged.count == 2)
        // Each at its own time, not the snapshot's.
        #expect(state.log.map(\.time) == old.notices.map(\.time))
        // A replay seeking back re-simulates the same stage: the same notices, earlier.
        var rewound = old
        rewound.time = 92 * Nanos.perSecond
        rewound.notices.removeLast()
        _ = state.reduce(.snapshotArrived(rewound))
        _ = state.reduce(.snapshotArrived(old))
        #expect(state.log.map(\.text) == logged)
        // Another engine: its notices count from 1 again, and only they are logged.
        _ = state.reduce(.presetLoaded(PresetInfo(name: "03", title: "", description: "", explanation: ""), changes: []))
        var fresh = try #require(emptySnapshot())
        fresh.time = Nanos.perSecond
        fresh.notices = [EngineNotice(time: Nanos.perSecond / 2, event: .scheduledCommand(.setUsers(9), .applied), sequence: 1)]
        _ = state.reduce(.snapshotArrived(fresh))
        #expect(state.log.map(\.text) == logged + ["loaded 03: ", "script: set users 9"])
        #expect(state.log.filter { $0.text.contains("failover") }.count == 1)
    }

    /// The node or data center a command takes something from (a server, its speed, its
    /// entries, the whole of it); nil for a command that takes nothing away.
    static func destructiveTarget(_ command: SimCommand) -> String? {
        switch command {
        case .kill(let node, _), .flush(let node), .removeServers(let node, _), .removeReplicas(let node, _): node
        case .slow(let node, let factor) where factor > 1: node
        case .resize(let node, let steps) where steps < 0: node
        case .killDataCenter(let dc), .removeDataCenter(let dc): dc
        case .removeDatabase(let node), .removeQueue(let node), .removeLoadBalancer(let node), .removeCache(let node),
            .removeSessionStore(let node):
            node
        case .removeCDN(let region): region
        default: nil
        }
    }

    @Test func destructiveKeysActOnTheSelectionAndNeverGuess() async throws {
        var destructiveKeys: Set<String> = []
        for preset in ["00", "05", "06", "08"] {
            let base = try await Fixtures.state(preset, width: 160, height: 48)
            let nodes = try #require(base.snapshot?.nodes)
            for binding in KeyMap.standard.bindings {
                var takesAway = false
                for selected in nodes {
                    var state = base
                    state.selection = selected.id
                    for case .send(let command) in state.reduce(.keyPressed(binding.keys[0])) {
                        guard let target = Self.destructiveTarget(command) else { continue }
                        takesAway = true
                        #expect(
                            target == selected.id || target == selected.spec.dc,
                            "\(preset): \(binding.label) on \(selected.id) sent \(CommandGrammar.encode(command))")
                    }
                }
                guard takesAway else { continue }
                destructiveKeys.insert(binding.label)
                // Nothing selected: nothing sent, and the log says what to select.
                var state = base
                #expect(state.reduce(.keyPressed(binding.keys[0])).isEmpty, "\(preset): \(binding.label) guessed")
                #expect(
                    state.log.last?.text.contains("select") == true, "\(preset): \(binding.label): \(state.log.last?.text ?? "")")
            }
        }
        // Every key that takes something away was met, so none escaped the check. The removal
        // keys (`X`, `Z`) are not among them: they only open the prompt (ComponentKeysTests).
        #expect(destructiveKeys == ["A", "U", "f", "k", "d", "x"])
    }

    @Test func dataCenterKeyNamesTheDataCentersToChooseFrom() async throws {
        var state = try await Fixtures.state("08", width: 160, height: 48)
        let names = try #require(state.snapshot?.datacenters.map(\.name))
        #expect(names.count > 1)
        #expect(state.reduce(.keyPressed(.character("d"))).isEmpty)
        let hint = try #require(state.log.last?.text)
        for name in names { #expect(hint.contains(name), "\(hint)") }
    }

    // MARK: - Whole states

    @Test func aKeySequenceLeavesExactlyTheStateItShould() async throws {
        let base = try await Fixtures.state("05", width: 160, height: 48)
        let snapshot = try #require(base.snapshot)
        let first = try #require(base.topologyLayout(snapshot).boxes.first?.id)
        var state = base
        for key: Key in [.tab, .enter, .character("?"), .down, .down, .escape, .character(":")] + "set".map(Key.character) {
            #expect(state.reduce(.keyPressed(key)).isEmpty, "\(key)")
        }
        var expected = base
        expected.selection = first
        expected.inspectorOpen = true
        // The help overlay was opened, scrolled, and closed again: its scroll stays.
        expected.helpScroll = 2
        expected.prompt = PromptState(text: "set")
        #expect(state == expected)
        // Esc closes the prompt and then the inspector; once more it clears the selection.
        for _ in 0..<3 { _ = state.reduce(.keyPressed(.escape)) }
        expected.prompt = nil
        expected.inspectorOpen = false
        expected.selection = nil
        #expect(state == expected)
    }

    @Test func keysAskingTheEngineChangeOnlyWhatTheyAsked() async throws {
        let base = try await Fixtures.state("00", width: 100, height: 30)
        var state = base
        #expect(state.reduce(.keyPressed(.character("+"))) == [.send(.setUsers(2_000))])
        #expect(state.reduce(.keyPressed(.character("]"))) == [.setSpeed(2)])
        var expected = base
        expected.pendingUsers = PendingUsers(value: 2_000)
        expected.pendingSpeed = 2
        #expect(state == expected)
        // The engine answers and a snapshot shows both: nothing is pending any more.
        _ = state.reduce(.commandAnswered(.setUsers(2_000), .applied, at: 7))
        var snapshot = try #require(base.snapshot)
        snapshot.workload.users = 2_000
        snapshot.speed = 2
        _ = state.reduce(.snapshotArrived(snapshot))
        #expect(state.pendingUsers == nil && state.pendingSpeed == nil)
        #expect(state.log.last == LogEntry(time: 7, text: "set users 2000", tone: .accent))
    }

    @Test func aLoadedPresetResetsTheViewButKeepsTheLog() async throws {
        var state = try await Fixtures.state("00", width: 100, height: 30)
        _ = state.reduce(.keyPressed(.tab))
        _ = state.reduce(.keyPressed(.pageDown))
        let before = state
        let info = PresetInfo(name: "01-web-db-split", title: "t", description: "d", explanation: "")
        _ = state.reduce(.presetLoaded(info, changes: []))
        var expected = before
        expected.preset = info
        expected.selection = nil
        expected.topologyScroll = 0
        expected.lastNoticeSeen = 0
        expected.bottlenecks = []
        expected.log("loaded 01-web-db-split: d", tone: .title)
        #expect(state == expected)
    }

    // MARK: - The rate-limit key

    @Test func theRateLimitKeyOpensThePromptOnTheSelectedNode() async throws {
        let base = try await Fixtures.state("03", width: 160, height: 48)
        var state = base
        // Nothing selected: nothing opens, and the log names the nodes to choose from.
        #expect(state.reduce(.keyPressed(.character("g"))).isEmpty)
        #expect(state.prompt == nil)
        let hint = try #require(state.log.last)
        #expect(hint.tone == .warm)
        #expect(hint.text.hasPrefix("select a node first (Tab or arrows) to limit its rate"), "\(hint.text)")
        let nodes = try #require(state.snapshot?.nodes.map(\.id))
        if nodes.count <= CommandTargets.namedCandidates {
            for node in nodes { #expect(hint.text.contains(node), "\(hint.text)") }
        }
        // The load balancer selected: the command, waiting for the rate.
        state = base
        state.selection = "lb"
        #expect(state.reduce(.keyPressed(.character("g"))).isEmpty)
        var expected = base
        expected.selection = "lb"
        expected.prompt = PromptState(text: "set rate-limit lb ")
        #expect(state == expected)
        // The rate typed goes on the line, as any prompt text does.
        for c in "500" { _ = state.reduce(.keyPressed(.character(c))) }
        #expect(state.prompt?.text == "set rate-limit lb 500")
        #expect(state.reduce(.keyPressed(.enter)) == [.send(.setRateLimit(node: "lb", rate: 500, burst: nil))])
    }

    @Test func theRateLimitKeyOffersToRemoveALimitInPlace() async throws {
        var state = try await Fixtures.state("03", width: 160, height: 48)
        var snapshot = try #require(state.snapshot)
        let lb = try #require(snapshot.nodes.firstIndex { $0.id == "lb" })
        snapshot.nodes[lb].spec.rateLimit = RateLimitSpec(rate: 500)
        _ = state.reduce(.snapshotArrived(snapshot))
        state.selection = "lb"
        _ = state.reduce(.keyPressed(.character("g")))
        #expect(state.prompt == PromptState(text: "remove rate-limit lb"))
        #expect(state.prompt?.text == CommandGrammar.encode(.removeRateLimit(node: "lb")))
        #expect(state.reduce(.keyPressed(.enter)) == [.send(.removeRateLimit(node: "lb"))])
    }

    @Test func theRateLimitKeyWaitsForTheTakeOverInAReplay() async throws {
        var state = try await Fixtures.state("03", width: 160, height: 48)
        state.replay = ReplayStatus()
        state.selection = "lb"
        #expect(state.reduce(.keyPressed(.character("g"))).isEmpty)
        #expect(state.prompt == nil)
        #expect(state.log.last?.text.contains("takes over") == true)
    }

    func emptySnapshot() -> SimulationSnapshot? {
        SimulationSnapshot(
            time: 0, workload: WorkloadSpec(users: 1, ratePerUser: 1, entry: "app"), paused: false, speed: 1, behind: false,
            system: nil, systemHistory: [], nodes: [], datacenters: [], notices: [])
    }
}
