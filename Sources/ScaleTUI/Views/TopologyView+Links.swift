import ScaleSim

/// Links between nodes as labelled arrows: the strip under the topology's frames, and the
/// wording the inspector shares.
extension TopologyView {
    /// The arrow for `link`: requests within a data center, between data centers, or a
    /// data-tier stream (replication, invalidation, write-through).
    static func arrow(_ link: LinkSnapshot, crossing: Bool, unicode: Bool) -> String {
        switch (link.kind, crossing) {
        case (.requests, false): unicode ? "→" : "->"
        case (.requests, true): unicode ? "⇒" : "=>"
        default: unicode ? "⇢" : "~>"
        }
    }

    /// What a link carries and how far: `50k/s 1ms`, `1.2k/s 80ms writes 400/s`,
    /// `120/s repl 80ms`.
    static func flow(_ link: LinkSnapshot, crossing: Bool) -> [String] {
        var words = [Format.rate(link.rate)]
        switch link.kind {
        case .requests: break
        case .replication: words.append("repl")
        case .invalidation: words.append("inval")
        case .writeThrough: words.append("update")
        }
        if let latency = link.latency, latency > 0 { words.append(Format.duration(latency)) }
        if crossing, link.kind == .requests, link.writes > 0 { words.append("writes \(Format.rate(link.writes))") }
        return words
    }

    /// The style of a link's label: dim when idle, warm across data centers, accent for
    /// data-tier streams.
    static func linkStyle(_ link: LinkSnapshot, crossing: Bool) -> Style {
        if link.rate == 0 { return Style(.dim) }
        if crossing { return Style(.warm, bold: true) }
        return link.kind == .requests ? .normal : Style(.accent)
    }

    /// Draws the strip of labelled links under the frames, when the layout has room for it.
    static func drawLinks(
        _ snapshot: SimulationSnapshot, _ layout: TopologyLayout, unicode: Bool, glyphs: Glyphs, into buffer: inout ScreenBuffer
    ) {
        guard let strip = layout.linkStrip else { return }
        for x in strip.x..<strip.maxX { buffer.put(glyphs.horizontal, x: x, y: strip.y, style: Style(.dim)) }
        buffer.write(
            " links: rate and one-way latency, last second ", x: strip.x + 2, y: strip.y, style: Style(.title, bold: true))
        let links = TopologyLayout.stripLinks(snapshot)
        let columns = TopologyLayout.linkColumns(width: strip.width)
        let cells = (strip.height - 1) * columns
        for (k, link) in links.prefix(cells).enumerated() {
            let start = strip.x + 1 + (k % columns) * TopologyLayout.linkCellWidth
            let cell = Rect(
                x: start, y: strip.y + 1 + k / columns, width: min(TopologyLayout.linkCellWidth - 1, strip.maxX - start),
                height: 1)
            if k == cells - 1 && links.count > cells {
                buffer.write(
                    "+\(links.count - cells + 1) more in the inspector", x: cell.x, y: cell.y, style: Style(.dim), clip: cell)
                break
            }
            let crossing = TopologyLayout.crossesDataCenters(link, in: snapshot)
            let cut = isCut(link, in: snapshot)
            let style = cut ? Style(.down, bold: true) : linkStyle(link, crossing: crossing)
            let arrow = cut ? cutArrow(unicode: unicode) : arrow(link, crossing: crossing, unicode: unicode)
            var x = buffer.writeWhole(
                "\(link.from ?? "users") \(arrow) \(link.to)", x: cell.x, y: cell.y, limit: cell.maxX, style: style)
            for word in (cut ? ["CUT"] : []) + flow(link, crossing: crossing) {
                x = buffer.writeWhole(" " + word, x: x, y: cell.y, limit: cell.maxX, style: style)
            }
            if let mark = breakerMark(link, in: snapshot) {
                buffer.writeWhole(" " + mark.text, x: x, y: cell.y, limit: cell.maxX, style: mark.style)
            }
        }
    }
}
