/// The preset's longer explanation, word-wrapped.
enum ExplanationOverlay {
    static func draw(_ preset: PresetInfo, screen: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        let width = min(screen.width - 4, 90)
        let text =
            [preset.description, ""]
            + preset.explanation.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let lines = text.flatMap { Format.wrap($0, width: width - 4) }
        let height = min(screen.height - 2, lines.count + 3)
        let box = Rect(
            x: screen.x + (screen.width - width) / 2, y: screen.y + (screen.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        buffer.frame(
            box, title: "\(preset.title) (e or Esc closes)", style: Style(.accent), titleStyle: Style(.accent, bold: true),
            glyphs: glyphs)
        let inner = box.inset(by: 1)
        for (i, line) in lines.prefix(inner.height - 1).enumerated() {
            buffer.write(line, x: inner.x + 1, y: inner.y + i, style: i == 0 ? Style(.title, bold: true) : .normal, clip: inner)
        }
    }
}
