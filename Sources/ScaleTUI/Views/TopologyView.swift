import ScaleSim

/// Every node as a box inside its data center's frame, with the request rate flowing in.
enum TopologyView {
    /// Draws the topology and returns its layout (the caller marks what is scrolled off).
    @discardableResult
    static func draw(_ state: DashboardState, in area: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) -> TopologyLayout? {
        guard let snapshot = state.snapshot else {
            buffer.write(
                "waiting for the first simulated second...", x: area.x + 2, y: area.y + 1, style: Style(.dim), clip: area)
            return nil
        }
        let layout = TopologyLayout.make(snapshot, in: area, scroll: state.topologyScroll)
        let nodes = Dictionary(snapshot.nodes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var clipped = buffer
        clipped.fill(area)
        for group in layout.groups {
            let tone: Tone = group.down ? .down : .dim
            clipped.frame(
                group.rect, title: group.title, style: Style(tone), titleStyle: Style(group.down ? .down : .title, bold: true),
                glyphs: glyphs)
        }
        for box in layout.boxes {
            guard let node = nodes[box.id] else { continue }
            drawBox(
                node, at: box.rect, compact: layout.compact, selected: state.selection == node.id, glyphs: glyphs, into: &clipped)
        }
        drawLinks(snapshot, layout, unicode: state.unicode, glyphs: glyphs, into: &clipped)
        // Frames and boxes may extend past the area when scrolled: copy only the area back.
        for y in max(0, area.y)..<min(buffer.height, area.maxY) {
            for x in max(0, area.x)..<min(buffer.width, area.maxX) {
                let cell = clipped[x, y]
                buffer.put(cell.scalar, x: x, y: y, style: cell.style)
            }
        }
        return layout
    }

    /// Says on the rule below the topology that part of it is scrolled off.
    static func markScrolling(_ layout: TopologyLayout, onRow row: Int, into buffer: inout ScreenBuffer) {
        var marks: [String] = []
        if layout.scroll > 0 { marks.append("PgUp: more above") }
        if layout.contentHeight - layout.scroll > layout.area.height { marks.append("PgDn: more below") }
        guard !marks.isEmpty else { return }
        let text = " " + marks.joined(separator: ", ") + " "
        buffer.write(text, x: layout.area.maxX - text.count - 2, y: row, style: Style(.warm))
    }

    static func title(_ node: NodeSnapshot) -> String {
        node.servers > 1 || node.kind == .app || node.kind == .replica ? "\(node.id) x\(node.servers)" : node.id
    }

    /// One node's box: its load (the mean, and the hottest member's beside it when that
    /// stands out), then throughput and the figures that matter for its kind; one line
    /// when `compact`.
    static func drawBox(
        _ node: NodeSnapshot, at rect: Rect, compact: Bool, selected: Bool, glyphs: Glyphs, into buffer: inout ScreenBuffer
    ) {
        let tone = node.healthTone
        let inflow = "\(String(glyphs.arrow)) \(Format.rate(node.arrivalRate))"
        buffer.write(inflow, x: rect.x + 1, y: rect.y - 1, style: Style(.dim))
        let titleStyle = Style(tone, bold: true, reverse: selected)
        let status = node.isDown ? "DOWN" : node.downServers > 0 ? "\(node.downServers) down" : nil
        let rate = Format.rate(Double(node.window?.completions ?? 0))
        // What explains the load comes before the kind's figure: lost sessions, warming servers,
        // requests the rate limiter turns away.
        var figures: [String] = []
        if let sessions = node.sessionsFigure { figures.append(sessions) }
        if node.warmingServers > 0 { figures.append("+\(node.warmingServers) warming") }
        if let rejected = node.window?.rejected, rejected > 0 { figures.append("rej \(Format.rate(Double(rejected)))") }
        if let figure = node.keyFigure { figures.append(figure) }
        if let limit = node.rateLimitFigure { figures.append(limit) }
        if compact {
            // The inflow label above already gives the rate: the kind's own figure comes first.
            var x = buffer.write(title(node), x: rect.x, y: rect.y, style: titleStyle, clip: rect)
            // A shorter load leaves room for the sessions lost, the lesson of a sticky pool.
            let reserved = node.sessionsFigure.map { $0.count + 1 } ?? 0
            let texts = node.loadTexts
            if let load = texts.first(where: { x + 1 + $0.count + reserved <= rect.maxX }) ?? texts.last {
                x = buffer.writeWhole(" " + load, x: x, y: rect.y, limit: rect.maxX, style: Style(tone))
            }
            for (i, detail) in ((status.map { [$0] } ?? []) + figures + [rate]).enumerated() {
                x = buffer.writeWhole(
                    " " + detail, x: x, y: rect.y, limit: rect.maxX,
                    style: Style(status != nil && i == 0 ? .down : .normal))
            }
            return
        }
        buffer.frame(rect, title: title(node), style: Style(tone), titleStyle: titleStyle, glyphs: glyphs)
        let inner = rect.inset(by: 1)
        guard inner.width > 0 else { return }
        drawLoad(node, tone: tone, in: inner, glyphs: glyphs, into: &buffer)
        var x = inner.x
        for (i, detail) in ([status ?? rate] + figures).enumerated() {
            x = buffer.writeWhole(
                (i == 0 ? "" : " ") + detail, x: x, y: inner.y + 1, limit: inner.maxX,
                style: Style(status != nil && i == 0 ? .down : .normal))
        }
    }

    /// A box's first row: the kind and a utilization bar, or, when a member stands out, the
    /// mean beside the hottest member's load (`avg 19% max 112% offered`).
    static func drawLoad(_ node: NodeSnapshot, tone: Tone, in inner: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        let utilization = node.servingUtilization
        if node.showsSpread {
            let texts = node.loadTexts
            let tagged = node.kindTag + " " + texts[0]
            let text = tagged.count <= inner.width ? tagged : texts.first { $0.count <= inner.width } ?? texts[texts.count - 1]
            buffer.write(text, x: inner.x, y: inner.y, style: Style(tone, bold: true), clip: inner)
            return
        }
        var x = buffer.write(node.kindTag + " ", x: inner.x, y: inner.y, style: Style(.dim), clip: inner)
        let percent = Format.percent(utilization)
        let barWidth = max(0, inner.maxX - x - percent.count - 1)
        buffer.bar(ratio: utilization, x: x, y: inner.y, width: barWidth, style: Style(tone), glyphs: glyphs)
        x += barWidth
        buffer.write(" " + percent, x: x, y: inner.y, style: Style(tone, bold: true), clip: inner)
    }
}
