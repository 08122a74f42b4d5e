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
