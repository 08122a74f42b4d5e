import ScaleSim

extension InspectorView {
    /// The spread behind a pool's mean: its hottest server (or shard) named, the members
    /// sorted by load as bars (hottest on the left, one column each, or the worst of a group
    /// where they outnumber the columns), the idle ones and those taking no traffic.
    static func drawMembers(
        _ node: NodeSnapshot, tone: Tone, in inner: Rect, y: inout Int, glyphs: Glyphs, into buffer: inout ScreenBuffer
    ) {
        guard node.members.count > 1, node.window != nil else { return }
        let noun = node.memberNoun
        let serving = node.members.filter(\.takesTraffic)
        func line(_ label: String, _ value: String, _ style: Style = .normal) {
            for (i, part) in Format.wrap(value, width: max(1, inner.width - 13)).enumerated() where y < inner.maxY {
                let x = buffer.write(
                    (i == 0 ? label : "").padding(toLength: 12, withPad: " ", startingAt: 0),
                    x: inner.x + 1, y: y, style: Style(.dim), clip: inner)
                buffer.write(part, x: x, y: y, style: style, clip: inner)
                y += 1
            }
        }
        if let hottest = node.hottestMember {
            let hot = hottest.load >= NodeSnapshot.warmUtilization
            line(
                "hottest", "\(node.memberName(hottest)) \(Format.percent(hottest.load))\(hottest.isOverloaded ? " offered" : "")",
                hot ? Style(tone, bold: true) : .normal)
        }
        let idle = serving.count { $0.load < 0.05 }
        if idle > 0, node.showsSpread {
            line("idle", "\(idle) of \(serving.count) \(noun)s under 5%", Style(.dim))
        }
        let sorted = serving.map(\.load).sorted(by: >)
        let width = max(0, inner.width - 14)
        if y < inner.maxY, width > 0, !sorted.isEmpty {
            buffer.write("by load", x: inner.x + 1, y: y, style: Style(.dim), clip: inner)
            let perColumn = max(1, (sorted.count + width - 1) / width)
            // Grouped from the hottest, so the first column always holds the hottest member.
            let columns = stride(from: 0, to: sorted.count, by: perColumn).map { sorted[$0] as Double? }
            buffer.sparkline(
                columns, x: inner.x + 13, y: y, width: min(width, columns.count),
                maximum: max(1, sorted[0]), style: Style(tone), glyphs: glyphs)
            y += 1
        }
        let down = node.members.count(where: \.down)
        let warming = node.members.count { $0.warming && !$0.down }
        if down + warming > 0 {
            line(
                "no traffic",
                [down > 0 ? "\(down) down" : nil, warming > 0 ? "\(warming) warming up" : nil]
                    .compactMap { $0 }.joined(separator: ", "), Style(.warm))
        }
    }
}
