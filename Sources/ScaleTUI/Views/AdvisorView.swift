/// Row 1: the current bottleneck and the step that would relieve it, in the longest
/// wording the row holds.
enum AdvisorView {
    static func draw(_ state: DashboardState, in rect: Rect, into buffer: inout ScreenBuffer) {
        guard let snapshot = state.snapshot else { return }
        let advice = Advisor.advice(for: snapshot, keyMap: state.keyMap)
        let text = advice.text(fitting: rect.width - 1, ellipsis: String(Glyphs.forUnicode(state.unicode).ellipsis))
        buffer.write(text, x: rect.x + 1, y: rect.y, style: Style(advice.tone, bold: advice.tone != .healthy), clip: rect)
    }
}
