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
