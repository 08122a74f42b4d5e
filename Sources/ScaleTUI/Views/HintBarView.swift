/// The last row: the most used keys, labelled from the key map.
enum HintBarView {
    static let shown: [(action: KeyAction, word: String)] = [
        (.quit, "quit"), (.toggleHelp, "help"), (.togglePause, "pause"), (.doubleUsers, "users"),
        (.addAppServer, "app"), (.addReplica, "replica"), (.addCache, "cache"), (.openPrompt, "command"),
        (.toggleInspector, "inspect"),
    ]

    static func draw(_ state: DashboardState, in rect: Rect, into buffer: inout ScreenBuffer) {
        var x = rect.x + 1
        for (action, word) in shown {
            guard let binding = state.keyMap.binding(for: action) else { continue }
            let key = binding.primaryLabel
            if x + key.count + word.count + 1 > rect.maxX { break }
            x = buffer.write(key, x: x, y: rect.y, style: Style(.accent, bold: true), clip: rect)
            x = buffer.write(" " + word + "  ", x: x, y: rect.y, style: Style(.dim), clip: rect)
        }
    }
}
