import ScaleSim

/// Row 0: what runs, how fast and how well, as fields that drop by priority to fit the width.
enum StatusBarView {
    static let plain = Style(.bar, reverse: true)

    /// Every field the bar would show with unlimited room, left to right.
    static func fields(_ state: DashboardState) -> [StatusField] {
        var fields = [
            StatusField("scaletop", Style(.bar, bold: true, reverse: true), priority: 9),
            StatusField(
                state.preset.name.prefix(20), wide: state.preset.name.description, Style(.bar, bold: true, reverse: true),
                priority: 1),
        ]
        guard let snapshot = state.snapshot else { return fields + [StatusField("starting", priority: 1)] }
        let system = snapshot.system
        let errorRate = system?.errorRate ?? 0
        fields += [
            StatusField(Format.clock(snapshot.time), priority: 1),
            speedField(snapshot),
        ]
        if let spread = spreadField(snapshot) { fields.append(spread) }
        if let hint = threadsHintField(snapshot) { fields.append(hint) }
        fields += [
            StatusField("\(Format.count(snapshot.users)) users", priority: 3),
            StatusField("\(Format.count(Double(system?.arrivals ?? 0))) req/s", priority: 3),
        ]
        if let shape = shapeField(snapshot) { fields.append(shape) }
        fields += [
            StatusField(
                "p50 \(system?.p50.map(Format.duration) ?? "-") p99 \(system?.p99.map(Format.duration) ?? "-")", priority: 4),
            StatusField(
                "err \(String(format: "%.1f%%", errorRate * 100))",
                errorRate > 0.01 ? Style(.bottleneck, bold: true, reverse: true) : plain, priority: 2),
        ]
        if let regions = regionsField(snapshot) { fields.append(regions) }
        if let sessions = sessionsLostField(snapshot) { fields.append(sessions) }
        if let attempts = attemptsField(snapshot) { fields.append(attempts) }
        if let replay = state.replay {
            let percent = replay.progress.map { " \($0.percent)%" } ?? ""
            fields.append(
                StatusField(
                    "REPLAY\(percent)\(replay.progress?.finished == true ? " END" : "")",
                    Style(.accent, bold: true, reverse: true), priority: 0))
        }
        if snapshot.paused { fields.append(StatusField("PAUSED", Style(.warm, bold: true, reverse: true), priority: 0)) }
        if let recording = state.recordingPath {
            let file = recording.split(separator: "/").last.map(String.init) ?? recording
            fields.append(
                StatusField(
                    "REC", wide: "REC \(file)", Style(.bottleneck, bold: true, reverse: true), priority: 2, widePriority: 8))
        }
        return fields
    }

    /// The speed asked for; when the engine cannot keep up, `BEHIND` and the speed reached.
    static func speedField(_ snapshot: SimulationSnapshot) -> StatusField {
        let asked = Format.speed(snapshot.speed)
        guard snapshot.behind else { return StatusField(asked, wide: "speed " + asked, priority: 6) }
        let behind = "BEHIND" + (snapshot.speedReached.map { " " + reachedSpeed($0) } ?? "")
        return StatusField(behind, wide: "speed \(asked) \(behind)", Style(.bottleneck, bold: true, reverse: true), priority: 0)
    }

    /// A partitioned run's partitions and the threads that run them; nothing for one engine.
    static func spreadField(_ snapshot: SimulationSnapshot) -> StatusField? {
        guard let spread = snapshot.spread else { return nil }
        return StatusField(
            "\(spread.partitions)p/\(spread.threads)t", wide: "\(spread.partitions) partitions on \(spread.threads) threads",
            priority: 7, widePriority: 8)
    }

    /// Beside `BEHIND` in one engine, the `--threads` that would spread the system over
    /// the machine's cores.
    static func threadsHintField(_ snapshot: SimulationSnapshot) -> StatusField? {
        guard let spread = snapshot.spreadAvailable else { return nil }
        return StatusField(
            "--threads \(spread.threads)",
            wide: "--threads \(spread.threads) runs its \(spread.partitions) partitions on \(spread.threads) cores",
            Style(.bottleneck, bold: true, reverse: true), priority: 2, widePriority: 6)
    }

    /// Each user region's p99 (and p50 when there is room) in one field, so the latency a
    /// region's users see shows beside the system's (the lesson of a CDN edge or a second
    /// data center), and the regions come and go together.
    static func regionsField(_ snapshot: SimulationSnapshot) -> StatusField? {
        guard snapshot.regions.count > 1 else { return nil }
        func figure(_ time: SimTime?) -> String { time.map(Format.duration) ?? "-" }
        let p99 = snapshot.regions.map { "\($0.name) \(figure($0.window?.p99))" }
        let both = snapshot.regions.map { "\($0.name) \(figure($0.window?.p50))/\(figure($0.window?.p99))" }
        return StatusField("p99 " + p99.joined(separator: " "), wide: "p50/p99 " + both.joined(separator: " "), priority: 7)
    }

