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
        node.showsPoolSize ? "\(node.id) x\(node.servers)" : node.id
    }

    /// One node's box: its load (the mean, and the hottest member's beside it when that
    /// stands out), then throughput and the figures that matter for its kind; one line
    /// when `compact`. What each line keeps when short of room is `NodeSnapshot`'s choice.
    static func drawBox(
        _ node: NodeSnapshot, at rect: Rect, compact: Bool, selected: Bool, glyphs: Glyphs, into buffer: inout ScreenBuffer
    ) {
        let tone = node.healthTone
        let inflow = "\(String(glyphs.arrow)) \(Format.rate(node.arrivalRate))"
        buffer.write(inflow, x: rect.x + 1, y: rect.y - 1, style: Style(.dim))
        let titleStyle = Style(tone, bold: true, reverse: selected)
        func style(_ role: BoxText.Role) -> Style {
            switch role {
            case .title: titleStyle
            case .load: Style(tone)
            case .status: Style(.down)
            case .figure: .normal
            }
        }
        if compact {
            let pieces = node.compactLine(width: rect.width, ellipsis: String(glyphs.ellipsis))
            var x = rect.x
            for (i, piece) in pieces.enumerated() {
                // The space between two parts of the title takes the title's style, as a whole name would.
                let joined = i > 0 && piece.role == .title && pieces[i - 1].role == .title
                if i > 0 { x = buffer.write(" ", x: x, y: rect.y, style: joined ? titleStyle : .normal, clip: rect) }
                x = buffer.write(piece.text, x: x, y: rect.y, style: style(piece.role), clip: rect)
            }
            return
        }
        buffer.frame(rect, title: title(node), style: Style(tone), titleStyle: titleStyle, glyphs: glyphs)
        let inner = rect.inset(by: 1)
        guard inner.width > 0 else { return }
        drawLoad(node, tone: tone, in: inner, glyphs: glyphs, into: &buffer)
        var x = inner.x
        for (i, piece) in node.detailsLine(width: inner.width).enumerated() {
            x = buffer.write((i == 0 ? "" : " ") + piece.text, x: x, y: inner.y + 1, style: style(piece.role), clip: inner)
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
