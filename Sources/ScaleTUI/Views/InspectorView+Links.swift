import ScaleSim

/// The selected node's incoming and outgoing links, at the foot of the inspector.
extension InspectorView {
    /// The lines listing `node`'s links: incoming first (`in`), then outgoing (`out`), each
    /// naming the node at the other end, the rate, the kind and the latency. With more
    /// links than `rows`, each direction keeps a share and says how many it left out.
    static func linkLines(of node: NodeSnapshot, in snapshot: SimulationSnapshot, rows: Int, unicode: Bool)
        -> [(label: String, text: String, style: Style)]
    {
        let incoming = snapshot.links.filter { $0.to == node.id }
        let outgoing = snapshot.links.filter { $0.from == node.id }
        guard rows > 0 else { return [] }
        if incoming.isEmpty && outgoing.isEmpty { return [("links", "none", Style(.dim))] }
        let inRows = outgoing.isEmpty ? rows : incoming.isEmpty ? 0 : min(incoming.count, max(1, rows / 2))
        let outRows = rows - inRows
        func lines(_ links: [LinkSnapshot], label: String, rows: Int, incoming: Bool) -> [(
            label: String, text: String, style: Style
        )] {
            guard rows > 0 else { return [] }
            var result: [(label: String, text: String, style: Style)] = []
            let shown = links.count > rows ? rows - 1 : links.count
            for (k, link) in links.prefix(shown).enumerated() {
                let crossing = TopologyLayout.crossesDataCenters(link, in: snapshot)
                let arrow = TopologyView.arrow(link, crossing: crossing, unicode: unicode)
                let end = incoming ? "\(link.from ?? "users") \(arrow)" : "\(arrow) \(link.to)"
                let mark = TopologyView.breakerMark(link, in: snapshot)
                let text = ([end] + TopologyView.flow(link, crossing: crossing) + [mark?.text].compactMap { $0 })
                    .joined(separator: " ")
                result.append((k == 0 ? label : "", text, mark?.style ?? TopologyView.linkStyle(link, crossing: crossing)))
            }
            if links.count > rows {
                result.append((shown == 0 ? label : "", "+\(links.count - shown) more", Style(.dim)))
            }
            return result
        }
        return lines(incoming, label: "links in", rows: inRows, incoming: true)
            + lines(outgoing, label: "links out", rows: outRows, incoming: false)
    }

    /// Draws `node`'s links in the bottom rows of `inner` (at most half of it, at least
    /// one row, so they always show) and returns the rows above them for the rest.
    static func drawLinks(of node: NodeSnapshot, _ state: DashboardState, in inner: Rect, into buffer: inout ScreenBuffer) -> Rect
    {
        guard let snapshot = state.snapshot, inner.height > 0 else { return inner }
        let wanted = snapshot.links.count { $0.to == node.id || $0.from == node.id }
        let rows = min(max(1, wanted), max(1, inner.height / 2))
        let lines = linkLines(of: node, in: snapshot, rows: rows, unicode: state.unicode)
        let (rest, area) = inner.splitBottom(lines.count)
        for (i, line) in lines.enumerated() {
            let y = area.y + i
            var x = buffer.write(
                line.label.padding(toLength: 12, withPad: " ", startingAt: 0), x: area.x + 1, y: y, style: Style(.dim), clip: area
            )
            // Word by word, whole or not at all: a rate is never shown cut.
            for (k, word) in line.text.split(separator: " ").enumerated() {
                x = buffer.writeWhole((k == 0 ? "" : " ") + word, x: x, y: y, limit: area.maxX, style: line.style)
            }
        }
        return rest
    }
}
