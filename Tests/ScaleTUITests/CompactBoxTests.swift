@testable import ScaleSim
import Testing
@testable import ScaleTUI

/// One-line boxes keep their kind's lesson figure, and spare rows go to a taller form or
/// the link strip, on every shipped preset with data centers at the common terminal sizes.
@Suite struct CompactBoxTests {
    /// A pool of `servers` of `kind` with every figure a box can show: sessions lost,
    /// warming servers and requests turned away as well as the kind's own.
    static func node(_ id: String, _ kind: NodeKind, servers: Int = 16) -> NodeSnapshot {
        let window = NodeWindow(
            end: 0, arrivals: 185_000, completions: 185_000, dropped: 0, timedOut: 0, failed: 0, rejected: 1_200,
            staleReads: 0, hitRatio: 0.5, replicationLag: 80e6, consumerLag: nil, utilization: 0.43, meanQueueLength: 0,
            queueLength: 1_234, meanLatency: nil, p50: nil, p95: nil, p99: 9_700_000)
        let spec = NodeSpec(id: id, kind: kind, servers: servers, service: .exponential(mean: Nanos.perMillisecond))
        return NodeSnapshot(
            spec: spec, servers: servers, downServers: 0, warmingServers: 4, workers: 8, size: 0, slowFactor: 1,
            cacheEntries: nil, window: window, bottleneck: false, history: [], sessionsLost: 1_900)
    }

    /// The one-line box as drawn in `width` columns.
    static func drawnCompact(_ node: NodeSnapshot, width: Int) -> String {
        var buffer = ScreenBuffer(width: width + 4, height: 3)
        TopologyView.drawBox(
            node, at: Rect(x: 1, y: 1, width: width, height: 1), compact: true, selected: false, glyphs: .unicode,
            into: &buffer)
        return buffer.line(1)
    }

    @Test(arguments: NodeKind.allCases)
    func aOneLineBoxKeepsItsLessonFigureWheneverItFits(kind: NodeKind) throws {
        let node = Self.node("cache-eu", kind)
        let lesson = node.keyFigure
        #expect((lesson == nil) == (kind == .lb))
        for width in 12...40 {
            let line = Self.drawnCompact(node, width: width)
            let drawn = line.dropFirst().prefix(width)
            #expect(line.trimmingCharacters(in: .whitespaces) == drawn.trimmingCharacters(in: .whitespaces))
            #expect(drawn.hasPrefix(node.id), "\(kind) at \(width): \(drawn)")
            if let lesson, node.id.count + 1 + lesson.count <= width {
                #expect(drawn.contains(lesson), "\(kind) at \(width) columns drops \(lesson): \(drawn)")
            }
            // What is drawn is whole pieces, one space apart, and fills the columns it can.
            let pieces = node.compactLine(width: width)
            #expect(drawn.trimmingCharacters(in: .whitespaces) == pieces.map(\.text).joined(separator: " "))
        }
    }

    @Test func aNameTooLongForTheBoxEndsInAnEllipsis() {
        let node = Self.node("replicas-far-away-eu", .replica)
        let pieces = node.compactLine(width: 12)
        #expect(pieces.map(\.text) == ["replicas-fa…"])
        #expect(Self.drawnCompact(node, width: 12).contains("replicas-fa…"))
    }

    /// A full box's title at every box width: whole when it fits in the top edge (after the
    /// corner and a space), else cut to end in the ellipsis, in both glyph sets.
    @Test(arguments: [true, false])
    func aFullBoxTitleTooLongForItsBoxEndsInAnEllipsis(unicode: Bool) {
        let glyphs = Glyphs.forUnicode(unicode)
        let ellipsis = Character(glyphs.ellipsis)
        for id in ["db", "cache-eu", "sessions-eu", "db-replica-eu", "replicas-far-away-eu"] {
            for node in [Self.node(id, .cache, servers: 1), Self.node(id, .replica, servers: 2)] {
                let title = TopologyView.title(node)
                for width in 5...(title.count + 6) {
                    var buffer = ScreenBuffer(width: width + 2, height: 6)
                    TopologyView.drawBox(
                        node, at: Rect(x: 1, y: 1, width: width, height: TopologyLayout.fullBoxHeight), compact: false,
                        selected: false, glyphs: glyphs, into: &buffer)
                    let edge = String(buffer.line(1).unicodeScalars.dropFirst(3).prefix(width - 3))
                    var shown = Substring(edge)
                    while let last = shown.last, last == " " || last == Character(glyphs.horizontal) { shown.removeLast() }
                    if title.count <= width - 3 {
                        #expect(shown == title, "\(title) at \(width): \(edge)")
                    } else {
                        #expect(shown.count == width - 3 && shown.last == ellipsis, "\(title) at \(width): \(edge)")
                        #expect(title.hasPrefix(shown.dropLast()), "\(title) at \(width): \(edge)")
                    }
                }
            }
        }
    }

