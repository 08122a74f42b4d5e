@testable import ScaleSim
import Testing
@testable import ScaleTUI

/// Links on the topology and in the inspector, the status bar's priorities, the speed
/// reached, and the event log's spare rows, scrolling and filter.
@Suite struct LinksAndLogTests {
    // MARK: Status bar

    /// Stage 05 behind its speed, recording: every field that fits is whole, and the bar
    /// drops the least important first as the terminal narrows.
    static func busyState(width: Int, height: Int) async throws -> DashboardState {
        var state = try await Fixtures.state("05", width: width, height: height, seconds: 5)
        var snapshot = try #require(state.snapshot)
        snapshot.behind = true
        snapshot.speed = 4
        snapshot.speedReached = 0.55
        _ = state.reduce(.snapshotArrived(snapshot))
        _ = state.reduce(.recording(.started(path: "/tmp/x/05-cache-1.jsonl")))
        return state
    }

    @Test(arguments: [(80, 24), (120, 40), (160, 70)])
    func statusBarKeepsTheMostImportantFieldsWhole(width: Int, height: Int) async throws {
        let state = try await Self.busyState(width: width, height: height)
        let screen = DashboardView.render(state)
        ScreenSnapshot.assertMatches(screen, named: "status-05-\(width)x\(height)")
        let bar = screen.line(0)
        let all = StatusBarView.fields(state)
        let (kept, _) = StatusBarView.fit(all, width: width)
        #expect(bar.contains("BEHIND 0.55x"), "\(bar)")
        #expect(bar.contains("00:00:05") && bar.contains("REC"))
        // Every kept field shows whole; any dropped one matters no more than each kept one.
        for field in kept { #expect(bar.contains(field.text), "\(field.text) cut in \(bar)") }
        let dropped = all.filter { field in
            !kept.contains { $0.priority == field.priority && ($0.text == field.text || $0.text == field.wide) }
        }
        for field in dropped {
            #expect(kept.allSatisfy { $0.priority <= field.priority }, "\(field.text) dropped before a less important field")
        }
        #expect(width >= 120 || !dropped.isEmpty, "at 80 columns something must give")
        #expect(bar.contains("ramp"), "stage 05 ramps its users up: \(bar)")
    }

    /// Behind in one engine, a system the machine could run on more cores says how, beside
    /// `BEHIND`, in full where there is room and as the bare option where there is not.
    @Test(arguments: [80, 200])
    func behindTheBarOffersTheThreads(width: Int) async throws {
        var state = try await Self.busyState(width: width, height: 40)
        var snapshot = try #require(state.snapshot)
        #expect(!DashboardView.render(state).line(0).contains("--threads"))
        snapshot.spreadAvailable = PartitionSpread(partitions: 2, threads: 2)
        _ = state.reduce(.snapshotArrived(snapshot))
        let bar = DashboardView.render(state).line(0)
        #expect(bar.contains("BEHIND 0.55x"), "\(bar)")
        let offer = width >= 200 ? "--threads 2 runs its 2 partitions on 2 cores" : "--threads 2"
        #expect(bar.contains(offer), "\(bar)")
    }

    @Test func fittingNeverExceedsTheWidth() {
        let fields = (0..<12).map { StatusField("field\($0)", wide: "the wide field \($0)", priority: $0 % 5) }
        for width in stride(from: 10, through: 220, by: 7) {
            let (kept, roomy) = StatusBarView.fit(fields, width: width)
            let used = kept.reduce(0) { $0 + $1.text.count + (roomy ? 2 : 1) }
            #expect(used <= width || kept.count == 1, "\(used) columns in \(width)")
            let sources = kept.map { field in fields.firstIndex { $0.text == field.text || $0.wide == field.text } }
            #expect(sources.allSatisfy { $0 != nil } && sources == sources.sorted { $0! < $1! }, "order kept")
            // Wide words go from the least important fields first.
            let shortened = kept.filter { field in fields.contains { $0.text == field.text } }.map(\.priority)
            let widened = kept.filter { field in fields.contains { $0.wide == field.text } }.map(\.priority)
            #expect((shortened.min() ?? .max) >= (widened.max() ?? .min), "at \(width): shortened \(shortened), wide \(widened)")
            // A field goes only once every less important one's words have gone: no kept wide
            // words matter less than a dropped field.
            let dropped = fields.indices.filter { !sources.contains($0) }.map { fields[$0].priority }
            #expect((dropped.min() ?? .max) >= (widened.max() ?? .min), "at \(width): dropped \(dropped), wide \(widened)")
        }
    }

    @Test func regionsShowTheirOwnLatencyBesideTheSystems() async throws {
        let state = try await Fixtures.state("08", width: 200, height: 40, seconds: 6)
        let snapshot = try #require(state.snapshot)
        #expect(snapshot.regions.count == 2)
        let bar = DashboardView.render(state).line(0)
        let figures = try snapshot.regions.map { region in
            "\(region.name) \(Format.duration(try #require(region.window?.p50)))/\(Format.duration(try #require(region.window?.p99)))"
        }
        #expect(bar.contains("p50/p99 " + figures.joined(separator: " ")), "\(bar)")
        // A workload of one region has nothing to compare: no region field.
        let single = try await Fixtures.state("bench-network", width: 200, height: 40, seconds: 2)
        #expect(StatusBarView.regionsField(try #require(single.snapshot)) == nil)
    }

    @Test func sessionsLostShowWhileTheyHappen() async throws {
        var state = try await Fixtures.state("06", width: 160, height: 40, seconds: 3)
        var snapshot = try #require(state.snapshot)
        #expect(!DashboardView.render(state).line(0).contains("sess"), "no session lost yet")
        let app = try #require(snapshot.nodes.firstIndex { $0.id == "app" })
        snapshot.nodes[app].sessionsLostLastWindow = 120
        snapshot.nodes[app].sessionsLost = 1_900
        _ = state.reduce(.snapshotArrived(snapshot))
        #expect(DashboardView.render(state).line(0).contains("sessions lost 120/s (1.9k in all)"))
        state.screenWidth = 80
        #expect(DashboardView.render(state).line(0).contains("sess lost 120/s"), "kept at 80 columns")
    }

    @Test func aPartitionedRunShowsItsPartitionsAndThreads() async throws {
        var state = try await Fixtures.state("08", width: 200, height: 40, seconds: 2)
        var snapshot = try #require(state.snapshot)
        #expect(!DashboardView.render(state).line(0).contains("partitions"), "one engine: no field")
        snapshot.spread = PartitionSpread(partitions: 2, threads: 2)
        _ = state.reduce(.snapshotArrived(snapshot))
        let bar = DashboardView.render(state).line(0)
        #expect(bar.contains("speed 1x  2 partitions on 2 threads"), "\(bar)")
        #expect(StatusBarView.spreadField(snapshot)?.text == "2p/2t")
    }

    @Test func behindShowsTheSpeedReached() {
        let speeds: [(Double?, String)] = [(0.55, "BEHIND 0.55x"), (3.24, "BEHIND 3.2x"), (12.4, "BEHIND 12x"), (nil, "BEHIND")]
        for (reached, text) in speeds {
            var snapshot = SimulationSnapshot(
                time: 0, workload: WorkloadSpec(users: 1, ratePerUser: 1, entry: "app"), paused: false, speed: 16, behind: true,
                system: nil, systemHistory: [], nodes: [], datacenters: [], notices: [])
            snapshot.speedReached = reached
            #expect(StatusBarView.speedField(snapshot).text == text)
            snapshot.behind = false
            #expect(StatusBarView.speedField(snapshot).text == "16x")
        }
    }

    @Test func speedGaugeMeasuresSimulatedSecondsPerWallSecond() {
        var gauge = SpeedGauge()
        let start = ContinuousClock.now
        gauge.record(wall: start, simulated: 0)
        #expect(gauge.reached == nil, "one sample measures nothing")
        for k in 1...40 {
            gauge.record(wall: start.advanced(by: .milliseconds(50 * k)), simulated: SimTime(k) * 25 * Nanos.perMillisecond)
        }
        #expect(abs((gauge.reached ?? 0) - 0.5) < 1e-9)
        gauge.reset()
        #expect(gauge.reached == nil)
    }

    // MARK: Links

    @Test func stage05LinksOnTheTopologyAndInTheInspector() async throws {
        var state = try await Fixtures.state("05", width: 160, height: 70, seconds: 5)
        let snapshot = try #require(state.snapshot)
        let layout = state.topologyLayout(snapshot)
        let strip = try #require(layout.linkStrip, "160x70 has room for the link strip")
        #expect(strip.maxY <= layout.area.maxY)
        state.selection = "db"
        _ = state.reduce(.keyPressed(.enter))
        let screen = DashboardView.render(state)
        ScreenSnapshot.assertMatches(screen, named: "links-05-160x70")
        #expect(screen.text.contains("links: rate and one-way latency"))
        let replication = try #require(snapshot.links.first { $0.kind == .replication })
        #expect(screen.text.contains("db ⇢ \(replication.to) \(Format.rate(replication.rate)) repl"))
        // The inspector lists db's links both ways.
        let lines = InspectorView.linkLines(of: try #require(state.selectedNode), in: snapshot, rows: 10, unicode: true)
        let incoming = snapshot.links.filter { $0.to == "db" }, outgoing = snapshot.links.filter { $0.from == "db" }
        #expect(lines.count == incoming.count + outgoing.count)
        #expect(lines.first?.label == "links in" && lines.contains { $0.label == "links out" })
        #expect(lines.contains { $0.text.hasPrefix("⇢ \(replication.to) ") })
    }

    /// At every width from 80 to 200 columns, every cell of the link strip that fits (a
    /// cell is `linkCellWidth - 1` columns, one column in and one apart) holds a link
    /// before any link is left to the inspector.
    @Test(arguments: [("ten-million-users", 70), ("08", 40)])
    func theLinkStripFillsEveryCellThatFitsBeforeHidingLinks(preset: String, height: Int) async throws {
        var state = try await Fixtures.state(preset, width: 120, height: height, seconds: 3)
        let snapshot = try #require(state.snapshot)
        let links = TopologyLayout.stripLinks(snapshot).count
        var hiding = 0
        for width in 80...200 {
            state.screenWidth = width
            let layout = state.topologyLayout(snapshot)
            guard let strip = layout.linkStrip else { continue }
            let screen = DashboardView.render(state)
            let cellWidth = TopologyLayout.linkCellWidth
            let starts = Array(stride(from: strip.x + 1, through: strip.maxX - (cellWidth - 1), by: cellWidth))
            let fitting = starts.count * (strip.height - 1)
            let filled = ((strip.y + 1)..<strip.maxY).reduce(0) { sum, y in sum + starts.count { screen[$0, y].scalar != " " } }
            #expect(
                filled == min(links, fitting), "\(preset) at \(width) columns: \(filled) of \(fitting) cells for \(links) links")
            for y in (strip.y + 1)..<strip.maxY {
                #expect(!screen.line(y).dropFirst(strip.maxX).contains { $0 != " " }, "drawn past the strip at \(width)")
            }
            if links > fitting { hiding += 1 }
        }
        #expect(hiding > 0, "\(preset) never leaves links to the inspector: the test shows nothing")
    }

    /// Stage 08's ramp (seed 42, as the dashboard runs it): each write invalidates cache at
    /// once and cache-eu `dc_latency` later, so a second's two counts are the same writes
    /// over windows 80 ms apart and differ either way by chance (463/s and 475/s at 17 s);
    /// in all, cache-eu has had exactly the near cache's invalidations but those in flight.
    @Test func theFarCacheCountsTheNearCachesInvalidationsOnArrival() throws {
        let loaded = try Fixtures.preset("08")
        var engine = Engine(spec: loaded.spec, seed: 42, keyTrace: loaded.keyTrace)
        let far = try #require(loaded.spec.nodes.firstIndex { $0.id == "cache-eu" })
        var near = 0.0, arrived = 0.0
        for second in 1...30 {
            engine.run(until: SimTime(second) * Nanos.perSecond)
            let links = engine.linkSnapshot
            let rate = { (to: String) in links.first { $0.from == "db" && $0.to == to && $0.kind == .invalidation }?.rate }
            near += try #require(rate("cache"))
            arrived += try #require(rate("cache-eu"))
            let inFlight = try #require(engine.remoteWrites(toCache: far)).inFlight
            #expect(arrived + Double(inFlight) == near, "at \(second) s: \(arrived) arrived, \(inFlight) in flight, \(near) sent")
        }
    }

    @Test func inspectorLinksAlwaysShowAndSayWhatTheyLeftOut() async throws {
        let snapshot = try await Fixtures.snapshot("05", seconds: 3)
        let db = try #require(snapshot.nodes.first { $0.id == "db" })
        let total = snapshot.links.count { $0.to == "db" || $0.from == "db" }
        #expect(total > 2)
        let lines = InspectorView.linkLines(of: db, in: snapshot, rows: 2, unicode: true)
        #expect(lines.count == 2)
        #expect(lines.contains { $0.text.hasSuffix("more") })
        // At 80x24 with the inspector open, db's links still show.
        var state = try await Fixtures.state("05", width: 80, height: 24, seconds: 3)
        state.selection = "db"
        _ = state.reduce(.keyPressed(.enter))
        #expect(DashboardView.render(state).text.contains("links in"))
    }

    // MARK: Event log

    @Test func spareRowsGoToTheEventLog() async throws {
        let state = try await Fixtures.state("00", width: 160, height: 70)
        let layout = state.screenLayout
        let free = ScreenLayout(width: 160, height: 70, inspectorOpen: false).topology.height
        let needed = TopologyLayout.neededHeight(try #require(state.snapshot), width: layout.topology.width, height: free)
        #expect(layout.log.height > ScreenLayout.minimumLogRows(height: 70))
        #expect(layout.topology.height == needed + 1)
        #expect(layout.topology.height + layout.log.height + 3 == 70)
    }

    @Test func eventLogScrollsBackAndForward() async throws {
        var state = try await Fixtures.state("00", width: 80, height: 24)
        for k in 0..<40 { state.log("entry \(k)") }
        let lines = { (state: DashboardState) in DashboardView.render(state).text.split(separator: "\n").map(String.init) }
        #expect(!lines(state).contains { $0.hasSuffix("entry \(39 - state.logRows)") })
        #expect(lines(state).contains { $0.hasSuffix("entry \(40 - state.logRows)") })
        _ = state.reduce(.keyPressed(.character("{")))
        #expect(state.logScroll > 0)
        let back = DashboardView.render(state).text
        #expect(back.contains("newer below"))
        #expect(
            lines(state).contains { $0.hasSuffix("entry \(40 - state.logScroll - state.logRows)") },
            "the oldest row shown moved back")
        #expect(!back.contains("entry 39"))
        // New entries keep a scrolled log on what is being read.
        let scroll = state.logScroll
        state.log("entry 40")
        #expect(state.logScroll == scroll + 1)
        for _ in 0..<100 { _ = state.reduce(.keyPressed(.character("{"))) }
        #expect(state.logScroll == state.shownLog.count - 1)
        for _ in 0..<100 { _ = state.reduce(.keyPressed(.character("}"))) }
        #expect(state.logScroll == 0)
        #expect(DashboardView.render(state).text.contains("entry 40"))
    }

    @Test func eventLogFiltersToTheSelectedNode() async throws {
        var state = try await Fixtures.state("03", width: 120, height: 40)
        state.log("add server app")
        state.log("autoscaler: app-eu 2 -> 3 servers")
        state.log("lb saturated")
        _ = state.reduce(.keyPressed(.character("/")))
        #expect(state.logFollowsSelection)
        #expect(state.shownLog.count == state.log.count, "no selection: every entry")
        state.selection = "app"
        #expect(state.shownLog.map(\.text).suffix(1) == ["add server app"])
        #expect(state.shownLog.allSatisfy { $0.mentions("app") })
        let screen = DashboardView.render(state)
        #expect(screen.text.contains("events: only app"))
        #expect(!screen.text.contains("lb saturated"))
        _ = state.reduce(.keyPressed(.character("/")))
        #expect(state.shownLog.count == state.log.count)
    }

    @Test func logKeysAreInTheKeyMapOnce() {
        for action in [KeyAction.scrollLogBack, .scrollLogForward, .toggleLogFilter] {
            let binding = KeyMap.standard.binding(for: action)
            #expect(binding != nil)
            for key in binding?.keys ?? [] { #expect(KeyMap.standard.bindings.filter { $0.keys.contains(key) }.count == 1) }
        }
    }
}
