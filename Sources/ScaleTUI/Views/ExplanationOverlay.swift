/// The preset's longer explanation, word-wrapped.
enum ExplanationOverlay {
    static func draw(_ preset: PresetInfo, screen: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        let width = min(screen.width - 4, 90)
        let text = [preset.description, ""] + paragraphs(preset.explanation)
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

    /// The explanation's paragraphs, each as one line to wrap to the screen: a preset's
    /// text is broken for its file, not for the overlay, so wrapping each of its lines
    /// alone left a word or two orphaned on a line of their own. A blank line or a list
    /// item (`- `) starts a new paragraph.
    static func paragraphs(_ text: String) -> [String] {
        var result: [String] = []
        var joining = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                result.append("")
                joining = false
            } else if joining && !trimmed.hasPrefix("- ") {
                result[result.count - 1] += " " + trimmed
            } else {
                result.append(trimmed)
                joining = true
            }
        }
        while result.last == "" { result.removeLast() }
        return result
    }
}