    @Test(arguments: NodeKind.allCases.filter { $0 != .lb })
    func aFullBoxKeepsItsLessonFigureBeforeTheRate(kind: NodeKind) throws {
        let node = Self.node("cache-eu", kind)
        let lesson = try #require(node.keyFigure)
        for width in lesson.count...30 {
            #expect(node.detailsLine(width: width).map(\.text).contains(lesson), "\(kind) at \(width)")
        }
    }

    /// The text inside `id`'s box on the screen, scrolled into view.
    static func boxText(_ id: String, in state: DashboardState) throws -> String {
        var state = state
        let snapshot = try #require(state.snapshot)
        state.topologyScroll = state.topologyLayout(snapshot, keepVisible: id).scroll
        let rect = try #require(state.topologyLayout(snapshot).box(id)).rect
        let screen = DashboardView.render(state)
        return (rect.y..<rect.maxY).map { y in
            String(screen.line(y).unicodeScalars.dropFirst(rect.x).prefix(rect.width))
        }.joined(separator: "\n")
    }

    static let sizes = [(80, 24), (100, 30), (120, 40), (160, 48), (200, 50)]

    @Test(arguments: ["08", "09", "million-users", "partition", "ten-million-users", "twenty-million-users", "03", "05"])
    func everyCacheAndReplicaPoolShowsItsLessonAtEverySize(preset: String) async throws {
        let loaded = try Fixtures.preset(preset)
        let snapshot = try await Fixtures.snapshot(preset, seconds: 5)
        for (width, height) in Self.sizes {
            var state = DashboardState(preset: PresetInfo(loaded), width: width, height: height)
            _ = state.reduce(.snapshotArrived(snapshot))
            let layout = state.topologyLayout(snapshot)
            #expect(layout.boxes.map(\.id).sorted() == snapshot.nodes.map(\.id).sorted())
            for (i, a) in layout.boxes.enumerated() {
                #expect(a.rect.x >= layout.area.x && a.rect.maxX <= layout.area.maxX, "\(preset) \(a.id) at \(width)x\(height)")
                for b in layout.boxes[(i + 1)...] {
                    let overlap =
                        a.rect.x < b.rect.maxX && b.rect.x < a.rect.maxX && a.rect.y < b.rect.maxY && b.rect.y < a.rect.maxY
                    #expect(!overlap, "\(preset): \(a.id) and \(b.id) overlap at \(width)x\(height)")
                }
            }
            if let strip = layout.linkStrip {
                let content = layout.boxes.map(\.rect.maxY).max() ?? 0
                #expect(strip.y >= content, "\(preset): the link strip overlaps the boxes at \(width)x\(height)")
            }
            for node in snapshot.nodes where [.cache, .cdn, .replica].contains(node.kind) {
                guard let lesson = node.keyFigure else { continue }
                let text = try Self.boxText(node.id, in: state)
                #expect(text.contains(lesson), "\(preset) at \(width)x\(height): \(node.id) lacks \(lesson):\n\(text)")
            }
            if layout.compact {
                try Self.expectLoneBoxesShowTheirWholeLine(layout, snapshot, state, "\(preset) at \(width)x\(height)")
            }
        }
    }

    /// A one-line box alone in its row of its frame grows to show its whole line, the pool
    /// size among it, when the frame is wide enough: what `a` or `r` changed stays in sight.
    static func expectLoneBoxesShowTheirWholeLine(
        _ layout: TopologyLayout, _ snapshot: SimulationSnapshot, _ state: DashboardState, _ context: String
    ) throws {
        for box in layout.boxes {
            guard let node = snapshot.nodes.first(where: { $0.id == box.id }),
                let frame = layout.groups.first(where: { $0.rect.contains(x: box.rect.x, y: box.rect.y) })
            else { continue }
            let alone = !layout.boxes.contains {
                $0.id != box.id && $0.rect.y == box.rect.y && frame.rect.contains(x: $0.rect.x, y: $0.rect.y)
            }
            guard alone, node.compactLineWidth <= frame.rect.width - 2 else { continue }
            let text = try boxText(node.id, in: state)
            #expect(box.rect.width >= node.compactLineWidth, "\(context): \(node.id) is cut: \(text)")
            if node.showsPoolSize { #expect(text.contains("x\(node.servers)"), "\(context): \(node.id) lacks its size: \(text)") }
        }
    }

    @Test func tenMillionUsersAt120x40StacksItsDataCentersAndListsItsLinks() async throws {
        let state = try await Fixtures.state("ten-million-users", width: 120, height: 40, seconds: 3)
        let screen = DashboardView.render(state)
        ScreenSnapshot.assertMatches(screen, named: "ten-million-users-120x40")
        let snapshot = try #require(state.snapshot)
        for id in ["cache-us", "cache-eu"] { #expect(try Self.boxText(id, in: state).contains("hit")) }
        for id in ["replicas-us", "replicas-eu"] { #expect(try Self.boxText(id, in: state).contains("lag")) }
        let layout = state.topologyLayout(snapshot)
        #expect(layout.linkStrip != nil)
        #expect(screen.text.contains("db ⇢ cache-eu"))
        #expect(layout.contentHeight <= layout.area.height, "the topology scrolls")
    }
}