    /// The cost per month at the rate of now (docs/cost.md), at the end of the bar. It
    /// shows only where every other field fits whole and roomy beside it: what the system
    /// does matters more than what it costs, and the cost never moves another field.
    static func costField(_ state: DashboardState, besides fields: [StatusField], width: Int) -> StatusField? {
        guard let snapshot = state.snapshot else { return nil }
        let field = StatusField("cost \(Format.money(snapshot.costPerMonth))/month", priority: 9)
        let used = (fields + [field]).reduce(0) { $0 + ($1.wide ?? $1.text).count + 2 }
        return used <= width ? field : nil
    }

    /// Users logged out in the last second because their sticky server went, with the run's
    /// total; shown only while it happens.
    static func sessionsLostField(_ snapshot: SimulationSnapshot) -> StatusField? {
        let lastSecond = snapshot.nodes.reduce(0) { $0 + $1.sessionsLostLastWindow }
        guard lastSecond > 0 else { return nil }
        let total = snapshot.nodes.reduce(0) { $0 + $1.sessionsLost }
        return StatusField(
            "sess lost \(Format.rate(Double(lastSecond)))",
            wide: "sessions lost \(Format.rate(Double(lastSecond))) (\(Format.count(total)) in all)",
            Style(.warm, bold: true, reverse: true), priority: 2, widePriority: 5)
    }

    /// A measured speed with two significant figures: `0.55x`, `3.2x`, `12x`.
    static func reachedSpeed(_ factor: Double) -> String {
        if factor < 1 { return String(format: "%.2fx", factor) }
        return String(format: factor < 10 ? "%.1fx" : "%.0fx", factor)
    }

    /// Says that traffic is not steady: a ramp under way (its share of the full rate), a
    /// spike to come or under way, or where a day-like wave stands.
    static func shapeField(_ snapshot: SimulationSnapshot) -> StatusField? {
        let shape = snapshot.workload.shape
        let factor = shape.factor(at: snapshot.time)
        let full = Format.count(snapshot.workload.baseRate)
        switch shape {
        case .steady:
            return nil
        case .ramp(_, let over):
            guard snapshot.time < over else { return nil }
            return StatusField(
                "ramp \(Format.percent(factor))", wide: "ramp \(Format.percent(factor)) of \(full) req/s",
                Style(.warm, reverse: true), priority: 2, widePriority: 5)
        case .spike(let at, let duration, let spike):
            if snapshot.time < at {
                return StatusField(
                    "spike at \(Format.clock(at))", wide: "spike x\(Format.count(spike)) at \(Format.clock(at))", priority: 2,
                    widePriority: 5)
            }
            guard snapshot.time - at < duration else { return nil }
            return StatusField("SPIKE x\(Format.count(spike))", Style(.warm, bold: true, reverse: true), priority: 2)
        case .diurnal:
            return StatusField(
                "day \(Format.percent(factor))", wide: "day cycle \(Format.percent(factor)) of \(full) req/s", priority: 2,
                widePriority: 5)
        }
    }

    /// The fields that fit in `width`, in order, each with the words it shows (its `text`;
    /// `wide` nil), and whether they fit two spaces apart. As room runs out they close up to
    /// one space, then, from the least important level up, the wide words of that level go
    /// (all at once, so like fields read alike) and then its fields, one by one (the
    /// rightmost first), before anything that matters
    /// more is touched: a less important field never costs a more important one its words.
    static func fit(_ fields: [StatusField], width: Int) -> (fields: [StatusField], roomy: Bool) {
        var shown = fields.map { (field: $0, wide: $0.wide != nil) }
        func used(roomy: Bool) -> Int {
            shown.reduce(0) { $0 + ($1.wide ? $1.field.wide! : $1.field.text).count + (roomy ? 2 : 1) }
        }
        func resolved(roomy: Bool) -> (fields: [StatusField], roomy: Bool) {
            (
                shown.map {
                    var field = $0.field; if $0.wide { field.text = field.wide! }; field.wide = nil; return field
                }, roomy
            )
        }
        if used(roomy: true) <= width { return resolved(roomy: true) }
        if used(roomy: false) <= width { return resolved(roomy: false) }
        for level in Set(fields.flatMap { [$0.priority, $0.widePriority] }).sorted(by: >) {
            for i in shown.indices where shown[i].field.widePriority == level { shown[i].wide = false }
            if used(roomy: false) <= width { return resolved(roomy: false) }
            while shown.count > 1, let i = shown.lastIndex(where: { $0.field.priority == level }) {
                shown.remove(at: i)
                if used(roomy: false) <= width { return resolved(roomy: false) }
            }
        }
        return resolved(roomy: false)
    }

    static func draw(_ state: DashboardState, in rect: Rect, into buffer: inout ScreenBuffer) {
        buffer.fill(rect, style: plain)
        var all = fields(state)
        if let cost = costField(state, besides: all, width: rect.width) { all.append(cost) }
        let (fields, roomy) = fit(all, width: rect.width)
        var x = rect.x
        for field in fields {
            let text = " " + field.text + (roomy ? " " : "")
            x = buffer.write(text, x: x, y: rect.y, style: field.style, clip: rect)
        }
    }
}
