/// The `:` prompt, with the parse error in place: after the text when it fits, else over the
/// event log's last rows, wrapped, so a limit at the end of a long message stays readable.
/// A line a key wrote shows its note (what Enter does) after it until the first edit.
enum PromptView {
    static func draw(_ prompt: PromptState, in rect: Rect, above log: Rect, into buffer: inout ScreenBuffer) {
        var x = buffer.write(":", x: rect.x, y: rect.y, style: Style(.accent, bold: true), clip: rect)
        x = buffer.write(prompt.text, x: x, y: rect.y, clip: rect)
        buffer.put("_", x: x, y: rect.y, style: Style(.accent, bold: true), clip: rect)
        // A note only where it fits whole: the line itself matters more.
        if prompt.error == nil, let note = prompt.note, x + 3 + note.count <= rect.maxX {
            buffer.write("  " + note, x: x + 1, y: rect.y, style: Style(.dim), clip: rect)
        }
        guard let error = prompt.error else { return }
        let style = Style(.error, bold: true)
        if x + 3 + error.count <= rect.maxX {
            buffer.write("  " + error, x: x + 1, y: rect.y, style: style, clip: rect)
            return
        }
        // The log's first row is its title rule; the rows under it can take the message.
        let lines = Format.wrap(error, width: log.width - 2).prefix(max(1, log.height - 1))
        for (i, line) in lines.enumerated() {
            let row = Rect(x: log.x, y: log.maxY - lines.count + i, width: log.width, height: 1)
            buffer.fill(row)
            buffer.write(line, x: row.x + 1, y: row.y, style: style, clip: row)
        }
    }
}
