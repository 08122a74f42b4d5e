/// The key map's bindings over the dashboard, in two columns where they fit, else one
/// that scrolls; the lines come from `HelpOverlay.lines` (Layout/HelpOverlay+Lines.swift).
extension HelpOverlay {
    /// Draws the overlay centred on `screen`; in one column, `scroll` lines down.
    static func draw(_ keyMap: KeyMap, scroll: Int, screen: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        let lines = lines(keyMap)
        let longest = lines.map(\.text.count).max() ?? 0
        let rows = screen.height - 5
        let columns = screen.width - 2 >= 2 * (longest + 2) + 2 && 2 * rows >= lines.count ? 2 : 1
        let perColumn = columns == 2 ? (lines.count + 1) / 2 : min(lines.count, rows)
        let width = min(screen.width - 2, columns * (longest + 2) + 2)
        let height = perColumn + 3
        let box = Rect(
            x: screen.x + (screen.width - width) / 2, y: screen.y + (screen.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        buffer.frame(
            box, title: "keys (? or Esc closes)", style: Style(.accent), titleStyle: Style(.accent, bold: true), glyphs: glyphs)
        let inner = box.inset(by: 1)
        let columnWidth = inner.width / columns
        let offset = columns == 1 ? min(max(0, scroll), lines.count - perColumn) : 0
        for (i, line) in lines.dropFirst(offset).prefix(columns * perColumn).enumerated() {
            let column = i / perColumn, row = i % perColumn
            let clip = Rect(x: inner.x + column * columnWidth, y: inner.y, width: columnWidth, height: perColumn)
            buffer.write(line.text, x: clip.x + 1, y: inner.y + row, style: line.style, clip: clip)
        }
        // Two columns hold every line; only one column scrolls.
        if columns == 1, offset + perColumn < lines.count || offset > 0 {
            let shown = "\(offset + 1)-\(offset + perColumn) of \(lines.count): Up and Down scroll"
            buffer.write(shown, x: inner.x + 1, y: inner.maxY - 1, style: Style(.dim), clip: inner)
        }
    }
}
