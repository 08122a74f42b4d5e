import Foundation
import ScaleSim

/// The whole screen as a pure function of the state.
public enum DashboardView {
    public static func render(_ state: DashboardState) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: state.screenWidth, height: state.screenHeight)
        draw(state, into: &buffer)
        return buffer
    }

    public static func draw(_ state: DashboardState, into buffer: inout ScreenBuffer) {
        let glyphs = Glyphs.forUnicode(state.unicode)
        if state.isTooSmall {
            TooSmallView.draw(width: state.screenWidth, height: state.screenHeight, into: &buffer)
            return
        }
        let layout = state.screenLayout
        StatusBarView.draw(state, in: layout.status, into: &buffer)
        AdvisorView.draw(state, in: layout.advisor, into: &buffer)
        let topology = TopologyView.draw(state, in: layout.topology, glyphs: glyphs, into: &buffer)
        if let panel = layout.inspector {
            InspectorView.draw(state, in: panel, glyphs: glyphs, into: &buffer)
        }
        EventLogView.draw(state, in: layout.log, glyphs: glyphs, into: &buffer)
        if let topology { TopologyView.markScrolling(topology, onRow: layout.log.y, into: &buffer) }
        if let prompt = state.prompt {
            PromptView.draw(prompt, in: layout.bottom, above: layout.log, into: &buffer)
        } else {
            HintBarView.draw(state, in: layout.bottom, into: &buffer)
        }
        switch state.overlay {
        case .none: break
        case .help: HelpOverlay.draw(state.keyMap, scroll: state.helpScroll, screen: buffer.bounds, glyphs: glyphs, into: &buffer)
        case .explanation: ExplanationOverlay.draw(state.preset, screen: buffer.bounds, glyphs: glyphs, into: &buffer)
        }
    }
}

/// The screen shown below the minimum size; `q` still quits.
enum TooSmallView {
    static func draw(width: Int, height: Int, into buffer: inout ScreenBuffer) {
        let lines = [
            "terminal too small: \(width)x\(height), need \(DashboardState.minimumWidth)x\(DashboardState.minimumHeight)",
            "enlarge the window, or press q to quit",
        ]
        for (i, line) in lines.enumerated() {
            let y = max(0, height / 2 - 1) + i
            buffer.write(line, x: max(0, (width - line.count) / 2), y: y, style: Style(i == 0 ? .warm : .dim, bold: i == 0))
        }
    }
}

/// Row 1: the current bottleneck and the step that would relieve it.
enum AdvisorView {
    static func draw(_ state: DashboardState, in rect: Rect, into buffer: inout ScreenBuffer) {
        guard let snapshot = state.snapshot else { return }
        let advice = Advisor.advice(for: snapshot, keyMap: state.keyMap)
        buffer.write(advice.text, x: rect.x + 1, y: rect.y, style: Style(advice.tone, bold: advice.tone != .healthy), clip: rect)
    }
}

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

/// The `:` prompt, with the parse error in place: after the text when it fits, else over the
/// event log's last rows, wrapped, so a limit at the end of a long message stays readable.
enum PromptView {
    static func draw(_ prompt: PromptState, in rect: Rect, above log: Rect, into buffer: inout ScreenBuffer) {
        var x = buffer.write(":", x: rect.x, y: rect.y, style: Style(.accent, bold: true), clip: rect)
        x = buffer.write(prompt.text, x: x, y: rect.y, clip: rect)
        buffer.put("_", x: x, y: rect.y, style: Style(.accent, bold: true), clip: rect)
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
