/// The latest events, newest at the bottom: scrolled back with the log keys, and filtered
/// to the selected node when the filter key is on.
enum EventLogView {
    static func draw(_ state: DashboardState, in rect: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        guard rect.height > 0 else { return }
        for x in rect.x..<rect.maxX { buffer.put(glyphs.horizontal, x: x, y: rect.y, style: Style(.dim)) }
        let entries = state.shownLog
        let scroll = min(state.logScroll, max(0, entries.count - 1))
        var title = " events"
        if let only = state.logFilterNode { title += ": only \(only)" }
        if scroll > 0 { title += ", \(scroll) newer below (\(keyLabel(state, .scrollLogForward)) shows them)" }
        buffer.write(title + " ", x: rect.x + 2, y: rect.y, style: Style(.title, bold: true), clip: rect)
        let rows = rect.height - 1
        // Newest entries last; a long one wraps under its text, so its end (often the
        // limit or the reason) stays readable at 80 columns.
        var lines: [(clock: String, text: String, tone: Tone)] = []
        for entry in entries.dropLast(scroll).suffix(rows).reversed() where lines.count < rows {
            let clock = Format.clock(entry.time)
            let wrapped = Format.wrap(entry.text, width: rect.width - clock.count - 2)
            lines.insert(
                contentsOf: wrapped.enumerated().map { (i, text) in
                    (i == 0 ? clock : String(repeating: " ", count: clock.count), text, entry.tone)
                }, at: 0)
        }
        for (i, line) in lines.suffix(rows).enumerated() {
            let y = rect.y + 1 + i
            let x = buffer.write(line.clock, x: rect.x + 1, y: y, style: Style(.dim), clip: rect)
            buffer.write(" " + line.text, x: x, y: y, style: Style(line.tone), clip: rect)
        }
    }

    static func keyLabel(_ state: DashboardState, _ action: KeyAction) -> String {
        state.keyMap.binding(for: action)?.primaryLabel ?? "?"
    }
}
