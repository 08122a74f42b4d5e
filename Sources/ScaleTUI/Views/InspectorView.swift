import ScaleSim

/// The selected node's figures, and sparklines of the last minutes.
enum InspectorView {
    /// The node's cost per month at the rate of now and its share of the system's:
    /// `$1.8k/month, 87% of $2.1k`.
    static func costLine(_ node: NodeSnapshot, total: Double) -> String {
        Format.perMonth(node.costPerMonth)
            + (total > 0 ? ", \(Format.percent(node.costPerMonth / total)) of \(Format.money(total))" : "")
    }

    static func draw(_ state: DashboardState, in rect: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        buffer.fill(rect)
        guard let node = state.selectedNode else {
            buffer.frame(rect, title: "inspector", style: Style(.dim), glyphs: glyphs)
            buffer.write(
                "Tab or the arrows select a node", x: rect.x + 2, y: rect.y + 2, style: Style(.dim), clip: rect.inset(by: 1))
            return
        }
        let tone = node.healthTone
        let regionSection = Self.regionTable(state, node: node)
        buffer.frame(
            rect, title: "\(node.id) (\(node.kindTag))", style: Style(tone), titleStyle: Style(tone, bold: true), glyphs: glyphs)
        let inner = drawLinks(of: node, state, in: rect.inset(by: 1), into: &buffer)
        var y = inner.y
        // A value too long for the panel goes on under itself, at spaces, never cut.
        func line(_ label: String, _ value: String, _ style: Style = .normal) {
            for (i, part) in Format.wrap(value, width: max(1, inner.width - 13)).enumerated() where y < inner.maxY {
                let x = buffer.write(
                    (i == 0 ? label : "").padding(toLength: 12, withPad: " ", startingAt: 0),
                    x: inner.x + 1, y: y, style: Style(.dim), clip: inner)
                buffer.write(part, x: x, y: y, style: style, clip: inner)
                y += 1
            }
        }
        let w = node.window
        let health: String =
            node.isDown
            ? "DOWN"
            : node.bottleneck
                ? "BOTTLENECK"
                : tone == .bottleneck ? "hot \(node.memberNoun)" : tone == .warm ? "warm" : "healthy"
        line("state", health, Style(tone, bold: true))
        line(
            "servers",
            "\(node.servers) x \(node.workers) workers, size \(node.size)"
                + (node.downServers > 0 ? ", \(node.downServers) down" : "")
                + (node.warmingServers > 0 ? ", \(node.warmingServers) warming" : ""))
        line("cost", costLine(node, total: state.snapshot?.costPerMonth ?? 0))
        line("throughput", "\(Format.rate(Double(w?.completions ?? 0))) of \(Format.rate(node.arrivalRate)) in")
        line(
            "utilization",
            w == nil
                ? "-"
                : Format.percent(node.servingUtilization)
                    + (node.warmingServers > 0 || node.downServers > 0 ? " of the servers taking traffic" : ""))
        line("latency", "p50 \(w?.p50.map(Format.duration) ?? "-")  p99 \(w?.p99.map(Format.duration) ?? "-")")
        line(
            "queue",
            "\(w?.queueLength ?? 0) waiting" + ((w?.dropped ?? 0) > 0 ? ", \(Format.rate(Double(w?.dropped ?? 0))) dropped" : ""))
        if let lost = w.map({ $0.timedOut + $0.failed }), lost > 0 {
            line("failing", "\(Format.rate(Double(lost))) timed out or failed", Style(.bottleneck))
        }
        if let settings = node.rateLimitSettings { line("rate limit", settings) }
        for breaker in Self.breakerLines(of: node, in: state.snapshot) { line(breaker.label, breaker.value, breaker.style) }
        // Its own outcome, not part of `failing`: the limiter turned these away on purpose.
        if let rejected = w?.rejected, rejected > 0 {
            line("rejected", "\(Format.rate(Double(rejected))) by the rate limit", Style(.bottleneck))
        }
        drawMembers(node, tone: tone, in: inner, y: &y, glyphs: glyphs, into: &buffer)
        if let cache = node.spec.cache {
            line(
                "cache",
                "\(Format.count(node.cacheEntries ?? 0))/\(Format.count(cache.entries)) \(cache.eviction.rawValue)"
                    + " ttl \(cache.ttl.map(Format.duration) ?? "none")")
        }
        if node.spec.cache?.coalesce == true {
            line("coalescing", "on, \(Format.rate(Double(w?.coalesced ?? 0))) waited")
        }
        if let figure = node.keyFigureParts, [.cache, .cdn, .replica].contains(node.kind) {
            line(node.kind == .replica ? "replica lag" : "hit ratio", figure.value)
        }
        if node.sessionsLost > 0 {
            line(
                "logged out", "\(Format.grouped(node.sessionsLost)) users, \(Format.grouped(node.sessionsLostLastWindow))/s",
                Style(.warm))
        }
        if node.sessionsDropped > 0 {
            line("dropped", "\(Format.grouped(node.sessionsDropped)) live sessions with servers", Style(.warm))
        }
        if node.slowFactor != 1 { line("slowed", "\(node.slowFactor)x", Style(.warm)) }
        for (label, value) in partitionLines(node, in: state.snapshot) { line(label, value, Style(.down, bold: true)) }
        if let stale = w?.staleReads, stale > 0 { line("stale reads", Format.rate(Double(stale)), Style(.warm)) }
        if let writes = node.remoteWrites {
            // Why a far cache reads stale: its invalidations cross the ocean too.
            let inFlight = Format.count(writes.inFlight)
            line("writes in", "\(inFlight) in flight, \(Format.duration(writes.delay)) from \(writes.primary)")
        }
        if let autoscale = node.spec.autoscale {
            line("autoscale", "target \(Format.percent(autoscale.target)), \(autoscale.min)-\(autoscale.max)")
        }
        Self.drawRegions(regionSection, in: inner, y: &y, into: &buffer)
        y += 1
        let history = node.history
        let sparkWidth = max(0, inner.width - 14)
        // The whole history in the width: each column is `perColumn` seconds (the mean, or
        // the worst for p99), so the sparklines always span what the label says.
        let perColumn = max(1, (history.count + sparkWidth - 1) / max(1, sparkWidth))
        func spark(_ label: String, _ values: [Double?], worst: Bool = false, maximum: Double? = nil, style: Style) {
            guard y < inner.maxY else { return }
            buffer.write(label, x: inner.x + 1, y: y, style: Style(.dim), clip: inner)
            let columns = Format.columns(values, perColumn: perColumn, worst: worst)
            buffer.sparkline(columns, x: inner.x + 13, y: y, width: sparkWidth, maximum: maximum, style: style, glyphs: glyphs)
            y += 1
        }
        spark("req/s", history.map { Double($0.completions) }, style: Style(.accent))
        spark("p99", history.map { $0.p99.map(Double.init) }, worst: true, style: Style(.warm))
        spark("utilization", history.map { $0.utilization }, maximum: 1, style: Style(tone))
        if node.kind == .cache || node.kind == .cdn {
            spark("hit ratio", history.map(\.hitRatio), maximum: 1, style: Style(.healthy))
        }
        if y < inner.maxY, !history.isEmpty {
            let span = Format.duration(SimTime(history.count) * Nanos.perSecond)
            buffer.write(
                "last \(span)" + (perColumn > 1 ? ", \(perColumn) s a column" : ""), x: inner.x + 13, y: y, style: Style(.dim),
                clip: inner)
        }
    }
}
